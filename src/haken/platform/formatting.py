"""Dates, times and money as a person reads them, in the request's language.

The pure formatting rules, shared by the web filters (``haken.web.formatting``,
registered by ``web.render``; docs/architecture.md, "Dates: use the filters") and the
error catalog's messages (``platform.errors``: a date parameter reads 2026年3月31日 / 31 Mar
2026). Pages never print ``isoformat()`` or ``strftime``:

====================  ==========================  ============================
filter                ja                          en
====================  ==========================  ============================
``date``              2026年12月2日                2 Dec 2026
``date(weekday=1)``   2026年12月2日(水)            Wed 2 Dec 2026
``datetime``          2026年12月2日 15:04          2 Dec 2026, 15:04
``time``              15:04                       15:04
``daterange(end)``    2026年4月1日〜2027年3月31日  1 Apr 2026 – 31 Mar 2027
``timerange(end)``    08:30〜17:30                08:30 – 17:30
``yearmonth``         2026年12月                   Dec 2026
``yen``               ¥1,234                      ¥1,234
====================  ==========================  ============================

Stored instants are UTC-aware; they are shown in the agency's zone
(``settings.timezone``, Asia/Tokyo by default), without seconds. A naive
datetime is taken as UTC. Form inputs (``type=date``) and exports (CSV/XLSX)
keep ISO 8601: the browser and spreadsheets need it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime

from haken.platform import context

DEFAULT_ZONE = "Asia/Tokyo"

# Explicit CLDR patterns: the same text whatever Babel's default "medium" becomes.
_DATE = {"ja": "y年M月d日", "en": "d MMM y"}
_DATE_WEEKDAY = {"ja": "y年M月d日(E)", "en": "EEE d MMM y"}
_DATETIME = {"ja": "y年M月d日 HH:mm", "en": "d MMM y, HH:mm"}
_TIME = "HH:mm"
_YEARMONTH = {"ja": "y年M月", "en": "MMM y"}
# ja: 〜 with no spaces (2026年4月1日〜2027年3月31日); en: a spaced en dash.
_RANGE_SEPARATOR = {"ja": "〜", "en": " – "}


def _locale(locale: str | None) -> str:
    chosen = locale or context.locale()
    return chosen if chosen in _DATE else "ja"


def _zone(zone: str | ZoneInfo | None) -> ZoneInfo:
    if isinstance(zone, ZoneInfo):
        return zone
    return ZoneInfo(zone or DEFAULT_ZONE)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def format_day(value: dt.date | None, *, locale: str | None = None, weekday: bool = False) -> str:
    """A calendar day: 2026年12月2日 / 2 Dec 2026 (``weekday``: (水) / Wed). An instant is
    shown as its day in UTC: use :func:`format_moment` for stored times."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _aware(value).astimezone(dt.UTC).date()
    lang = _locale(locale)
    pattern = (_DATE_WEEKDAY if weekday else _DATE)[lang]
    return str(_babel_date(value, pattern, locale=lang))


def format_moment(
    value: dt.datetime | None, *, zone: str | ZoneInfo | None = None, locale: str | None = None
) -> str:
    """A stored instant in the agency's zone, to the minute: 2026年12月2日 15:04."""
    if value is None:
        return ""
    lang = _locale(locale)
    return str(_babel_datetime(_aware(value), _DATETIME[lang], tzinfo=_zone(zone), locale=lang))


def format_clock(value: dt.time | dt.datetime | None, *, zone: str | ZoneInfo | None = None) -> str:
    """HH:MM: a wall-clock time as it is, an instant in the agency's zone."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _aware(value).astimezone(_zone(zone)).time()
    return f"{value.hour:02d}:{value.minute:02d}"


def format_range(
    start: dt.date | dt.time | None,
    end: dt.date | dt.time | None,
    *,
    locale: str | None = None,
) -> str:
    """A period: 2026年4月1日〜2027年3月31日; an open end "2026年4月1日〜" (en "1 Apr 2026 –");
    an open start "〜2027年3月31日". Wall-clock times the same way: 08:30〜17:30."""
    if start is None and end is None:
        return ""
    lang = _locale(locale)
    separator = _RANGE_SEPARATOR[lang]
    first, last = (_range_end(value, lang) for value in (start, end))
    return f"{first}{separator}{last}".strip()


def _range_end(value: dt.date | dt.time | None, lang: str) -> str:
    if isinstance(value, dt.time):
        return format_clock(value)
    return format_day(value, locale=lang)


def format_yearmonth(value: dt.date | None, *, locale: str | None = None) -> str:
    """A month: 2026年12月 / Dec 2026."""
    if value is None:
        return ""
    lang = _locale(locale)
    return str(_babel_date(value, _YEARMONTH[lang], locale=lang))


def format_yen(value: int | Decimal | None) -> str:
    """¥1,500 (whole yen), ¥1,500.50 (a rate with sen), -¥1,500 (a loss: the sign before
    the currency sign, as accounts write it)."""
    if value is None:
        return ""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if value < 0:
        return f"-¥{-value:,}"
    return f"¥{value:,}"


def format_iso_text(text: str, *, zone: str | ZoneInfo | None = None) -> str:
    """A value that may be an ISO date or instant written as text (audit snapshots): shown
    like the filters would; any other text unchanged."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return format_day(dt.date.fromisoformat(text))
        except ValueError:
            return text
    if len(text) >= 16 and text[4] == "-" and text[10] == "T":
        try:
            return format_moment(dt.datetime.fromisoformat(text), zone=zone)
        except ValueError:
            return text
    return text
