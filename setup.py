"""The build hook of the wheel: it carries the web assets, built as ``make assets`` builds them.

``pip wheel .`` / ``python -m build --wheel`` run ``build_py``, which first installs the
front-end packages pinned by ``package-lock.json`` (``npm ci --ignore-scripts``, when
``node_modules`` is missing or older than the lock file) and runs
``scripts/build_assets.py``, so ``src/haken/web/static/dist/`` (fingerprinted files and
``manifest.json``) lands in the wheel through the ``web/**/*`` package data. Editable
installs (``pip install -e .``) skip it: ``make assets`` builds the tree's assets.
Everything else about the package is in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUILD_SCRIPT = ROOT / "scripts" / "build_assets.py"
LOCK_FILE = ROOT / "package-lock.json"
INSTALLED_LOCK = ROOT / "node_modules" / ".package-lock.json"
MANIFEST = ROOT / "src" / "haken" / "web" / "static" / "dist" / "manifest.json"


def build_assets() -> None:
    if not BUILD_SCRIPT.exists():
        # Building from an sdist: the assets came with it, or the wheel would be broken.
        if not MANIFEST.exists():
            raise SystemExit(f"{MANIFEST} is missing and {BUILD_SCRIPT} is not here to build it")
        return
    stale = (
        not INSTALLED_LOCK.exists() or INSTALLED_LOCK.stat().st_mtime < LOCK_FILE.stat().st_mtime
    )
    if stale:
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("building the wheel needs npm (the web assets come from npm ci)")
        subprocess.run(  # noqa: S603 (fixed arguments)
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=ROOT, check=True
        )
    subprocess.run([sys.executable, str(BUILD_SCRIPT)], cwd=ROOT, check=True)  # noqa: S603


class BuildPyWithAssets(build_py):
    """``build_py`` that builds the web assets before it copies the package data."""

    def run(self) -> None:
        if not getattr(self, "editable_mode", False):
            build_assets()
            # setuptools copies into build/lib and keeps what an earlier build left there: a
            # module deleted or renamed since (a migration, say) would still ship, and two
            # migrations of one revision break `haken db upgrade`. Start from nothing.
            shutil.rmtree(Path(self.build_lib) / "haken", ignore_errors=True)
        super().run()


setup(cmdclass={"build_py": BuildPyWithAssets})
