"""Clients, sites and units imported in batches (issue 19 item 7): a commit's statements grow
with its chunks, never with its rows, even when every row names another parent; the batched
creates of the clients area keep the single creates' rules (the 法人番号's check digit and a
number taken, an archived or unreadable client or site), audit rows and what they record;
a refusal is the row's problem at its line with its catalog code, and nothing is written.
Runs on SQLite and PostgreSQL (``backend``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from haken.modules.audit.models import AuditEntry
from haken.modules.clients import service as clients_module
from haken.modules.clients.errors import (
    ClientArchivedError,
    CorporateNumberInvalidError,
    CorporateNumberTakenError,
    UnitSiteArchivedError,
)
from haken.modules.clients.models import Client, ClientSite, ClientUnit
from haken.modules.clients.numbers import corporate_check_digit
from haken.modules.clients.schemas import ClientCreate, SiteCreate, UnitCreate
from haken.modules.clients.service import clients_service
from haken.modules.imports import service as service_module
from haken.modules.imports.service import imports_service
from haken.platform.access import Principal, Role
from haken.platform.cache import cache_tags
from haken.platform.db import count_queries, session_scope
from haken.platform.errors import NotFoundError
from haken.platform.figures import DASHBOARD_TAG
from tests.integration.imports.factories import csv_bytes, put_mapping, upload

OFFICE = Principal(user_id=1, role=Role.COORDINATOR, email="office@test.example")

CLIENT_COLUMNS = {"name": "派遣先名", "corporate_number": "法人番号"}
SITE_COLUMNS = {
    "client": "派遣先",
    "name": "事業所名",
    "prefecture": "都道府県",
    "address_line1": "住所",
    "dispatch_started_on": "派遣開始日",
}
UNIT_COLUMNS = {"client": "派遣先", "site": "事業所", "name": "組織単位"}

# A commit: the file (locked) and its mapping before the rows; the file's state and its
# audit row after. Per chunk: clients — the taken 法人番号, one INSERT, one of the audit
# rows; sites — the chunk's clients named (by 法人番号 or name), the clients read for the
# create's checks, the INSERT, the audit rows; units — the clients and the sites named,
# the sites with their clients for the checks, the INSERT, the audit rows.
BEFORE, AFTER = 2, 2
PER_CHUNK = {"clients": 3, "sites": 4, "units": 5}


def corporate_number(n: int) -> str:
    base = f"{n:012d}"
    return f"{corporate_check_digit(base)}{base}"


def _files(rows: int) -> dict[str, tuple[dict[str, str], bytes]]:
    """Three files of ``rows`` rows, each row naming its own parent (every other client by
    its 法人番号, the others by name)."""
    clients = [[f"株式会社テスト{n}", corporate_number(500 + n)] for n in range(rows)]
    sites = [
        [corporate_number(500 + n) if n % 2 else f"株式会社テスト{n}", f"工場{n}", "愛知県",
         f"豊田市{n}", "2025/04/01"]
        for n in range(rows)
    ]  # fmt: skip
    units = [[f"株式会社テスト{n}", f"工場{n}", f"製造{n}課"] for n in range(rows)]
    return {
        "clients": (CLIENT_COLUMNS, csv_bytes(list(CLIENT_COLUMNS.values()), clients)),
        "sites": (SITE_COLUMNS, csv_bytes(list(SITE_COLUMNS.values()), sites)),
        "units": (UNIT_COLUMNS, csv_bytes(list(UNIT_COLUMNS.values()), units)),
    }


async def _checked(
    http: httpx.AsyncClient, headers: dict[str, str], target: str, columns: Any, content: bytes
) -> dict[str, Any]:
    mapped = await put_mapping(http, headers, target=target, source="台帳", columns=columns)
    assert mapped.status_code == 200, mapped.text
    response = await upload(http, headers, content, target=target, source="台帳", name="m.csv")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


@pytest.mark.parametrize(("rows", "chunks"), [(8, 2), (16, 4)])
async def test_a_commit_costs_a_fixed_number_of_statements_per_chunk(
    client: httpx.AsyncClient,
    app: Any,
    auth_headers: Any,
    monkeypatch: Any,
    rows: int,
    chunks: int,
) -> None:
    monkeypatch.setattr(service_module, "CHUNK", 4)
    monkeypatch.setattr(clients_module, "CREATE_CHUNK", 4)
    headers = await auth_headers("coordinator")
    for target, (columns, content) in _files(rows).items():
        data = await _checked(client, headers, target, columns, content)
        assert (data["state"], data["error_count"]) == ("checked", 0), data["problems"]
        with count_queries() as counter:
            async with session_scope(app.state.database, write=True) as session:
                done = await imports_service.commit(session, OFFICE, import_id=data["id"])
        assert done.imported_count == rows
        assert counter.count == BEFORE + PER_CHUNK[target] * chunks + AFTER, (
            target,
            "\n".join(s[:160] for s in counter.statements),
        )
    async with session_scope(app.state.database) as session:
        units = (await session.execute(select(ClientUnit.name, ClientUnit.site_id))).all()
        sites = dict((await session.execute(select(ClientSite.name, ClientSite.id))).all())
        names = dict((await session.execute(select(ClientUnit.id, ClientUnit.name))).all())
        audits = (
            await session.execute(
                select(AuditEntry.request_id, AuditEntry.entity_id).where(
                    AuditEntry.entity_type == "client_unit", AuditEntry.action == "create"
                )
            )
        ).all()
    # Each unit under the site its row named; its audit row names the file's line it came
    # from (line n + 2 is row n: the ids matched to their rows).
    assert sorted(units) == sorted((f"製造{n}課", sites[f"工場{n}"]) for n in range(rows))
    assert len(audits) == rows
    for request_id, entity_id in audits:
        line = int(request_id.rsplit("-", 1)[1])
        assert names[int(entity_id)] == f"製造{line - 2}課", (request_id, entity_id)


async def test_the_batch_refuses_what_the_single_create_refuses(
    client: httpx.AsyncClient,  # empties the database after the test
    app: Any,
) -> None:
    taken = corporate_number(7)
    async with session_scope(app.state.database, write=True) as session:
        single = await clients_service.create_client(
            session, OFFICE, data=ClientCreate(name="既存", corporate_number=taken)
        )
        archived = await clients_service.create_client(
            session, OFFICE, data=ClientCreate(name="解散")
        )
        await session.execute(
            Client.__table__.update().where(Client.id == archived.id).values(archived_at=func.now())
        )
        results = await clients_service.create_many_clients(
            session,
            OFFICE,
            [
                ClientCreate(name="取得済", corporate_number=taken),
                ClientCreate(name="検査数字", corporate_number="1" + taken[1:]),
                ClientCreate(name="新規", corporate_number=corporate_number(8)),
                ClientCreate(name="重複", corporate_number=corporate_number(8)),
            ],
            request_ids=["r1", "r2", "r3", "r4"],
        )
    assert isinstance(results[0], CorporateNumberTakenError)
    assert isinstance(results[1], CorporateNumberInvalidError)
    assert isinstance(results[2], int)
    assert isinstance(results[3], CorporateNumberTakenError)  # earlier in the same batch

    async with session_scope(app.state.database, write=True) as session:
        sites = await clients_service.create_many_sites(
            session,
            OFFICE,
            [
                SiteCreate(
                    client_id=results[2],
                    name="本社",
                    prefecture="13",
                    address_line1="1",
                    dispatch_started_on=dt.date(2025, 4, 1),
                ),
                SiteCreate(client_id=archived.id, name="旧", prefecture="13", address_line1="1"),
                SiteCreate(client_id=10**9, name="無", prefecture="13", address_line1="1"),
            ],
        )
        assert isinstance(sites[0], int)
        # The dashboard counts sites (抵触日): the batch's INSERT invalidates it on commit.
        assert DASHBOARD_TAG in cache_tags.pending(session)
        assert isinstance(sites[1], ClientArchivedError)
        assert isinstance(sites[2], NotFoundError)
        site = await clients_service.create_site(
            session,
            OFFICE,
            data=SiteCreate(
                client_id=single.id,
                name="閉鎖",
                prefecture="13",
                address_line1="1",
                dispatch_started_on=dt.date(2025, 4, 1),
            ),
        )
        await session.execute(
            ClientSite.__table__.update()
            .where(ClientSite.id == site.id)
            .values(archived_at=func.now())
        )
        # A site manager reads only their own site: another is not found, as in the form.
        manager = Principal(
            user_id=2, role=Role.SITE_MANAGER, email="m@test.example", site_ids=frozenset()
        )
        units = await clients_service.create_many_units(
            session,
            OFFICE,
            [UnitCreate(site_id=sites[0], name="一課"), UnitCreate(site_id=site.id, name="二課")],
        )
        hidden = await clients_service.create_many_units(
            session, manager, [UnitCreate(site_id=sites[0], name="三課")]
        )
        single_unit = await clients_service.create_unit(
            session, OFFICE, data=UnitCreate(site_id=sites[0], name="四課")
        )
    assert isinstance(units[0], int)
    assert isinstance(units[1], UnitSiteArchivedError)
    assert isinstance(hidden[0], NotFoundError)

    # Each created record has the audit row the single create writes: the same fields.
    async with session_scope(app.state.database) as session:
        entries = {
            (e.entity_type, e.entity_id): e
            for e in (
                await session.scalars(select(AuditEntry).where(AuditEntry.action == "create"))
            ).all()
        }
        unit = await session.get(ClientUnit, units[0])
    assert entries[("client", str(results[2]))].request_id == "r3"
    batched = entries[("client_unit", str(units[0]))].changes
    alone = entries[("client_unit", str(single_unit.id))].changes
    assert set(batched) == set(alone)
    assert (batched["name"], batched["version"]) == ([None, "一課"], [None, 1])
    assert unit is not None and (unit.client_id, unit.name_key) == (results[2], "一課")
    # The site 抵触日 from the date dispatch began, as the single create computes it.
    batched = entries[("client_site", str(sites[0]))].changes
    alone = entries[("client_site", str(site.id))].changes
    assert set(batched) - {"client_id"} == set(alone) - {"client_id"}
    assert batched["conflict_date"] == alone["conflict_date"] == [None, "2028-04-01"]


async def test_a_refused_row_is_reported_at_its_line_and_nothing_is_written(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    taken = corporate_number(42)
    created = await client.post(
        "/api/clients", headers=headers, json={"name": "既存", "corporate_number": taken}
    )
    assert created.status_code == 201, created.text
    rows = [
        ["株式会社一", corporate_number(43)],
        ["株式会社二", taken],  # taken in the database
        ["株式会社三", "1" + corporate_number(44)[1:]],  # a wrong check digit
    ]
    data = await _checked(
        client, headers, "clients", CLIENT_COLUMNS, csv_bytes(list(CLIENT_COLUMNS.values()), rows)
    )
    assert [(p["line"], p["code"]) for p in data["problems"]] == [
        (3, "CLIENT_CORPORATE_NUMBER_TAKEN"),
        (4, "CLIENT_CORPORATE_NUMBER_INVALID"),
    ]
    commit = await client.post(f"/api/imports/{data['id']}/commit", headers=headers)
    assert (commit.status_code, commit.json()["error"]["code"]) == (422, "IMPORTS_HAS_ERRORS")
    async with session_scope(app.state.database) as session:
        names = (await session.scalars(select(Client.name))).all()
    assert names == ["既存"]
