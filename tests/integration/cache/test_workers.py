"""Several workers share cached reads only through Redis; without it the cache is off."""

from __future__ import annotations

from pathlib import Path

import pytest

from haken.app import create_app
from haken.config import Settings
from tests.conftest import REDIS_URL, require_service


@pytest.mark.parametrize(
    ("workers", "with_redis", "enabled"),
    [(1, False, True), (2, False, False), (2, True, True)],
)
async def test_the_memory_cache_is_off_for_several_workers(
    tmp_path: Path, workers: int, with_redis: bool, enabled: bool
) -> None:
    if with_redis:
        require_service(REDIS_URL, "Redis", "HAKEN_TEST_REDIS_URL")
    settings = Settings(
        data_dir=tmp_path,
        workers=workers,
        redis_url=REDIS_URL if with_redis else "",
        rate_limit_enabled=False,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        assert app.state.cache.enabled is enabled
