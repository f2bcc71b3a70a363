"""A fiscal year's amounts for the minimum-wage tests (47 rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from haken.labor.minimum_wage import PREFECTURE_CODES


def year_body(
    fiscal_year: int, *, yen: int = 1200, effective: dt.date | None = None, **overrides: Any
) -> dict[str, Any]:
    """Every prefecture at ``yen`` from ``effective`` (October 1 by default); ``overrides``
    maps a prefecture code to ``(yen, date)``."""
    day = effective or dt.date(fiscal_year, 10, 1)
    amounts = []
    for code in PREFECTURE_CODES:
        amount, date = overrides.get(f"p{code}", (yen, day))
        amounts.append(
            {"prefecture": code, "hourly_yen": amount, "effective_from": date.isoformat()}
        )
    return {"fiscal_year": fiscal_year, "amounts": amounts}
