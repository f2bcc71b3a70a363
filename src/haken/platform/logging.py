"""Structured JSON logs with the request id on every line and PII redacted.

One processor chain serves structlog loggers and stdlib records (uvicorn,
SQLAlchemy, libraries): contextvars → redaction → JSON. Redaction runs before
any sink, on keys (``email``, ``my_number`` …) and on values that look like
personal data (a 12-digit My Number, a residence-card number, an e-mail, a
phone number, a bearer token), at any depth of nesting.

Numbers are judged by digit runs: any run of 12 or more digits, counted across
single separators (space, ``_``, ``-``, ``.``, their full-width forms) and
whatever letters or digits surround it, is redacted whole — a My Number (12)
or a corporate number (13) run into other digits or written ``1234_5678_9012``
included. Left readable: hex identifiers (request ids, hashes), IPv4 addresses
and ISO timestamps (their ``:`` and ``T`` break the run).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

import structlog

from haken.platform.context import request_id

REDACTED = "[REDACTED]"

# Keys are compared after lower-casing and dropping "-" and "_".
_SENSITIVE_KEY_PARTS = (
    "password",
    "passwd",
    "secret",
    "token",
    "authorization",
    "cookie",
    "mynumber",
    "kojinbango",
    "residencecard",
    "cardnumber",
    "phone",
    "tel",
    "mobile",
    "email",
    "mail",
    "bankaccount",
    "accountnumber",
    "address",
    "postal",
    "birth",
    "dob",
    "apikey",
    "fieldkey",
)
# Keys that contain a sensitive part but are not personal data.
_SAFE_KEYS = frozenset({"emailsent", "tokentype", "expiresin", "telemetry", "hotel"})

_VALUE_PATTERNS = (
    # JWT or bearer-like tokens
    re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}"),
    # e-mail addresses
    re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    # residence-card number: 2 letters, 8 digits, 2 letters
    re.compile(r"\b[A-Za-z]{2}\d{8}[A-Za-z]{2}\b"),
    # Japanese phone numbers: 0X-XXXX-XXXX and +81 forms
    re.compile(r"(?<!\d)(?:\+81[ -]?|0)\d{1,4}[ -]\d{1,4}[ -]\d{3,4}(?!\d)"),
    re.compile(r"(?<!\d)0[789]0\d{8}(?!\d)"),
)


def is_sensitive_key(key: object) -> bool:
    """Whether a field of this name holds personal data or a secret."""
    if not isinstance(key, str):
        return False
    return _is_sensitive_name(key)


@functools.lru_cache(maxsize=4096)
def _is_sensitive_name(key: str) -> bool:
    """Field names repeat on every log line: decide each one once."""
    folded = key.lower().replace("-", "").replace("_", "")
    if folded in _SAFE_KEYS:
        return False
    return any(part in folded for part in _SENSITIVE_KEY_PARTS)


_LONG_RUN_DIGITS = 12
_LONG_RUN_MIN = 10 ** (_LONG_RUN_DIGITS - 1)
_SEPARATORS = " _.\\-\u2010-\u2015\u2212\u3000\uff0d\uff3f\uff0e"
# A hex identifier (a uuid4 request id, a hash) or a run of digits joined by single separators.
_DIGIT_RUNS = re.compile(
    r"(?P<hex>(?<![0-9A-Za-z])[0-9A-Fa-f]{8}(?:-?[0-9A-Fa-f]{4}){3}-?[0-9A-Fa-f]{12}"
    r"(?:[0-9A-Fa-f]{32})?(?![0-9A-Za-z]))"
    rf"|(?P<run>\d(?:[{_SEPARATORS}]?\d)*)"
)
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"(?:{_OCTET}\.){{3}}{_OCTET}")


def _digit_run(match: re.Match[str]) -> str:
    found = match.group(0)
    if match.group("hex") is not None:
        if any(c.isalpha() for c in found):
            return found  # an identifier, not a number
        return REDACTED if sum(c.isdigit() for c in found) >= _LONG_RUN_DIGITS else found
    if sum(c.isdigit() for c in found) < _LONG_RUN_DIGITS or _IPV4.fullmatch(found):
        return found
    return REDACTED


# What every pattern above needs at least one of: a digit, full-width too (card numbers,
# phones, long runs, hex ids), an ``@`` (e-mail), a JWT's ``eyJ`` or the word bearer. Most
# logged strings (event names, methods, route templates, plain paths) have none, and skip
# seven substitutions.
_MAY_NEED_REDACTION = re.compile(r"[\d@]|eyJ|(?i:bearer)")


def redact_text(text: str) -> str:
    if not _MAY_NEED_REDACTION.search(text):
        return text
    for pattern in _VALUE_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return _DIGIT_RUNS.sub(_digit_run, text)


def redact(value: Any, _depth: int = 0) -> Any:
    """Return a copy of ``value`` with PII replaced, at any nesting depth."""
    if _depth > 20:
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _LONG_RUN_MIN:
        return REDACTED  # a My Number passed as a number (a validation error's input)
    if isinstance(value, Mapping):
        return {
            key: (
                REDACTED if is_sensitive_key(key) and item is not None else redact(item, _depth + 1)
            )
            for key, item in value.items()
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        return [redact(item, _depth + 1) for item in value]
    return value


def redact_processor(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: redact every key and value except the bookkeeping ones."""
    for key in list(event_dict.keys()):
        if key in {"timestamp", "level", "logger", "request_id"}:
            continue
        item = event_dict[key]
        if is_sensitive_key(key) and item is not None:
            event_dict[key] = REDACTED
        else:
            event_dict[key] = redact(item)
    return event_dict


def _add_request_id(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    event_dict.setdefault("request_id", request_id())
    return event_dict


def _stringify_exception(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    # Exceptions are rendered to text first so that redaction sees the text.
    return structlog.processors.format_exc_info(_logger, _method, event_dict)


def shared_processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        _add_request_id,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
        _stringify_exception,
        redact_processor,
    ]


class _Formatter(structlog.stdlib.ProcessorFormatter):
    """The chain's formatter; a record :func:`access_line` rendered itself goes out as is."""

    def format(self, record: logging.LogRecord) -> str:
        line: str | None = getattr(record, _RENDERED, None)
        if line is not None:
            return line
        return super().format(record)


_RENDERED = "haken_rendered_line"
_ACCESS_LOGGER = "haken.request"
_json_lines = {"on": True}


def access_line(**fields: Any) -> None:
    """The access log's line (one per request), rendered here rather than by the chain.

    Byte for byte what ``get_logger("haken.request").info("request", **fields)`` writes as
    JSON (``tests/unit/platform/test_logging.py`` compares the two), redacted the same way,
    without the generic chain's processors and second ``LogRecord``: the chain cost about
    a sixth of a cached read's time (bench/README.md, issue 21). With the console renderer
    (development) the chain writes it.
    """
    logger = logging.getLogger(_ACCESS_LOGGER)
    if not logger.isEnabledFor(logging.INFO):
        return
    if not _json_lines["on"]:
        get_logger(_ACCESS_LOGGER).info("request", **fields)
        return
    event: dict[str, Any] = {
        key: REDACTED if is_sensitive_key(key) and value is not None else redact(value)
        for key, value in fields.items()
    }
    event["event"] = "request"
    event["request_id"] = request_id()
    event["level"] = "info"
    event["logger"] = _ACCESS_LOGGER
    event["timestamp"] = dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")
    record = logger.makeRecord(_ACCESS_LOGGER, logging.INFO, "", 0, "request", (), None)
    setattr(record, _RENDERED, json.dumps(event, ensure_ascii=False))
    logger.handle(record)


def configure_logging(level: str = "INFO", *, json_output: bool = True) -> None:
    """Route structlog and every stdlib logger (uvicorn included) through one chain."""
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json_output
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    _json_lines["on"] = json_output
    formatter = _Formatter(
        foreign_pre_chain=shared_processors(),
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    handler.set_name("haken")
    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == "haken":
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "sqlalchemy", "alembic"):
        stdlib_logger = logging.getLogger(name)
        stdlib_logger.handlers.clear()
        stdlib_logger.propagate = True
    # Our own middleware logs each request with its id; uvicorn's line would repeat it.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    # No line carries the caller's file and line, thread or process (the request id, the
    # logger name and the time say where): the logging HOWTO's "Optimization" switches, so
    # no record walks the stack or asks for them (a tenth of an access line's cost).
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False

    structlog.configure(
        processors=[
            *shared_processors(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def get_logger(name: str) -> Any:
    return structlog.stdlib.get_logger(name)
