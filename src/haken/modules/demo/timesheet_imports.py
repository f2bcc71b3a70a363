"""Demo data of the client timesheet import: the first client's column mapping and one
uploaded (dry-run) timesheet of next month's first week, with one row naming an unknown
worker, so that /attendance/imports shows a mapping, a recent upload and its report."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.assignments.service import assignments_service
from haken.modules.attendance.import_schemas import ImportField, MappingUpdate
from haken.modules.attendance.imports import imports_service
from haken.modules.clients.service import clients_service
from haken.modules.employees.service import employees_service
from haken.platform.access import Principal, Role

HEADER = "社員番号,氏名,勤務日,出勤,退勤,休憩(分),備考"
WORKERS = 10


async def seed_timesheet_imports(
    session: AsyncSession, *, today: dt.date, user_id: int
) -> dict[str, int]:
    office = Principal(user_id=user_id, role=Role.SUPER_ADMIN, email="demo@haken.example")
    sites = await clients_service.get_site_choices(session, office)
    if not sites:
        return {}
    client_id = sites[0].client_id
    await imports_service.put_mapping(
        session,
        office,
        client_id=client_id,
        data=MappingUpdate(
            columns={
                ImportField.EMPLOYEE: "社員番号",
                ImportField.DATE: "勤務日",
                ImportField.START: "出勤",
                ImportField.END: "退勤",
                ImportField.BREAK_MINUTES: "休憩(分)",
                ImportField.NOTE: "備考",
            }
        ),
    )
    first = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    days = [first + dt.timedelta(days=n) for n in range(7)]
    days = [d for d in days if d.weekday() < 5]
    placements = await assignments_service.client_placements(
        session, client_id=client_id, first=days[0], last=days[-1]
    )
    covering = [p for p in placements if p.start_date <= days[0] and p.end_date >= days[-1]]
    briefs = await employees_service.get_briefs(
        session, sorted({p.employee_id for p in covering})[:WORKERS]
    )
    lines = [HEADER]
    for brief in briefs.values():
        for day in days:
            name = brief.name_kanji or brief.name_kana
            lines.append(f"{brief.employee_number},{name},{day:%Y/%m/%d},8:00,17:00,60,")
    lines.append(f"X-0000,不明 太郎,{days[0]:%Y/%m/%d},8:00,17:00,60,派遣先の記載誤り")
    await imports_service.dry_run(
        session,
        office,
        client_id=client_id,
        filename=f"勤務表_{first:%Y%m}.csv",
        content=("\r\n".join(lines) + "\r\n").encode("utf-8"),
    )
    return {"attendance_import_files": 1, "attendance_import_mappings": 1}
