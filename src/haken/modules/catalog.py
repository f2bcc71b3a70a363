"""Every business module the app mounts, in dependency order: adding one is one line."""

from __future__ import annotations

from haken.modules.admin.module import module as admin
from haken.modules.assignments.module import module as assignments
from haken.modules.attendance.module import module as attendance
from haken.modules.audit.module import module as audit
from haken.modules.billing.module import module as billing
from haken.modules.candidates.module import module as candidates
from haken.modules.client_portal.module import module as client_portal
from haken.modules.clients.module import module as clients
from haken.modules.dashboard.module import module as dashboard
from haken.modules.documents.module import module as documents
from haken.modules.employees.module import module as employees
from haken.modules.housing.module import module as housing
from haken.modules.identity.module import module as identity
from haken.modules.imports.module import module as imports
from haken.modules.leave.module import module as leave
from haken.modules.minimum_wages.module import module as minimum_wages
from haken.modules.notifications.module import module as notifications
from haken.modules.offices.module import module as offices
from haken.modules.payroll.module import module as payroll
from haken.modules.registry import Module
from haken.modules.reports.module import module as reports
from haken.modules.requests.module import module as requests

MODULES: list[Module] = [
    audit,
    identity,
    admin,
    offices,
    clients,
    minimum_wages,
    employees,
    candidates,
    housing,
    assignments,
    attendance,
    leave,
    payroll,
    notifications,
    requests,
    imports,
    billing,
    client_portal,
    documents,
    dashboard,
    reports,
]
