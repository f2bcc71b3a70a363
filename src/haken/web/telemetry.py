"""``POST /api/telemetry/web-vitals``: pages report LCP, CLS, INP and long tasks.

Sent by ``static/src/app.js`` with ``navigator.sendBeacon`` when the page is
hidden. Public (the login page reports too) under the ``telemetry`` rate
limit; the values are validated and logged with the request id of the page
they measure, so a slow page's log line and its vitals join on one id.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, ValidationError

from haken.platform.access import PublicAccess
from haken.platform.errors import (
    DuplicateJsonKeyError,
    MalformedRequestError,
    ValidationFailedError,
)
from haken.platform.logging import get_logger
from haken.platform.middleware import DuplicateKeyError, strict_json_loads
from haken.platform.ratelimit import TelemetryRateLimit
from haken.platform.responses import Envelope, ok
from haken.platform.schemas import InputModel

log = get_logger("haken.web_vitals")
router = APIRouter(prefix="/api/telemetry", tags=["telemetry"])
MAX_BEACON_BYTES = 4096

Millis = Annotated[float, Field(ge=0, le=600_000)]


class WebVitals(InputModel):
    page_request_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$")
    path: str = Field(min_length=1, max_length=200, pattern=r"^/[^?#\s]*$")
    lcp_ms: Millis | None = None
    cls: float | None = Field(default=None, ge=0, le=100)
    inp_ms: Millis | None = None
    ttfb_ms: Millis | None = None
    fcp_ms: Millis | None = None
    long_tasks: int = Field(default=0, ge=0, le=100_000)
    long_task_ms: float = Field(default=0, ge=0, le=3_600_000)


class Recorded(BaseModel):
    recorded: bool = True


@router.post(
    "/web-vitals",
    response_model=Envelope[Recorded],
    status_code=202,
    # The body is read by hand (beacons come as text/plain too); the OpenAPI still shows it.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": WebVitals.model_json_schema()}},
        }
    },
)
async def web_vitals(request: Request, _access: PublicAccess, _limit: TelemetryRateLimit) -> Any:
    """Log one page's Web Vitals (beacons are sent as text/plain or JSON; both are read)."""
    body = await request.body()
    if len(body) > MAX_BEACON_BYTES:
        raise MalformedRequestError()
    try:
        raw = strict_json_loads(body or b"null")
    except DuplicateKeyError as error:  # a text/plain beacon is not seen by the middleware
        raise DuplicateJsonKeyError(key=error.key[:100]) from error
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedRequestError() from error
    try:
        vitals = WebVitals.model_validate(raw)
    except ValidationError as error:
        details = [
            {"loc": ".".join(str(p) for p in e["loc"]), "code": e["type"], "message": e["msg"]}
            for e in error.errors()
        ]
        raise ValidationFailedError(details=details) from error
    log.info("web vitals", **vitals.model_dump())
    return ok(Recorded())
