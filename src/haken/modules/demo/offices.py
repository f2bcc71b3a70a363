"""The agency's offices in the demo (派遣元事業所): the default office becomes 名古屋本社 with
its address and 派遣元責任者, a second office 豊田営業所 is opened, and every other contract
(by client, so that a client's contracts stay with one office) is moved to it; so the offices
page, the contract pages and the annual report per office all show two offices.

Everything goes through the services, like the office."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.assignments.schemas import ContractFilter, ContractUpdate
from haken.modules.assignments.service import assignments_service
from haken.modules.offices.schemas import OfficeCreate, OfficeFilter, OfficeUpdate
from haken.modules.offices.service import offices_service
from haken.platform.access import Principal, Role
from haken.platform.pagination import PageRequest

HEAD_OFFICE = OfficeUpdate(
    version=1,
    name="名古屋本社",
    address="〒450-0002 愛知県名古屋市中村区名駅四丁目1番1号",
    phone="052-000-1111",
    manager_name="山本 健一",
)
BRANCH = OfficeCreate(
    name="豊田営業所",
    address="〒471-0025 愛知県豊田市西町一丁目200番地",
    phone="0565-00-2222",
    manager_name="鈴木 真理子",
)
PAGES = 50  # a bounded walk: 10,000 contracts at most


async def seed_offices(session: AsyncSession, *, today: dt.date, user_id: int) -> dict[str, int]:
    admin = Principal(user_id=user_id, role=Role.SUPER_ADMIN, email="demo@haken.example")
    current = await offices_service.list_offices(session, filters=OfficeFilter())
    default = next((o for o in current if o.is_default), None)
    if default is None:
        await offices_service.create_office(
            session,
            admin,
            data=OfficeCreate(**HEAD_OFFICE.model_dump(exclude={"version"}), is_default=True),
        )
    else:
        await offices_service.update_office(
            session,
            admin,
            office_id=default.id,
            data=HEAD_OFFICE.model_copy(update={"version": default.version}),
        )
    branch = await offices_service.create_office(session, admin, data=BRANCH)
    moved = 0
    cursor: str | None = None
    for _ in range(PAGES):
        page = await assignments_service.list_contracts(
            session,
            admin,
            filters=ContractFilter(),
            request=PageRequest(limit=200, cursor=cursor),
        )
        for contract in page.items:
            if contract.client_id % 2 == 0 and contract.office_id != branch.id:
                await assignments_service.update_contract(
                    session,
                    admin,
                    contract_id=contract.id,
                    data=ContractUpdate(version=contract.version, office_id=branch.id),
                )
                moved += 1
        if not page.has_more:
            break
        cursor = page.next_cursor
    return {"offices": 2, "contracts of the second office": moved}
