"""Every module's models imported in one place, for Alembic and the test schema."""

from __future__ import annotations

from haken.modules.assignments import models as assignments_models
from haken.modules.attendance import models as attendance_models
from haken.modules.audit import models as audit_models
from haken.modules.billing import models as billing_models
from haken.modules.candidates import models as candidates_models
from haken.modules.clients import models as clients_models
from haken.modules.documents import models as documents_models
from haken.modules.employees import models as employees_models
from haken.modules.housing import models as housing_models
from haken.modules.identity import models as identity_models
from haken.modules.imports import models as imports_models
from haken.modules.leave import models as leave_models
from haken.modules.minimum_wages import models as minimum_wages_models
from haken.modules.notifications import models as notifications_models
from haken.modules.offices import models as offices_models
from haken.modules.payroll import models as payroll_models
from haken.modules.requests import models as requests_models
from haken.platform import idempotency, job_records
from haken.platform.db import Base

metadata = Base.metadata

__all__ = [
    "assignments_models",
    "attendance_models",
    "audit_models",
    "billing_models",
    "candidates_models",
    "clients_models",
    "documents_models",
    "employees_models",
    "housing_models",
    "idempotency",
    "identity_models",
    "imports_models",
    "job_records",
    "leave_models",
    "metadata",
    "minimum_wages_models",
    "notifications_models",
    "offices_models",
    "payroll_models",
    "requests_models",
]
