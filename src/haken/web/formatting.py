"""Dates, times and money as a person reads them, in the request's language: the template
filters registered by ``web.render`` (docs/architecture.md, "Dates: use the filters").

The rules themselves live in :mod:`haken.platform.formatting` (the error catalog formats its
date parameters with them too; platform never imports web); this module is their web name.
"""

from __future__ import annotations

from haken.platform.formatting import (
    DEFAULT_ZONE,
    format_clock,
    format_day,
    format_iso_text,
    format_moment,
    format_range,
    format_yearmonth,
    format_yen,
)

__all__ = [
    "DEFAULT_ZONE",
    "format_clock",
    "format_day",
    "format_iso_text",
    "format_moment",
    "format_range",
    "format_yearmonth",
    "format_yen",
]
