"""The wheel is the product: built with its web assets, installed into a fresh venv,
``haken db upgrade`` and ``haken serve`` answer the sign-in page and its assets.

The wheel is built as users build it (``pip wheel .``: the build hook in setup.py runs
``scripts/build_assets.py``) and installed with ``--no-deps --no-index``; its
dependencies come from this test run's own environment through a ``.pth`` line added
after the install (no network, and the installed ``haken`` is the wheel's, which
the test checks).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.integration.cache.test_failover import free_port

ROOT = Path(__file__).resolve().parents[2]
ASSET = re.compile(r'(?:href|src)="(/static/[\w.-]+\.[0-9a-f]{12}\.(?:css|js))"')


def _run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=300, check=False, **kwargs
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


STALE = (
    ROOT / "build" / "lib" / "haken" / "migrations" / "versions" / "0000_stale_of_an_old_build.py"
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # What an earlier build left in setuptools' build/lib (a migration renamed since, say)
    # must not ship: setup.py empties it first.
    STALE.parent.mkdir(parents=True, exist_ok=True)
    STALE.write_text("raise SystemExit('a stale module of an old build')\n")
    _run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)])
    [built] = out.glob("haken-*.whl")
    return built


def test_the_wheel_carries_the_built_assets_and_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "haken/web/static/dist/manifest.json" in names
    assert any(re.fullmatch(r"haken/web/static/dist/htmx\.[0-9a-f]{12}\.min\.js", n) for n in names)
    assert any(n.startswith("haken/migrations/versions/0001_") for n in names)
    assert "haken/migrations/env.py" in names
    assert "haken/migrations/versions/0000_stale_of_an_old_build.py" not in names


def test_installed_wheel_serves_the_login_page_and_an_asset(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    _run(
        [
            *(sys.executable, "-m", "pip", "--python", str(python), "install", "-q"),
            *("--no-deps", "--no-index", str(wheel)),
        ]
    )
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
        ).stdout.strip()
    )
    # The dependencies: this environment's packages, after the wheel's own in sys.path.
    (site / "zz_test_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    located = _run([str(python), "-c", "import haken; print(haken.__file__)"]).stdout.strip()
    assert located.startswith(str(site)), located  # the wheel's haken, not the source tree

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("HAKEN_") and key not in {"PYTHONPATH", "VIRTUAL_ENV"}
    }
    env["HAKEN_DATA_DIR"] = str(tmp_path / "data")
    env["HAKEN_LOG_LEVEL"] = "WARNING"
    haken = str(venv / "bin" / "haken")
    _run([haken, "db", "upgrade"], env=env, cwd=tmp_path)
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [haken, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 45
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.2)
        page = httpx.get(f"{base}/login", timeout=10)
        assert page.status_code == 200
        assert "text/html" in page.headers["content-type"]
        found = ASSET.findall(page.text)
        assert found, page.text[:2000]
        asset = httpx.get(f"{base}{found[0]}", timeout=10)
        assert asset.status_code == 200
        assert len(asset.content) > 0
        assert "immutable" in asset.headers["cache-control"]
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()
