"""``HAKEN_GC_FREEZE``: after startup the objects alive are in Python's permanent generation
(a full collection over the imports cost ~150 ms every dozen requests). Run in a child
process: freezing this test process would keep every later test's objects for ever."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHILD = """
import asyncio, gc, sys
from pathlib import Path
from asgi_lifespan import LifespanManager
from haken.app import create_app
from tests.conftest import make_settings

async def main(freeze: bool) -> None:
    data = Path(sys.argv[2])
    settings = make_settings(f"sqlite+aiosqlite:///{data / 'app.db'}", data, gc_freeze=freeze)
    async with LifespanManager(create_app(settings)):
        print(gc.get_threshold()[0])
        print(gc.get_freeze_count())

asyncio.run(main(sys.argv[1] == "on"))
"""

ROOT = Path(__file__).resolve().parents[3]


def _frozen_after_startup(setting: str, tmp_path: Path) -> tuple[int, int]:
    """(objects frozen, the young generation's threshold) in a child started with the
    freeze ``on`` or ``off``."""
    from haken.platform import migrations

    data = tmp_path / setting
    data.mkdir()
    migrations.upgrade(f"sqlite+aiosqlite:///{data / 'app.db'}")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, setting, str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    threshold, frozen = done.stdout.strip().splitlines()[-2:]
    return int(frozen), int(threshold)


def test_startup_freezes_what_is_alive_when_the_setting_is_on(tmp_path: Path) -> None:
    frozen, threshold = _frozen_after_startup("on", tmp_path)
    assert frozen > 100_000  # the imports: modules, classes
    # and collects the young generation less often (HAKEN_GC_YOUNG_THRESHOLD)
    assert threshold == 10_000
    assert _frozen_after_startup("off", tmp_path) == (0, 700)  # Python's own default
