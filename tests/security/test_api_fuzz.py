"""Schemathesis against haken's own OpenAPI, as anonymous and as a super admin.

The app runs under a real uvicorn server on 127.0.0.1 (its own SQLite database
and event loop); every operation gets generated inputs, and every response
passes every schemathesis check (``--checks all``): no 5xx, a documented status
(haken.platform.openapi declares each error status from the route's policies),
the documented schema, headers and content type, valid data accepted, invalid
data refused, auth not ignored. The only operations left out are those that end
the fuzzing caller's own session. Rate limiting is switched off here so that
the fuzzer explores instead of collecting 429s (rate limits have their own tests).

"Valid data accepted" (``positive_data_acceptance``) takes, per operation, the
statuses that operation declares for business refusals (400/404/409/415/422/423 with
catalog codes, e.g. ``CLIENT_INVOICE_NUMBER_INVALID``, ``INVALID_CURSOR``): a
business rule may refuse schema-valid data (docs/security.md, "API contract").
Every other check keeps schemathesis' defaults.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.checks import load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES

from haken.app import create_app
from haken.modules.identity import cli as identity_cli
from haken.platform import migrations
from tests.conftest import make_settings

load_all_checks()
# Every registered check (the CLI's ``--checks all``); none is excluded.
ALL_CHECK_NAMES = set(REGISTERED_CHECKS.get_all_names())
ADMIN_EMAIL = "fuzz.admin@test.example"
ADMIN_PASSWORD = "fuzzing-admin-passphrase"
# Operations that end the fuzzing admin's own session (nothing else is left out).
SKIP_AS_ADMIN = {("POST", "/api/auth/logout"), ("DELETE", "/api/auth/sessions/{session_id}")}
CASES_RUN = {"anonymous": 0, "admin": 0}


@dataclass
class LiveServer:
    url: str
    admin_headers: dict[str, str]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite+aiosqlite:///{data_dir / 'fuzz.db'}"
    config = make_settings(url, data_dir, rate_limit_enabled=False)
    migrations.upgrade(url)
    code, message = asyncio.run(
        identity_cli.create_user(
            config, email=ADMIN_EMAIL, role="super_admin", password=ADMIN_PASSWORD
        )
    )
    assert code == 0, message
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config), host="127.0.0.1", port=port, log_config=None, lifespan="on"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    token = httpx.post(
        f"{base}/api/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    ).json()["data"]["access_token"]
    yield LiveServer(url=base, admin_headers={"Authorization": f"Bearer {token}"})
    server.should_exit = True
    thread.join(timeout=20)
    print(f"\nschemathesis cases run: {CASES_RUN}")  # noqa: T201 (recorded in the closing note)


def _openapi_document() -> dict[str, object]:
    """The same document the server serves (checked by the last test below)."""
    application = create_app(make_settings("sqlite+aiosqlite:///:memory:", Path("/tmp")))
    return application.openapi()


# Statuses a business rule may answer to schema-valid data, when the operation declares them.
BUSINESS_REFUSALS = frozenset({"400", "404", "409", "415", "422", "423"})


def business_refusals(operation: dict[str, object]) -> list[str]:
    """The business-refusal statuses ``operation`` declares with catalog codes."""
    responses = operation.get("responses", {})
    assert isinstance(responses, dict)
    return sorted(
        status
        for status, response in responses.items()
        if status in BUSINESS_REFUSALS and response.get("x-error-codes")
    )


def needs_sign_in(operation: dict[str, object]) -> bool:
    """The access policy refuses an anonymous caller (401 ``AUTH_REQUIRED``) before any input."""
    responses = operation.get("responses", {})
    assert isinstance(responses, dict)
    return "AUTH_REQUIRED" in responses.get("401", {}).get("x-error-codes", [])


def fuzz_config(document: dict[str, object], *, anonymous: bool = False) -> SchemathesisConfig:
    """``[[operations]]`` entries that widen ``positive_data_acceptance`` per operation.

    For the anonymous caller, an operation that needs a signed-in caller skips the
    coverage phase (~90 boundary inputs each): the access policy answers 401 before
    any input is read, and the admin run covers the same inputs past it. Every check
    still runs on every operation, with the examples and fuzzing phases.
    """
    operations = []
    paths = document["paths"]
    assert isinstance(paths, dict)
    for path, item in paths.items():
        for method, operation in item.items():
            entry: dict[str, object] = {}
            declared = business_refusals(operation)
            if declared:
                expected = [*POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES, *declared]
                entry["checks"] = {"positive_data_acceptance": {"expected-statuses": expected}}
            if anonymous and needs_sign_in(operation):
                entry["phases"] = {"coverage": {"enabled": False}}
            if entry:
                operations.append({"include-name": f"{method.upper()} {path}", **entry})
    return SchemathesisConfig.from_dict({"operations": operations})


DOCUMENT = _openapi_document()
schema = schemathesis.openapi.from_dict(DOCUMENT, config=fuzz_config(DOCUMENT))
anonymous_schema = schemathesis.openapi.from_dict(
    DOCUMENT, config=fuzz_config(DOCUMENT, anonymous=True)
)
FUZZ_SETTINGS = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@anonymous_schema.parametrize()
@FUZZ_SETTINGS
def test_anonymous_never_gets_a_server_error(
    case: schemathesis.Case, live_server: LiveServer
) -> None:
    CASES_RUN["anonymous"] += 1
    case.call_and_validate(base_url=live_server.url, timeout=30)


@schema.parametrize()
@FUZZ_SETTINGS
def test_admin_never_gets_a_server_error(case: schemathesis.Case, live_server: LiveServer) -> None:
    if (case.method.upper(), case.path) in SKIP_AS_ADMIN:
        return
    CASES_RUN["admin"] += 1
    case.call_and_validate(base_url=live_server.url, headers=live_server.admin_headers, timeout=30)


def test_openapi_lists_every_api_route(live_server: LiveServer) -> None:
    # Rendered once per server; after ~18,000 fuzzed calls on 2 busy cores that took longer
    # than httpx's default 5 s (a ReadTimeout, not a wrong document).
    document = httpx.get(f"{live_server.url}/api/openapi.json", timeout=120).json()
    assert document == DOCUMENT
    assert "/api/auth/login" in document["paths"]
    assert "/api/users/{user_id}/role" in document["paths"]
    login = document["paths"]["/api/auth/login"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/x-www-form-urlencoded"} <= set(login)


def test_every_check_is_enabled() -> None:
    """``call_and_validate`` without ``checks=`` runs what the config enables: all of them."""
    assert {"status_code_conformance", "negative_data_rejection", "ignored_auth"} <= ALL_CHECK_NAMES
    for operation in [None, *(result.ok() for result in schema.get_all_operations())]:
        config = schema.config.checks_config_for(operation=operation)
        disabled = {name for name in ALL_CHECK_NAMES if not config.get_by_name(name=name).enabled}
        assert disabled == set(), operation


def test_only_declared_business_refusals_count_as_accepting_valid_data() -> None:
    """Each operation's widened statuses are exactly the ones it declares with catalog codes."""
    defaults = set(POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES)
    widened = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        config = schema.config.checks_config_for(operation=operation)
        expected = set(config.positive_data_acceptance.expected_statuses)
        declared = business_refusals(DOCUMENT["paths"][operation.path][operation.method.lower()])
        assert expected == defaults | set(declared), operation.label
        widened += bool(set(declared) - defaults)
        # Never a blanket pass: a status the operation does not declare stays a failure.
        assert "2xx" in expected and "400" not in expected - set(declared)
    assert widened > 0

    def expected_for(path: str, method: str) -> set[str]:
        config = schema.config.checks_config_for(operation=schema[path][method])
        return set(config.positive_data_acceptance.expected_statuses)

    assert {"400", "422"} <= expected_for("/api/clients", "POST")  # e.g. the invoice number
    assert expected_for("/api/health", "GET") == defaults
    # The anonymous run: same checks; coverage inputs only where no sign-in is needed.
    for result in anonymous_schema.get_all_operations():
        operation = result.ok()
        config = anonymous_schema.config
        assert config.checks_config_for(operation=operation) == schema.config.checks_config_for(
            operation=operation
        )
        document_operation = DOCUMENT["paths"][operation.path][operation.method.lower()]
        coverage = config.phases_for(operation=operation).coverage.enabled
        assert coverage is not needs_sign_in(document_operation), operation.label
    assert anonymous_schema.config.phases_for(
        operation=anonymous_schema["/api/auth/login"]["POST"]
    ).coverage.enabled
