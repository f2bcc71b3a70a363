"""Every module's models imported in one place, for Alembic and the test schema."""

from __future__ import annotations

from haken.modules.audit import models as audit_models
from haken.modules.clients import models as clients_models
from haken.modules.identity import models as identity_models
from haken.platform import job_records
from haken.platform.db import Base

metadata = Base.metadata

__all__ = ["audit_models", "clients_models", "identity_models", "job_records", "metadata"]
