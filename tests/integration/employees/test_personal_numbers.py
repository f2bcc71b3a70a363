"""My Number, residence-card and bank account numbers: reveal, audit, logs, key rotation."""

from __future__ import annotations

import base64
import io
import logging
import secrets
from typing import Any

import httpx
from sqlalchemy import select, text

from haken.modules.audit.models import AuditEntry
from haken.modules.employees.service import employees_service
from haken.platform import security
from haken.platform.db import session_scope
from haken.platform.security import FieldCipher, configure_field_cipher, field_cipher
from tests.integration.employees.factories import (
    ACCOUNT_NUMBER,
    CARD_NUMBER,
    MY_NUMBER,
    create_employee,
)

PII = (MY_NUMBER, CARD_NUMBER, ACCOUNT_NUMBER, "090-1234-5678", "duc@test.example", "1995-04-12")


async def audit_rows(app: Any, entity_id: int) -> list[AuditEntry]:
    async with session_scope(app.state.database, write=True) as session:
        statement = (
            select(AuditEntry)
            .where(AuditEntry.entity_type == "employee", AuditEntry.entity_id == str(entity_id))
            .order_by(AuditEntry.id)
        )
        return list((await session.scalars(statement)).all())


async def test_admin_reveals_numbers_and_the_audit_names_only_the_fields(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    employee = await create_employee(client, coordinator)
    admin = await auth_headers("admin")
    response = await client.post(
        f"/api/employees/{employee['id']}/reveal",
        headers=admin,
        json={"fields": ["my_number", "bank_account_number"], "purpose": "源泉徴収票の作成"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["data"] == {
        "my_number": MY_NUMBER,
        "residence_card_number": None,
        "bank_account_number": ACCOUNT_NUMBER,
    }
    rows = await audit_rows(app, employee["id"])
    reveal = [row for row in rows if row.action == "reveal"]
    assert len(reveal) == 1
    assert reveal[0].changes == {
        "fields": [None, ["bank_account_number", "my_number"]],
        "purpose": [None, "源泉徴収票の作成"],
    }
    for row in rows:
        for value in PII:
            assert value not in repr(row.changes), (row.action, value)


async def test_only_admins_may_reveal(client: httpx.AsyncClient, auth_headers: Any) -> None:
    coordinator = await auth_headers("coordinator")
    employee = await create_employee(client, coordinator)
    own = await auth_headers("employee", employee_id=employee["id"])
    for headers in (coordinator, own):
        response = await client.post(
            f"/api/employees/{employee['id']}/reveal",
            headers=headers,
            json={"fields": ["my_number"], "purpose": "check"},
        )
        assert response.status_code == 403
    admin = await auth_headers("admin")
    missing = await client.post(
        "/api/employees/999999/reveal",
        headers=admin,
        json={"fields": ["my_number"], "purpose": "check"},
    )
    assert missing.status_code == 404


async def test_edits_never_put_numbers_in_audit_diffs_or_logs(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    root = logging.getLogger()
    haken_handler = next(h for h in root.handlers if h.get_name() == "haken")
    buffer = io.StringIO()
    capture = logging.StreamHandler(buffer)
    capture.setFormatter(haken_handler.formatter)
    level = root.level
    root.addHandler(capture)
    root.setLevel(logging.INFO)
    try:
        coordinator = await auth_headers("coordinator")
        employee = await create_employee(client, coordinator)
        edited = await client.patch(
            f"/api/employees/{employee['id']}",
            headers=coordinator,
            json={"version": employee["version"], "my_number": "987654321093"},
        )
        assert edited.status_code == 200, edited.text
        admin = await auth_headers("admin")
        revealed = await client.post(
            f"/api/employees/{employee['id']}/reveal",
            headers=admin,
            json={"fields": ["my_number", "residence_card_number"], "purpose": "資格取得届の作成"},
        )
        assert revealed.json()["data"]["my_number"] == "987654321093"
    finally:
        root.removeHandler(capture)
        root.setLevel(level)
    logs = buffer.getvalue()
    assert "personal numbers revealed" in logs  # the capture works
    for value in (*PII, "987654321093"):
        assert value not in logs, value
    update = [row for row in await audit_rows(app, employee["id"]) if row.action == "update"]
    assert update[0].changes == {"my_number": ["***", "***"]}


async def test_key_rotation_re_encrypts_under_the_new_key(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    employee = await create_employee(client, coordinator)
    old = field_cipher()
    old_keys = app.state.settings.resolved_field_key
    new_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
    try:
        rotated = configure_field_cipher(f"{new_key},{old_keys}")
        assert rotated.primary_key_id != old.primary_key_id
        async with session_scope(app.state.database, write=True) as session:
            changed = await employees_service.rotate_field_keys(session)
        assert changed == 1
        async with app.state.database.engine.connect() as connection:
            stored = (
                await connection.execute(
                    text(
                        "SELECT my_number_enc, residence_card_number_enc, bank_account_number_enc "
                        "FROM employees"
                    )
                )
            ).one()
        for token in stored:
            assert token.startswith(f"v1:{rotated.primary_key_id}:")
        # The old key alone can no longer read them; the new one can.
        assert FieldCipher(new_key).decrypt(stored[0], context="employees.my_number") == MY_NUMBER
        async with session_scope(app.state.database, write=True) as session:
            assert await employees_service.rotate_field_keys(session) == 0
        admin = await auth_headers("admin")
        revealed = await client.post(
            f"/api/employees/{employee['id']}/reveal",
            headers=admin,
            json={"fields": ["residence_card_number"], "purpose": "在留カード確認"},
        )
        assert revealed.json()["data"]["residence_card_number"] == CARD_NUMBER
    finally:
        security._FIELD_CIPHER = old
