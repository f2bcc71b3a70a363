"""``haken demo seed``: an admin account and demo data for every staffing module.

The admin goes through the identity service; the bulk data through ``generator.py`` (one
transaction of batched INSERTs: 20,000 employees must take seconds, not minutes), and
only into a database without employees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from haken.config import Settings
from haken.modules.demo.billing import seed_billing
from haken.modules.demo.client_portal import CLIENT_EMAIL, seed_client_portal
from haken.modules.demo.dashboard import seed_dashboard
from haken.modules.demo.documents import DEMO_AGENCY_NAME, seed_documents
from haken.modules.demo.generator import generate, has_employees
from haken.modules.demo.labour_notices import seed_labour_notices
from haken.modules.demo.leave import seed_leave
from haken.modules.demo.master_imports import seed_master_imports
from haken.modules.demo.offices import seed_offices
from haken.modules.demo.payroll import seed_payroll
from haken.modules.demo.requests import seed_requests
from haken.modules.demo.timesheet_imports import seed_timesheet_imports
from haken.modules.documents.service import documents_service
from haken.modules.identity.schemas import UserCreate
from haken.modules.identity.service import generate_password, identity_service
from haken.platform.access import Role
from haken.platform.db import Database, session_scope
from haken.platform.security import configure_field_cipher

ADMIN_EMAIL = "admin@haken.example"


@dataclass
class SeedResult:
    skipped: bool = False
    admin_email: str = ADMIN_EMAIL
    admin_password: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    # The demo client supervisor (the client portal, /client): printed once like the admin's.
    client_email: str = CLIENT_EMAIL
    client_password: str | None = None

    @property
    def summary(self) -> str:
        return ", ".join(f"{count} {name}" for name, count in self.counts.items()) or "nothing"


async def run(settings: Settings, *, employees: int = 50, if_empty: bool = False) -> SeedResult:
    database = Database(settings.resolved_database_url)
    result = SeedResult()
    admin_id = 0
    try:
        async with session_scope(database, write=True) as session:
            has_users = await identity_service.has_users(session)
            if has_users and if_empty:
                result.skipped = True
                return result
            if not has_users:
                password = generate_password()
                admin = await identity_service.create_user(
                    session,
                    None,
                    UserCreate(
                        email=ADMIN_EMAIL,
                        display_name="管理者",
                        password=password,
                        role=Role.SUPER_ADMIN,
                        locale="ja",
                    ),
                )
                result.admin_password = password
                admin_id = admin.id
                result.counts["users"] = 1
        if employees > 0:
            configure_field_cipher(settings.resolved_field_key)
            today = dt.datetime.now(ZoneInfo(settings.timezone)).date()
            generated = False
            async with database.engine.begin() as connection:
                if not await has_employees(connection):
                    result.counts.update(
                        await generate(
                            connection,
                            employees=employees,
                            today=today,
                            payroll_cutoff_day=settings.payroll_cutoff_day,
                        )
                    )
                    generated = True
            # 派遣元事業主の名称 on the demo's documents: the setting, else the demo agency's.
            documents_service.configure(
                agency_name=settings.billing_agency_name.strip() or DEMO_AGENCY_NAME
            )
            if generated:  # paid leave through the leave service: grants, takings, duties
                async with session_scope(database, write=True) as session:
                    result.counts.update(await seed_offices(session, today=today, user_id=admin_id))
                async with session_scope(database, write=True) as session:
                    result.counts.update(await seed_leave(session, today=today, user_id=admin_id))
                async with session_scope(database, write=True) as session:
                    result.counts.update(
                        await seed_timesheet_imports(session, today=today, user_id=admin_id)
                    )
                async with session_scope(database, write=True) as session:
                    result.counts.update(
                        await seed_master_imports(session, today=today, user_id=admin_id)
                    )
                async with session_scope(database, write=True) as session:
                    result.counts.update(await seed_billing(session, today=today, user_id=admin_id))
                async with session_scope(database, write=True) as session:
                    result.counts.update(
                        await seed_payroll(
                            session,
                            today=today,
                            user_id=admin_id,
                            cutoff_day=settings.payroll_cutoff_day,
                            data_dir=settings.data_dir,
                        )
                    )
                async with session_scope(database, write=True) as session:
                    result.counts.update(
                        await seed_requests(session, today=today, user_id=admin_id)
                    )
                async with session_scope(database, write=True) as session:
                    portal_counts, result.client_password = await seed_client_portal(
                        session, settings, today=today, user_id=admin_id
                    )
                    result.counts.update(portal_counts)
                async with session_scope(database, write=True) as session:
                    result.counts.update(
                        await seed_documents(session, today=today, user_id=admin_id)
                    )
                async with session_scope(database, write=True) as session:
                    result.counts.update(
                        await seed_labour_notices(session, today=today, user_id=admin_id)
                    )
                async with session_scope(database, write=True) as session:
                    result.counts.update(
                        await seed_dashboard(session, today=today, user_id=admin_id)
                    )
    finally:
        await database.dispose()
    return result
