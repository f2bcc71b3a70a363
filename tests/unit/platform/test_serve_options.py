"""``haken serve`` hands uvicorn the timeouts from the settings (docs/operations.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from haken import cli
from haken.platform.logging import configure_logging
from haken.web import assets


def _served_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]
) -> dict[str, Any]:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "app.0123456789ab.css").write_text("body{}", encoding="utf-8")
    (dist / "manifest.json").write_text(
        json.dumps({"app.css": "app.0123456789ab.css"}), encoding="utf-8"
    )
    monkeypatch.setattr(assets, "DIST_DIR", dist)
    monkeypatch.setenv("HAKEN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("HAKEN_DATABASE_URL", raising=False)
    monkeypatch.setenv("HAKEN_WORKERS", "1")  # serve sets it; restored after the test
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    options: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.run", lambda target, **kwargs: options.update(kwargs))
    try:
        result = CliRunner().invoke(cli.app, ["serve"])
    finally:
        configure_logging("WARNING")  # serve pointed the log handler at the runner's stdout
    assert result.exit_code == 0, result.output
    return options


def test_a_worker_gets_30_seconds_to_answer_the_supervisor_not_uvicorns_5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = _served_options(tmp_path, monkeypatch, {})
    assert options["timeout_worker_healthcheck"] == 30
    assert options["timeout_graceful_shutdown"] == 30


def test_the_timeouts_follow_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = _served_options(
        tmp_path,
        monkeypatch,
        {"HAKEN_WORKER_HEALTHCHECK_SECONDS": "45", "HAKEN_SHUTDOWN_TIMEOUT_SECONDS": "12"},
    )
    assert (options["timeout_worker_healthcheck"], options["timeout_graceful_shutdown"]) == (45, 12)
