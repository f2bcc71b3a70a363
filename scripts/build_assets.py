"""Build the web UI's static assets into ``src/haken/web/static/dist/``.

Front-end packages come from the npm registry through ``package-lock.json``
(``npm ci``), never from copies committed to git. This step copies the files
the pages load (htmx and Swagger UI from ``node_modules``, haken's own CSS/JS from
``src/haken/web/static/src``) under content-hashed names and writes
``manifest.json`` (logical name → fingerprinted name), which the templates read.
A fingerprinted file never changes, so it is served with a one-year immutable
cache lifetime; a new build gets new names.

Run by ``make assets`` (a prerequisite of ``make run`` and ``make test``).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "haken" / "web" / "static" / "src"
DIST = ROOT / "src" / "haken" / "web" / "static" / "dist"
NODE_MODULES = ROOT / "node_modules"
# Logical name → file inside node_modules (pinned by package-lock.json).
NPM_FILES = {
    "htmx.min.js": NODE_MODULES / "htmx.org" / "dist" / "htmx.min.js",
    # /api/docs: Swagger UI served from haken's own origin (its CSP allows 'self' only).
    "swagger-ui-bundle.js": NODE_MODULES / "swagger-ui-dist" / "swagger-ui-bundle.js",
    "swagger-ui.css": NODE_MODULES / "swagger-ui-dist" / "swagger-ui.css",
}


def fingerprint(name: str, content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()[:12]
    stem, dot, ext = name.partition(".")
    return f"{stem}.{digest}{dot}{ext}"


def build(source: Path = SOURCE, dist: Path = DIST) -> dict[str, str]:
    inputs: dict[str, Path] = {}
    for path in sorted(source.iterdir()):
        if path.is_file() and path.suffix in {".css", ".js", ".svg", ".ico", ".png", ".woff2"}:
            inputs[path.name] = path
    for name, path in NPM_FILES.items():
        if not path.exists():
            raise SystemExit(f"{path} is missing: run `npm ci` first (make assets does)")
        inputs[name] = path
    dist.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, str] = {}
    for name, path in inputs.items():
        content = path.read_bytes()
        target = fingerprint(name, content)
        (dist / target).write_bytes(content)
        manifest[name] = target
    keep = set(manifest.values()) | {"manifest.json"}
    for stale in dist.iterdir():
        if stale.is_file() and stale.name not in keep:
            stale.unlink()
    (dist / "manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return manifest


def main() -> int:
    manifest = build()
    for name, target in sorted(manifest.items()):
        sys.stdout.write(f"{name} -> static/dist/{target}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
