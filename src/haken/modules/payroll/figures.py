"""What the agency dashboard reads of the payroll area: the labour cost inside its margin tile
(the margin report's client level, through ``payroll_service.labour_costs``; cached apart
under :data:`MARGINS_TAG`: docs/dashboard.md) — so only the table rules: a payslip written,
a run or a bonus payment opened or closed tells both the dashboard and its margin tile."""

from __future__ import annotations

from haken.modules.payroll.models import PayrollBonus, PayrollRun, Payslip
from haken.platform.cache import invalidate_on_write
from haken.platform.figures import DASHBOARD_TAG, MARGINS_TAG

for _model in (Payslip, PayrollRun, PayrollBonus):
    invalidate_on_write(
        _model,
        row_tags=lambda _row: (DASHBOARD_TAG, MARGINS_TAG),
        bulk_tags=(DASHBOARD_TAG, MARGINS_TAG),
    )
