"""年次有給休暇管理簿 as Excel: one row per grant and per date of leave (labels in the
request's language, text cells neutralised against formula injection)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any

from fastapi.responses import FileResponse

from haken.modules.leave.schemas import LedgerRead
from haken.web.i18n import N_
from haken.web.lists import Column, export_filename, xlsx_response

Row = dict[str, Any]

COLUMNS: tuple[Column[Row], ...] = (
    Column("employee_number", N_("Employee number"), lambda r: r["employee_number"]),
    Column("employee_name", N_("Name"), lambda r: r["employee_name"]),
    Column("entry", N_("Entry"), lambda r: r["entry"]),
    Column("grant_date", N_("Grant date"), lambda r: r["grant_date"]),
    Column("expires_on", N_("Valid until"), lambda r: r["expires_on"]),
    Column("days", N_("Days granted"), lambda r: r["days"]),
    Column("leave_date", N_("Date of leave"), lambda r: r["leave_date"]),
    Column("taken", N_("Days taken"), lambda r: r["taken"]),
    Column("kind", N_("Kind"), lambda r: r["kind"]),
    Column("used", N_("Used"), lambda r: r["used"]),
    Column("remaining", N_("Remaining"), lambda r: r["remaining"]),
    Column("lapsed", N_("Lapsed"), lambda r: r["lapsed"]),
)


def ledger_rows(ledger: LedgerRead) -> list[Row]:
    base = {"employee_number": ledger.employee_number, "employee_name": ledger.employee_name}
    empty = {k.key: None for k in COLUMNS}
    rows: list[Row] = []
    by_grant = {g.id: g for g in ledger.grants}
    for g in ledger.grants:
        rows.append(
            {
                **empty,
                **base,
                "entry": "grant",
                "grant_date": g.grant_date,
                "expires_on": g.expires_on,
                "days": float(g.days),
                "used": float(g.used),
                "remaining": float(g.remaining),
                "lapsed": float(g.lapsed),
                "kind": g.kind,
            }
        )
    for t in ledger.takings:
        if t.cancelled:
            continue
        grant = by_grant.get(t.grant_id) if t.grant_id is not None else None
        rows.append(
            {
                **empty,
                **base,
                "entry": "leave",
                "grant_date": grant.grant_date if grant else None,
                "leave_date": t.day,
                "taken": float(t.days),
                "kind": t.kind,
            }
        )
    return rows


async def ledger_xlsx(ledgers: Sequence[LedgerRead], today: dt.date, stem: str) -> FileResponse:
    async def chunks() -> AsyncIterator[Iterable[Row]]:
        for ledger in ledgers:
            yield ledger_rows(ledger)

    return await xlsx_response(
        COLUMNS, chunks(), export_filename(stem, "xlsx", today), sheet_title="leave ledger"
    )
