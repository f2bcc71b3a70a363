"""``haken serve`` refuses to start without its built web assets (instead of 500s)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from haken import cli
from haken.platform.logging import configure_logging
from haken.web import assets


def _serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dist: Path) -> tuple[int, str, list]:
    monkeypatch.setattr(assets, "DIST_DIR", dist)
    monkeypatch.setenv("HAKEN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("HAKEN_DATABASE_URL", raising=False)
    monkeypatch.setenv("HAKEN_WORKERS", "1")  # serve sets it; restored after the test
    served: list[str] = []
    monkeypatch.setattr("uvicorn.run", lambda target, **_: served.append(target))
    try:
        result = CliRunner().invoke(cli.app, ["serve"])
    finally:
        configure_logging("WARNING")  # serve pointed the log handler at the runner's stdout
    return result.exit_code, " ".join(result.output.split()), served


def test_serve_refuses_to_start_without_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, output, served = _serve(tmp_path, monkeypatch, tmp_path / "dist")
    assert code == 2
    assert served == []
    assert "manifest.json is missing" in output
    assert "make assets" in output and "reinstall the haken wheel" in output


def test_serve_refuses_when_a_listed_asset_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "app.0123456789ab.css").write_text("body{}", encoding="utf-8")
    manifest = {"app.css": "app.0123456789ab.css", "htmx.min.js": "htmx.min.ba9876543210.js"}
    (dist / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    code, output, served = _serve(tmp_path, monkeypatch, dist)
    assert code == 2 and served == []
    assert "(htmx.min.js)" in output and "make assets" in output


def test_serve_starts_when_every_asset_is_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "app.0123456789ab.css").write_text("body{}", encoding="utf-8")
    (dist / "manifest.json").write_text(
        json.dumps({"app.css": "app.0123456789ab.css"}), encoding="utf-8"
    )
    code, output, served = _serve(tmp_path, monkeypatch, dist)
    assert code == 0, output
    assert served == ["haken.app:create_app"]
