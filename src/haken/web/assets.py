"""Fingerprinted static assets: the manifest the templates read and the static mount.

``scripts/build_assets.py`` (``make assets``) writes ``static/dist/`` and its
``manifest.json``. Fingerprinted files never change, so they are cached for a
year as immutable; anything else under ``/static`` is revalidated.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

DIST_DIR = Path(__file__).resolve().parent / "static" / "dist"
STATIC_PREFIX = "/static"
_FINGERPRINTED = re.compile(r"\.[0-9a-f]{12}\.")
_manifest: dict[str, str] | None = None


class AssetsNotBuiltError(RuntimeError):
    pass


def manifest() -> dict[str, str]:
    global _manifest
    if _manifest is None:
        path = DIST_DIR / "manifest.json"
        if not path.exists():
            raise AssetsNotBuiltError(f"{path} is missing: run `make assets`")
        _manifest = json.loads(path.read_text(encoding="utf-8"))
    return _manifest


def assets_problem(dist: Path | None = None) -> str | None:
    """Why the built assets cannot be served (``haken serve`` refuses to start), or None."""
    dist = dist or DIST_DIR
    path = dist / "manifest.json"
    fix = (
        "run `make assets` in a source checkout, or reinstall the haken wheel "
        "(it carries the built assets)"
    )
    if not path.is_file():
        return f"the web assets are not built: {path} is missing; {fix}"
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return f"the web asset manifest {path} is unreadable ({error}); {fix}"
    if not isinstance(entries, dict):
        return f"the web asset manifest {path} is not a JSON object; {fix}"
    missing = sorted(str(name) for name, target in entries.items() if not (dist / target).is_file())
    if missing:
        return f"web assets listed in {path} are missing ({', '.join(missing)}); {fix}"
    return None


def reload_manifest() -> None:
    global _manifest
    _manifest = None


def asset_url(name: str) -> str:
    return f"{STATIC_PREFIX}/{manifest()[name]}"


class FingerprintedStaticFiles(StaticFiles):
    """Static files with the cache policy their names allow."""

    def file_response(
        self, full_path: Any, stat_result: Any, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        if _FINGERPRINTED.search(str(full_path)):
            response.headers["cache-control"] = "public, max-age=31536000, immutable"
        else:
            response.headers["cache-control"] = "no-cache"
        return response


def static_files() -> FingerprintedStaticFiles:
    DIST_DIR.mkdir(parents=True, exist_ok=True)
    return FingerprintedStaticFiles(directory=DIST_DIR)
