"""The baseline of every throughput ratio: a bare Starlette route returning
constant JSON of the same size as the haken response being compared, served
by the same uvicorn settings."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

_BODY = Path(os.environ["BENCH_PAYLOAD_FILE"]).read_bytes()


async def constant(_request: object) -> Response:
    return Response(_BODY, media_type="application/json")


app = Starlette(routes=[Route("/payload", constant)])
