"""The application factory: middleware, routers, lifespan."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from haken import __version__
from haken.config import Settings, get_settings
from haken.modules.catalog import MODULES
from haken.platform import health, observability
from haken.platform.cache import HakenCache
from haken.platform.db import Database
from haken.platform.edge import EdgeCacheMiddleware
from haken.platform.front import FrontMiddleware
from haken.platform.handlers import install_error_handlers
from haken.platform.jobs import AppJobs
from haken.platform.logging import configure_logging, get_logger
from haken.platform.metrics import instrument_pool, mark_process_dead
from haken.platform.middleware import BodySizeLimitMiddleware, DuplicateJsonKeyMiddleware
from haken.platform.openapi import install_openapi
from haken.platform.pagination import configure_cursor_key
from haken.platform.ratelimit import RateLimiterService
from haken.platform.security import configure_field_cipher
from haken.web.install import install_web

log = get_logger(__name__)

# Pages load only first-party assets: no inline scripts or styles, no third parties.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, json_output=settings.log_json)
    configure_field_cipher(settings.resolved_field_key)
    configure_cursor_key(settings.resolved_secret_key)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database(
            settings.resolved_database_url,
            pool_size=settings.database_pool_size,
            echo=settings.database_echo,
            parallel_workers=settings.database_parallel_workers,
        )
        app.state.database = database
        # Empty URL: memory only, which one process may use; several workers
        # without Redis cannot share invalidations, so they read uncached.
        shared_or_alone = bool(settings.redis_url) or settings.workers == 1
        app.state.cache = HakenCache(settings.redis_url, enabled=shared_or_alone)
        if not shared_or_alone:
            log.warning(
                "read cache off: several workers need HAKEN_REDIS_URL to share invalidations",
                workers=settings.workers,
            )
        await app.state.cache.start()
        instrument_pool(database.engine)
        app.state.jobs = await AppJobs.start(settings, database)
        for module in MODULES:
            await module.startup(app)
        if settings.gc_freeze:
            gc.collect()
            gc.freeze()
            gc.set_threshold(settings.gc_young_threshold, *gc.get_threshold()[1:])
        log.info("haken started", version=__version__, database=database.dialect)
        try:
            yield
        finally:
            await app.state.jobs.stop()  # drain in-process jobs before the pool closes
            for module in reversed(MODULES):
                await module.shutdown(app)
            await app.state.cache.close()
            await app.state.rate_limiter.close()
            await database.dispose()
            mark_process_dead()
            log.info("haken stopped")

    app = FastAPI(
        title="haken",
        version=__version__,
        description="The operating system of a Japanese dispatch staffing agency.",
        lifespan=lifespan,
        # /api/docs is haken's own page (haken.web.api_docs): FastAPI's loads a CDN and an
        # inline script, both refused by the CSP.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        # haken's metrics are Prometheus (platform/metrics.py) and it sets up no OpenTelemetry
        # providers; FastAPI's native telemetry asked the global ones on every request
        # (≈ 4 % of a cached read's time, issue 21).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.rate_limiter = RateLimiterService(
        settings.redis_url, enabled=settings.rate_limit_enabled
    )

    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(observability.router)
    for module in MODULES:
        module.install(app)
    install_web(app)  # after the modules: page error handling wraps the API's handlers
    install_openapi(app)  # every error status of every operation, from the route policies

    # Added innermost first: the last one added is the outermost.
    if settings.cors_origins:
        # Only the listed origins; credentials allowed for them alone (never "*").
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID", "X-CSRF-Token"],
            expose_headers=[
                "X-Request-ID",
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
                "Retry-After",
            ],
            max_age=600,
        )
    app.add_middleware(DuplicateJsonKeyMiddleware)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    # Opted-in API reads from stored bytes, after the access check and the rate limit
    # (platform/edge.py); inside the front pass.
    app.add_middleware(EdgeCacheMiddleware)
    # One pass in front of everything: request id and locale, security and rate-limit
    # headers, metrics, the access log, the last-resort 500 (platform/front.py).
    app.add_middleware(
        FrontMiddleware,
        content_security_policy=CONTENT_SECURITY_POLICY,
        default_locale=settings.default_locale,
        expose_query_count=settings.expose_query_count,
    )
    return app
