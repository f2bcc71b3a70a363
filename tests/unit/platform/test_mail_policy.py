"""Issue 13 item 1: in production, mail leaves only through SMTP. Without an SMTP host the
reset and invitation mails stay held in the outbox (sealed; nobody can read them there), so
``haken serve`` warns when production runs without one."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from haken import cli
from haken.platform.logging import configure_logging


@pytest.mark.parametrize(
    ("env", "smtp_host", "warned"),
    [
        ("production", "", True),
        ("production", "smtp.example.jp", False),
        ("development", "", False),
    ],
)
def test_serve_warns_when_production_mail_has_no_smtp_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: str, smtp_host: str, warned: bool
) -> None:
    monkeypatch.setenv("HAKEN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("HAKEN_DATABASE_URL", raising=False)
    monkeypatch.setenv("HAKEN_ENV", env)
    monkeypatch.setenv("HAKEN_SMTP_HOST", smtp_host)
    monkeypatch.setenv("HAKEN_WORKERS", "1")  # serve sets it; restored after the test
    served: list[str] = []
    monkeypatch.setattr("uvicorn.run", lambda target, **_: served.append(target))
    try:
        result = CliRunner().invoke(cli.app, ["serve"])
    finally:
        configure_logging("WARNING")  # serve pointed the log handler at the runner's stdout
    assert result.exit_code == 0, result.output
    assert served == ["haken.app:create_app"]  # a warning, not a refusal to start
    assert ("HAKEN_SMTP_HOST is not set" in result.stderr) is warned
    assert ("mail is held: no SMTP host" in result.stdout) is warned
