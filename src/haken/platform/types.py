"""Field types shared by the DTOs of several areas."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any

from babel import Locale
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

from haken.platform.jptext import PHONE_PATTERN, POSTAL_CODE_PATTERN, normalize_postal_code

LOCAL_TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"


def _without_offset(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError("a local wall-clock time takes no UTC offset (e.g. 08:30)")
    return value


LocalTime = Annotated[
    dt.time,
    AfterValidator(_without_offset),
    # JSON Schema's ``format: time`` (RFC 3339 full-time) demands an offset; these are
    # wall-clock times at the workplace (始業・終業), so say exactly what is sent.
    WithJsonSchema(
        {
            "type": "string",
            "pattern": LOCAL_TIME_PATTERN,
            "description": "local wall-clock time at the workplace, HH:MM[:SS], no offset",
            "examples": ["08:30", "17:15:00"],
        }
    ),
]
"""A time of day at the workplace (Japan): ``08:30``; no UTC offset."""


# --- what a field expects -----------------------------------------------------------------
#
# A field whose format is not obvious says what it expects in its error: the Pydantic
# error type names the expectation (``postal_code``, ``katakana`` …), the API's
# ``details[].code`` carries it with an English ``message``, and the pages translate it
# (web.forms maps each type to its message once, for every module's forms).


def expectation(code: str, message: str, **context: str | int) -> PydanticCustomError:
    """The error of a value that is not what field ``code`` expects (``message``: English)."""
    return PydanticCustomError(code, message, context or None)


def expecting(code: str, message: str, **context: str | int) -> WrapValidator:
    """Annotated metadata: any format error of the validators before it becomes
    :func:`expectation` ``(code, message)``. Put it last in the ``Annotated``."""

    def validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError:
            raise expectation(code, message, **context) from None

    return WrapValidator(validate)


_DASHES = re.compile("[\u2010-\u2015\u2212\u30fc\uff0d\uff70]")


def _fold_number(value: Any) -> Any:
    """Full-width digits and the dashes an IME types (－ ー −) as ASCII.

    ``０９０ー１２３４`` → ``090-1234``."""
    if not isinstance(value, str):
        return value
    return _DASHES.sub("-", unicodedata.normalize("NFKC", value))


PostalCode = Annotated[
    str,
    BeforeValidator(_fold_number),
    Field(pattern=POSTAL_CODE_PATTERN),
    AfterValidator(normalize_postal_code),
    expecting("postal_code", "expected a postal code of 7 digits, e.g. 100-0001"),
]
"""A Japanese postal code, ``1000001``, ``100-0001`` or ``１００－０００１``; stored as
``100-0001``."""

PhoneNumber = Annotated[
    str,
    BeforeValidator(_fold_number),
    Field(pattern=PHONE_PATTERN),
    expecting(
        "phone", "expected a phone number: 6-20 digits, spaces, + ( ) and -, e.g. 090-1234-5678"
    ),
]
"""A phone number as people write it (full-width digits and dashes folded to ASCII)."""

# Codes CLDR lists among territories that are not countries a person is a national of.
_NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "ZZ"})
COUNTRY_CODES: frozenset[str] = frozenset(
    code
    for code in map(str, Locale.parse("en").territories)
    if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
)
"""ISO 3166-1 alpha-2 codes of countries and areas (CLDR's list, so the UI can name each)."""


def _country(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    code = value.strip().upper()
    if code not in COUNTRY_CODES:
        raise ValueError("unknown country code")
    return code


CountryCode = Annotated[
    str,
    BeforeValidator(_country),
    expecting(
        "country", "expected an ISO 3166-1 alpha-2 country code from the list, e.g. JP, VN, BR"
    ),
    WithJsonSchema(
        {"type": "string", "enum": sorted(COUNTRY_CODES), "description": "ISO 3166-1 alpha-2"}
    ),
]
"""A nationality or country: an ISO 3166-1 alpha-2 code (``JP``, ``VN``), upper case."""


YEAR_MONTH_PATTERN = r"^(20\d\d|2100)-(0[1-9]|1[0-2])$"
FIRST_YEAR_MONTH, LAST_YEAR_MONTH = "2000-01", "2100-12"

YearMonth = Annotated[
    str,
    Field(pattern=YEAR_MONTH_PATTERN),
    expecting(
        "year_month",
        "expected a month YYYY-MM from 2000-01 to 2100-12",
        first=FIRST_YEAR_MONTH,
        last=LAST_YEAR_MONTH,
    ),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": YEAR_MONTH_PATTERN,
            "description": "a month, YYYY-MM, from 2000-01 to 2100-12",
            "examples": ["2026-04"],
        }
    ),
]
"""A calendar month ``YYYY-MM`` in the range the calendars compute (2000-01 … 2100-12):
a payroll period, pay day or ledger month outside it would overflow ``datetime.date``."""


def year_month(value: str) -> tuple[int, int]:
    """``"2026-04"`` → ``(2026, 4)`` (of a validated :data:`YearMonth`)."""
    year, month = value.split("-")
    return int(year), int(month)
