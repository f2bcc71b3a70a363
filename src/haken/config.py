"""Settings from the environment (prefix ``HAKEN_``).

Secrets are never defaulted to a constant: when ``HAKEN_SECRET_KEY`` or
``HAKEN_FIELD_KEY`` is absent, a random key is generated once into the data
directory (created 0700; the key file 0600) and read back on every later start,
so every worker of one deployment shares it.
"""

from __future__ import annotations

import base64
import os
import secrets
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from haken.platform.files import make_private_dir
from haken.platform.numbering import validate_pattern


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


def _read_or_create_secret(path: Path, generate: str) -> str:
    """Return the secret stored at ``path``, creating it atomically when absent."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    make_private_dir(path.parent)
    value = generate
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    try:
        # Another worker may have won the race: keep the first key written.
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text(encoding="utf-8").strip()


class Settings(BaseSettings):
    """Every setting haken reads; documented in docs/operations.md."""

    model_config = SettingsConfigDict(env_prefix="HAKEN_", extra="ignore")

    env: Environment = Environment.DEVELOPMENT
    data_dir: Path = Path("./var")
    database_url: str = ""
    database_pool_size: int = 10
    # PostgreSQL's max_parallel_workers_per_gather for haken's connections (0: one core per
    # statement; docs/operations.md).
    database_parallel_workers: int = Field(default=0, ge=0)
    database_echo: bool = False
    redis_url: str = ""
    workers: int = Field(default=1, ge=1)
    secret_key: SecretStr | None = None
    field_key: SecretStr | None = None
    log_level: str = "INFO"
    log_json: bool = True
    timezone: str = "Asia/Tokyo"
    default_locale: str = "ja"
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=14, ge=1, le=365)
    cors_origins: list[str] = Field(default_factory=list)
    trusted_proxies: list[str] = Field(default_factory=list)
    max_body_bytes: int = 10 * 1024 * 1024
    # Off only for API fuzzing and benchmarks of raw throughput; never in production.
    rate_limit_enabled: bool = True
    expose_query_count: bool = False
    # After startup, move every object alive into Python's permanent generation (gc.freeze):
    # the imports' millions of objects live as long as the process, and a full collection
    # over them cost ~150 ms every dozen requests (docs/operations.md). Tests turn it off:
    # they build many apps in one process.
    gc_freeze: bool = True
    # With the freeze: the young generation is collected every this many net allocations
    # instead of Python's 700. A cold dashboard (≈ 1,200 bars, 240 KB of JSON) allocated
    # enough to run a full collection every 5th request, 13 ms each: its p95 in process went
    # from 48 to 36 ms at 10,000 (docs/operations.md).
    gc_young_threshold: int = Field(default=10_000, ge=700)
    audit_retention_days: int = 3650
    # Outgoing mail (docs/operations.md): empty host = mails stay undelivered in the outbox.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: SecretStr | None = None
    smtp_from: str = "haken <no-reply@localhost>"
    smtp_starttls: bool = True
    smtp_ssl: bool = False
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    # Password-reset mails one address receives per hour at most (further requests: no mail).
    password_reset_mails_per_hour: int = Field(default=3, ge=1, le=100)
    # In-app notifications also go out by e-mail (needs smtp_host; docs/operations.md).
    notifications_email: bool = False
    public_url: str = "http://127.0.0.1:8000"
    # Observability (docs/operations.md): /metrics answers only with this bearer token.
    metrics_token: SecretStr | None = None
    metrics_multiproc_dir: Path | None = None
    worker_metrics_host: str = "0.0.0.0"  # noqa: S104 (a container's metrics port)
    worker_metrics_port: int = Field(default=9100, ge=0, le=65535)
    shutdown_timeout_seconds: int = Field(default=30, ge=1, le=600)
    # With --workers N, uvicorn's supervisor pings each worker and kills one that does not
    # answer in time. Its default of 5 s killed busy workers on a loaded 2-core machine.
    worker_healthcheck_seconds: int = Field(default=30, ge=1, le=600)
    # Background jobs (haken.platform.jobs).
    job_broker: Literal["auto", "memory", "redis"] = "auto"
    job_queue_name: str = "haken:jobs"
    job_concurrency: int = Field(default=10, ge=1, le=1000)
    job_max_attempts: int = Field(default=5, ge=1, le=50)
    job_retry_backoff_seconds: float = Field(default=2.0, ge=0, le=3600)
    job_lease_seconds: int = Field(default=900, ge=10, le=86400)
    job_scheduler_enabled: bool = True
    job_record_retention_days: int = Field(default=30, ge=1, le=3650)
    purge_schedule: str = "30 3 * * *"
    # Generated bulk files (the payslip PDF of a run or bonus payment, the ZIP of a bulk
    # documents run) are deleted this many days after they were finished: they copy personal
    # data the system can draw again at any time, so an old copy is a leak waiting to happen.
    export_retention_days: int = Field(default=7, ge=1, le=3650)
    # 社員番号 given on hire when none is typed: {seq} (required), {yyyy}/{yy} of the hire date.
    employee_number_pattern: str = "E{seq:06d}"
    # The agency's payroll calendar (attendance): 締め日 (0 = 末日, 1–27) and pay day
    # (0 = 末日) of the month ``payday_months_after`` months after the cut-off
    # (the defaults: 末日締め翌月25日払い).
    payroll_cutoff_day: int = Field(default=0, ge=0, le=27)
    payday: int = Field(default=25, ge=0, le=28)
    payday_months_after: int = Field(default=1, ge=0, le=2)
    # Paid leave (leave module; docs/operations.md): the longest gap between two periods of
    # employment at this agency that still counts as continuous service (継続勤務), the
    # hourly-leave agreement's cap (0 = no agreement) and the leave pay method payroll uses.
    leave_continuity_gap_days: int = Field(default=30, ge=0, le=366)
    leave_hourly_cap_days: int = Field(default=0, ge=0, le=5)
    leave_pay_method: Literal["ordinary", "average", "standard_daily"] = "ordinary"
    leave_risk_window_days: int = Field(default=90, ge=1, le=366)
    # Payroll (docs/operations.md): the 協会けんぽ branch of the agency's establishment (JIS
    # prefecture code), the withholding method (月額表 or 電算機特例), whether a 賃金控除協定
    # allows deducting rent and utilities of agency housing, and the run's batch size.
    payroll_prefecture: str = Field(default="13", pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
    payroll_withholding_method: Literal["table", "computer"] = "table"
    payroll_deduction_agreement: bool = False
    payroll_batch_size: int = Field(default=200, ge=1, le=2000)
    # Billing (docs/billing.md): the agency's 適格請求書発行事業者登録番号 (T + 13 digits;
    # required to issue), whether it is a corporation's (check digit of the 法人番号), the
    # rounding of the consumption tax per invoice and rate, and the name on invoices.
    billing_registration_number: str = ""
    billing_agency_corporation: bool = True
    billing_tax_rounding: Literal["down", "half_up", "up"] = "down"
    billing_agency_name: str = ""
    # The salary transfer file (payroll/transfer.py, 全銀 総合振込 種別11): the 振込依頼人コード
    # the agency's bank gave it (10 digits), its name in kana, and the account salaries are paid
    # from (bank and branch codes; their names come from zengin-code). Empty: no file.
    transfer_requester_code: str = Field(default="", pattern=r"^(\d{10})?$")
    transfer_requester_name: str = ""
    transfer_bank_code: str = Field(default="", pattern=r"^(\d{4})?$")
    transfer_branch_code: str = Field(default="", pattern=r"^(\d{3})?$")
    transfer_account_type: Literal["ordinary", "current", "other"] = "ordinary"
    transfer_account_number: str = Field(default="", pattern=r"^(\d{1,7})?$")
    transfer_newline: bool = True  # CRLF after each 120-byte record (most banks' upload)

    @field_validator("employee_number_pattern")
    @classmethod
    def _number_pattern(cls, value: str) -> str:
        return validate_pattern(value)

    @field_validator("data_dir")
    @classmethod
    def _absolute_data_dir(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'haken.db'}"

    @cached_property
    def resolved_secret_key(self) -> str:
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        return _read_or_create_secret(self.data_dir / "secret_key", secrets.token_urlsafe(48))

    @cached_property
    def resolved_field_key(self) -> str:
        """Base64 AES-256 key(s) for field encryption; comma separated, newest first."""
        if self.field_key is not None:
            return self.field_key.get_secret_value()
        fresh = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
        return _read_or_create_secret(self.data_dir / "field_key", fresh)

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION


def get_settings() -> Settings:
    return Settings()
