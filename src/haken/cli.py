"""The ``haken`` command: serve, worker, db, demo, user, docs, calc."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import typer
from rich.console import Console

from haken.config import get_settings
from haken.platform.files import make_private_dir, warn_loose_permissions
from haken.platform.logging import configure_logging
from haken.platform.mail import warn_if_mail_is_held

app = typer.Typer(
    help="haken: the operating system of a dispatch staffing agency.", no_args_is_help=True
)
db_app = typer.Typer(help="Database migrations and maintenance.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data.", no_args_is_help=True)
user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
docs_app = typer.Typer(help="Generated documentation.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(user_app, name="user")
app.add_typer(docs_app, name="docs")
keys_app = typer.Typer(help="Encryption keys of personal numbers.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
jobs_app = typer.Typer(help="Background jobs: dead letters.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")
calc_app = typer.Typer(help="Labour-law calculations by hand (no database).", no_args_is_help=True)
app.add_typer(calc_app, name="calc")
console = Console()


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    port: int = typer.Option(8000, help="Port to bind."),
    workers: int = typer.Option(1, min=1, help="API worker processes."),
    reload: bool = typer.Option(False, help="Reload on code changes (development)."),
) -> None:
    """Serve the API and the web UI with uvicorn."""
    import uvicorn

    from haken.web.assets import assets_problem

    # Without its built assets every page would answer 500: refuse to start instead.
    problem = assets_problem()
    if problem is not None:
        console.print(f"[red]haken serve: {problem}[/red]", soft_wrap=True)
        raise typer.Exit(2)
    # The workers read their count from the environment (the cache needs it).
    os.environ["HAKEN_WORKERS"] = str(workers)
    settings = get_settings()
    make_private_dir(settings.data_dir)
    # Resolve the generated secrets once, before workers fork, so all share them.
    _ = settings.resolved_secret_key, settings.resolved_field_key
    # Keys and the SQLite database open to group or others: a log line and a stderr line each.
    configure_logging(settings.log_level, json_output=settings.log_json)
    warn_loose_permissions(settings.data_dir, settings.resolved_database_url, sys.stderr)
    warn_if_mail_is_held(settings, sys.stderr)  # production mail leaves only through SMTP
    if workers > 1 or settings.metrics_multiproc_dir is not None:
        # One scrape must see every worker: prometheus-client's multiprocess mode,
        # set before the worker processes import it.
        from haken.platform.metrics import prepare_multiprocess_dir

        directory = settings.metrics_multiproc_dir or settings.data_dir / "metrics"
        prepare_multiprocess_dir(str(directory))
    console.print(f"haken serving on http://{host}:{port}/  (API docs: /api/docs)")
    uvicorn.run(
        "haken.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=",".join(settings.trusted_proxies) or None,
        log_config=None,
        # SIGTERM: stop accepting, finish in-flight requests (bounded), then the
        # lifespan drains in-process jobs (bounded again): docs/operations.md.
        timeout_graceful_shutdown=settings.shutdown_timeout_seconds,
        timeout_worker_healthcheck=settings.worker_healthcheck_seconds,
    )


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("heads", help="Target revision.")) -> None:
    """Apply migrations up to ``revision`` (default: the newest)."""
    from haken.platform import migrations

    settings = get_settings()
    make_private_dir(settings.data_dir)
    migrations.upgrade(settings.resolved_database_url, revision)
    console.print(f"database upgraded to {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument("-1", help="Target revision.")) -> None:
    """Revert migrations down to ``revision`` (default: one step)."""
    from haken.platform import migrations

    settings = get_settings()
    migrations.downgrade(settings.resolved_database_url, revision)
    console.print(f"database downgraded to {revision}")


@app.command()
def worker() -> None:
    """Run background jobs from the Redis stream, and their schedules, until SIGTERM."""
    import haken.app  # noqa: F401  (imports every module, so every job is registered)
    from haken.platform.worker import WorkerConfigError, run_worker

    settings = get_settings()
    configure_logging(settings.log_level, json_output=settings.log_json)
    if settings.metrics_multiproc_dir is not None:
        from haken.platform.metrics import prepare_multiprocess_dir

        prepare_multiprocess_dir(str(settings.metrics_multiproc_dir))
    try:
        asyncio.run(run_worker(settings))
    except WorkerConfigError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error


@jobs_app.command("dead")
def jobs_dead(limit: int = typer.Option(50, min=1, max=1000)) -> None:
    """List dead-letter jobs: every attempt failed; the last error is kept."""
    import haken.app  # noqa: F401  (registers every job)
    from haken.platform.jobs import list_dead_letters

    rows = asyncio.run(list_dead_letters(get_settings(), limit))
    if not rows:
        console.print("no dead-letter jobs")
    for row in rows:
        console.print(
            f"{row['finished_at']}  {row['job']}  key={row['key']}  "
            f"attempts={row['attempts']}  {row['last_error']}"
        )


@jobs_app.command("retry")
def jobs_retry(key: str = typer.Argument(..., help="The key shown by `haken jobs dead`.")) -> None:
    """Enqueue a dead-letter job again with a fresh attempt budget."""
    import haken.app  # noqa: F401  (registers every job)
    from haken.platform.jobs import retry_dead_letter

    outcome = asyncio.run(retry_dead_letter(get_settings(), key))
    if outcome == "not-dead":
        console.print(f"[red]no dead-letter job with key {key}[/red]")
        raise typer.Exit(1)
    console.print(f"{key}: {outcome}")


@db_app.command("backup")
def db_backup(
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Backup file (default: <data dir>/backups/haken-<UTC>.*)."
    ),
) -> None:
    """Back up the database online (SQLite backup API, or pg_dump --format=custom)."""
    from haken.platform import backup

    settings = get_settings()
    url = settings.resolved_database_url
    target = output or backup.default_backup_path(url, settings.data_dir / "backups")
    try:
        written = backup.backup(url, target)
    except backup.BackupError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    console.print(f"backup written to {written}")


@db_app.command("restore")
def db_restore(
    source: Path = typer.Argument(..., help="A file written by `haken db backup`."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Replace the database with a backup. Stop the API and workers first."""
    from haken.platform import backup

    settings = get_settings()
    url = settings.resolved_database_url
    if not yes:
        kind = "SQLite" if backup.is_sqlite(url) else "PostgreSQL"
        typer.confirm(f"Replace every row of the {kind} database with {source}?", abort=True)
    try:
        backup.restore(url, source)
        checksums = asyncio.run(backup.table_checksums(url))
    except backup.BackupError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    for table, checksum in sorted(checksums.items()):
        console.print(f"  {table}: {checksum.rows} rows")
    console.print(f"restored from {source}; run `haken db upgrade` if the backup is older")


@demo_app.command("seed")
def demo_seed(
    employees: int = typer.Option(50, min=0, help="How many employees to generate."),
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing when users exist."),
) -> None:
    """Create demo data; prints the one-time admin password when it creates the admin."""
    from haken.modules.demo import seed
    from haken.platform.pagination import configure_cursor_key

    settings = get_settings()
    # Seeding pages through lists (leave overview): their cursors are signed.
    configure_cursor_key(settings.resolved_secret_key)
    result = asyncio.run(seed.run(settings, employees=employees, if_empty=if_empty))
    if result.skipped:
        console.print("demo data present; nothing seeded")
        return
    console.print(f"seeded {result.summary}")
    if result.admin_password:
        console.print(
            f"[bold]admin login:[/bold] {result.admin_email}  password: {result.admin_password}"
            "  (shown once; change it after signing in)"
        )
    if result.client_password:
        console.print(
            f"[bold]client portal login (client supervisor):[/bold] {result.client_email}"
            f"  password: {result.client_password}  (shown once; /client)"
        )


@user_app.command("create")
def user_create(
    email: str = typer.Option(..., help="Sign-in e-mail."),
    role: str = typer.Option(..., help="super_admin, admin, coordinator, site_manager, employee"),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
    locale: str = typer.Option("ja", help="ja or en"),
) -> None:
    """Create a user through the same service as the API."""
    import haken.modules.models  # noqa: F401  (every mapper: users.employee_id → employees)
    from haken.modules.identity import cli as identity_cli

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = get_settings()
    code, message = asyncio.run(
        identity_cli.create_user(settings, email=email, role=role, password=password, locale=locale)
    )
    if code != 0:
        console.print(f"[red]{message}[/red]")
        raise typer.Exit(code)
    console.print(message)


@user_app.command("reset-password")
def user_reset_password(
    email: str = typer.Option(..., help="Sign-in e-mail of the account."),
) -> None:
    """Set a new one-time password (printed once), end the user's sessions, audit it.

    The way back when the admin password printed by `demo seed` was missed.
    """
    import haken.modules.models  # noqa: F401  (every mapper: users.employee_id → employees)
    from haken.modules.identity import cli as identity_cli

    settings = get_settings()
    code, message, password = asyncio.run(identity_cli.reset_password(settings, email=email))
    if code != 0 or password is None:
        console.print(message, style="red", markup=False)
        raise typer.Exit(code or 1)
    console.print(message, markup=False)
    console.print(
        f"[bold]password:[/bold] {password}  (shown once; change it after signing in)",
        soft_wrap=True,
    )


@docs_app.command("errors")
def docs_errors(
    check: bool = typer.Option(False, help="Fail when docs/errors.md is out of date."),
    path: Path = typer.Option(Path("docs/errors.md"), help="Where the catalog is written."),
) -> None:
    """Generate docs/errors.md from the error catalog."""
    import haken.app  # noqa: F401  (imports every module, so every error is registered)
    from haken.platform.errors import render_catalog_markdown

    text = render_catalog_markdown()
    if check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            console.print(f"{path} is out of date; run `haken docs errors`")
            raise typer.Exit(1)
        console.print(f"{path} is up to date")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    console.print(f"wrote {path}")


@keys_app.command("rotate-fields")
def keys_rotate_fields() -> None:
    """Re-encrypt My Number, residence-card and bank account numbers under the first
    HAKEN_FIELD_KEY key (list the new key first and keep the old ones until this ran)."""
    from haken.modules.employees import cli as people_cli

    result = asyncio.run(people_cli.rotate_field_keys(get_settings()))
    console.print(
        f"re-encrypted under key {result.key_id}: {result.employees} employees, "
        f"{result.candidates} candidates"
    )


@calc_app.command("premiums")
def calc_premiums(
    file: Path = typer.Option(
        ..., "--file", help="CSV with the columns date,start,end,break_minutes (HH:MM)."
    ),
    rest_day: str = typer.Option(
        ..., "--rest-day", help="The statutory rest day (法定休日): sunday, monday, …"
    ),
    week_start: str = typer.Option("sunday", "--week-start", help="First day of the week."),
    day_change: str = typer.Option(
        "05:00", "--day-change", help="営業日分岐: a shift starting earlier is the previous day's."
    ),
    scheduled_minutes: int = typer.Option(
        480, "--scheduled-minutes", min=0, help="Scheduled minutes (所定労働時間) of a working day."
    ),
    month_start_day: int = typer.Option(
        1, "--month-start-day", min=1, max=28, help="起算日 of the month of the 60-hour count."
    ),
) -> None:
    """Classify one worker's timecards into premium minutes and print them as JSON."""
    import datetime as dt
    import json

    from haken.labor import premiums

    try:
        hours, minutes = (int(part) for part in day_change.split(":"))
        settings = premiums.WorkSettings(
            rest_day=premiums.parse_weekday(rest_day),
            week_start=premiums.parse_weekday(week_start),
            day_change=dt.time(hours, minutes),
            scheduled_minutes=scheduled_minutes,
            month_start_day=month_start_day,
        )
        text = file.read_text(encoding="utf-8")
        result = premiums.calculate_premiums(premiums.timecards_from_csv(text), settings)
    except (OSError, ValueError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    output = {
        "minutes": result.minutes.summary(),
        "multipliers": {k: float(v) for k, v in result.rules.multipliers().items()},
    }
    typer.echo(json.dumps(output, ensure_ascii=False))


@calc_app.command("withholding")
def calc_withholding(
    pay: int = typer.Option(..., "--pay", help="The month's pay after social insurance (yen)."),
    dependents: int = typer.Option(
        0, "--dependents", help="扶養親族等の数 (with --otsu: declared for 従たる給与)."
    ),
    date: str = typer.Option(..., "--date", help="The pay date's month, YYYY-MM (its 年分)."),
    method: str = typer.Option("table", "--method", help="table | computer (電算機特例)."),
    otsu: bool = typer.Option(False, "--otsu", help="乙欄: no 扶養控除等申告書 filed."),
) -> None:
    """Withholding income tax on one month's pay (月額表 or 電算機特例), printed as JSON."""
    import datetime as dt
    import json
    import re

    from haken.labor import withholding

    try:
        if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", date):
            raise ValueError(f"--date must be YYYY-MM, not {date!r}")
        pay_date = dt.date(int(date[:4]), int(date[5:7]), int(date[8:] or 1))
        try:
            chosen = withholding.WithholdingMethod(method)
        except ValueError as error:
            raise ValueError(f"--method must be table or computer, not {method!r}") from error
        result = withholding.withholding_tax(
            pay, dependents=dependents, pay_date=pay_date, method=chosen, otsu=otsu
        )
    except ValueError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))


@calc_app.command("paid-leave")
def calc_paid_leave(
    hired: str = typer.Option(..., "--hired", help="Hire date, YYYY-MM-DD."),
    days_per_week: str = typer.Option(
        None, "--days-per-week", help="Scheduled days a week (optional with --annual-days)."
    ),
    hours_per_week: str = typer.Option(..., "--hours-per-week", help="Scheduled hours a week."),
    annual_days: int = typer.Option(
        None, "--annual-days", help="Scheduled days a year, when days are not set per week."
    ),
    on: str = typer.Option(..., "--on", help="Grants made up to this day, YYYY-MM-DD."),
) -> None:
    """Statutory paid-leave grants up to --on (80 % attendance assumed), printed as JSON.

    expires_on is the last day a grant can be taken.
    """
    import datetime as dt
    import json

    from haken.labor import paid_leave

    try:
        weekly_days = days_per_week
        schedule = paid_leave.Schedule(
            hours_per_week=paid_leave.to_decimal(hours_per_week, "--hours-per-week"),
            days_per_week=(
                None
                if weekly_days is None
                else paid_leave.to_decimal(weekly_days, "--days-per-week")
            ),
            annual_days=annual_days,
        )
        grants = paid_leave.calculate_grants(
            dt.date.fromisoformat(hired), schedule, on=dt.date.fromisoformat(on)
        )
    except ValueError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(json.dumps(paid_leave.grants_json(grants), ensure_ascii=False))


@calc_app.command("insurance")
def calc_insurance(
    pay: int = typer.Option(..., "--pay", help="報酬月額: the monthly pay the grade is set from."),
    prefecture: str = typer.Option(
        ..., "--prefecture", help="The establishment's prefecture: tokyo, osaka, … or 13, 27."
    ),
    birth_date: str = typer.Option(..., "--birth-date", help="YYYY-MM-DD (nursing care, 40–64)."),
    date: str = typer.Option(..., "--date", help="The premium month, YYYY-MM."),
    wages: int = typer.Option(
        None, "--wages", help="Wages actually paid, for employment insurance (default --pay)."
    ),
    business: str = typer.Option(
        "general", "--business", help="雇用保険: general | agriculture_sake | construction."
    ),
) -> None:
    """Social-insurance grade and shares of one month (協会けんぽ), printed as JSON (yen)."""
    import datetime as dt
    import json

    from haken.labor import insurance

    try:
        result = insurance.calculate_monthly_insurance(
            pay,
            prefecture=prefecture,
            birth_date=dt.date.fromisoformat(birth_date),
            month=insurance.parse_month(date),
            wages=wages,
            business=business,
        )
    except ValueError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))


def main() -> None:
    app()
