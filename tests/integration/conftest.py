"""Fixtures shared by several integration areas."""

from tests.integration.cache.freshness import cache_backend  # noqa: F401 (a fixture)
