"""Issue 14 #12: every audited record type, action and diff field has a label in ja and en.

The audit page names record types, actions and fields with the labels the areas
register with the web registry (the same message ids as their forms). This walk runs
every write scenario of the route walk (tests/integration/test_policies.py) and checks
each audit row it leaves — the write's and its set-up's — against the registry, so a
new audited field without a label fails here.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from haken.modules.audit.models import AuditEntry
from haken.platform.db import session_scope
from haken.web.i18n import LOCALES, read_catalog
from haken.web.registry import registry
from tests.integration.test_policies import AUDIT_SCENARIOS, audit_context


@cache
def _translated(locale: str) -> frozenset[str]:
    return frozenset(m.id for m in read_catalog(locale) if m.id and m.string)


def _unlabelled(rows: list[AuditEntry]) -> list[str]:
    problems: list[str] = []

    def check(what: str, msgid: str | None) -> None:
        if msgid is None:
            problems.append(f"{what}: no label registered")
            return
        for locale in LOCALES:
            if msgid not in _translated(locale):
                problems.append(f"{what}: label {msgid!r} untranslated in {locale}")

    for row in rows:
        record = registry.records.get(row.entity_type)
        check(f"record type {row.entity_type}", record.label if record else None)
        check(f"action {row.action}", registry.actions.get(row.action))
        for name in row.changes:
            if record is not None and name in record.proper_names:
                continue  # a proper noun (prefecture), the same in both languages
            check(f"{row.entity_type}.{name}", registry.field_label(row.entity_type, name))
    return sorted(set(problems))


@pytest.mark.parametrize("key", sorted(AUDIT_SCENARIOS), ids=lambda key: f"{key[0]} {key[1]}")
async def test_audit_rows_have_labels_in_both_languages(
    key: tuple[str, str], client: httpx.AsyncClient, make_user: Any, login: Any, app: Any
) -> None:
    ctx = await audit_context(key, make_user, login)
    ctx["app"] = app
    response = await AUDIT_SCENARIOS[key](client, ctx)
    assert response.status_code < 300, response.text
    async with session_scope(app.state.database, write=True) as session:
        rows = list((await session.scalars(select(AuditEntry))).all())
    assert rows
    assert _unlabelled(rows) == []
