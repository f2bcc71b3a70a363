"""The ``haken`` command: serve, worker, db, demo, user, docs."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import typer
from rich.console import Console

from haken.config import get_settings

app = typer.Typer(help="haken: the operating system of a dispatch staffing agency.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations and maintenance.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data.", no_args_is_help=True)
user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
docs_app = typer.Typer(help="Generated documentation.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(user_app, name="user")
app.add_typer(docs_app, name="docs")
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

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # Resolve the generated secrets once, before workers fork, so all share them.
    _ = settings.resolved_secret_key, settings.resolved_field_key
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
        timeout_graceful_shutdown=30,
    )


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("heads", help="Target revision.")) -> None:
    """Apply migrations up to ``revision`` (default: the newest)."""
    from haken.platform import migrations

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrations.upgrade(settings.resolved_database_url, revision)
    console.print(f"database upgraded to {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument("-1", help="Target revision.")) -> None:
    """Revert migrations down to ``revision`` (default: one step)."""
    from haken.platform import migrations

    settings = get_settings()
    migrations.downgrade(settings.resolved_database_url, revision)
    console.print(f"database downgraded to {revision}")


@demo_app.command("seed")
def demo_seed(
    employees: int = typer.Option(50, min=0, help="How many employees to generate."),
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing when users exist."),
) -> None:
    """Create demo data; prints the one-time admin password when it creates the admin."""
    from haken.modules.demo import seed

    settings = get_settings()
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


def main() -> None:
    app()
