"""Use cases of bonus payments (賞与支給): a batch of (employee, amount, withholding rate) for
a pay date, entered in a form, through the API or as a CSV file; calculated with
``haken.labor.payslip.calculate_bonus`` into bonus payslips (the payslip table, kind
``bonus``); closed, after which nothing of it changes.

The caps count what earlier bonuses already counted: the fiscal year's 標準賞与額 (health,
¥5,730,000 April–March) and the month's (pension, ¥1,500,000), read from the bonus payslips of
the other **closed** bonus payments of the employee paid on or before this pay date
(docs/labor.md, "Bonuses"). The withholding rate (算出率) is the office's entry: the NTA table
is not shipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.insurance import InsuranceError, fiscal_year_of, standard_bonus
from haken.labor.payslip import BonusFacts, PayslipError, calculate_bonus
from haken.modules.audit.service import audit_service
from haken.modules.employees.service import employees_service
from haken.modules.payroll.errors import (
    PayrollBonusCalculationError,
    PayrollBonusClosedError,
    PayrollBonusCsvError,
    PayrollBonusDuplicateError,
    PayrollBonusEmptyError,
    PayrollBonusNotCalculatedError,
    PayrollBonusRateRequiredError,
    PayrollBonusUnknownEmployeeError,
)
from haken.modules.payroll.models import PayrollBonus
from haken.modules.payroll.repository import PayrollRepository
from haken.modules.payroll.schemas import (
    BonusCreate,
    BonusEntry,
    BonusEntryRead,
    BonusRead,
    BonusState,
    BonusUpdate,
    PayslipSummary,
)
from haken.modules.payroll.service import labour_columns, payroll_service
from haken.platform.access import Principal
from haken.platform.db import utcnow
from haken.platform.editing import check_version
from haken.platform.errors import NotFoundError
from haken.platform.pagination import PageRequest, PageResult

CSV_BYTES = 2 * 1024 * 1024
"""The largest CSV file of a bonus payment read."""


def _snapshot(row: PayrollBonus) -> dict[str, Any]:
    return {
        "pay_date": row.pay_date.isoformat(),
        "title": row.title,
        "state": row.state,
        "entries": list(row.entries),
        "total": sum(int(e["amount"]) for e in row.entries),
    }


def _stored(entries: Sequence[BonusEntry]) -> list[dict[str, Any]]:
    """The entries as stored (employee order; the rate as a decimal string)."""
    return [
        {
            "employee_id": e.employee_id,
            "amount": e.amount,
            "rate_pct": None if e.rate_pct is None else str(e.rate_pct),
        }
        for e in sorted(entries, key=lambda e: e.employee_id)
    ]


def _rate(entry: dict[str, Any]) -> Decimal | None:
    raw = entry.get("rate_pct")
    return None if raw in (None, "") else Decimal(str(raw))


def _read(row: PayrollBonus, briefs: dict[int, Any] | None = None) -> BonusRead:
    briefs = briefs or {}
    entries = []
    for entry in row.entries:
        brief = briefs.get(int(entry["employee_id"]))
        entries.append(
            BonusEntryRead(
                employee_id=int(entry["employee_id"]),
                employee_number=brief.employee_number if brief else None,
                employee_name=brief.display_name if brief else "",
                amount=int(entry["amount"]),
                rate_pct=_rate(entry),
            )
        )
    return BonusRead(
        id=row.id,
        pay_date=row.pay_date,
        title=row.title,
        state=BonusState(row.state),
        entries=entries,
        total=sum(e.amount for e in entries),
        calculated_at=row.calculated_at,
        closed_at=row.closed_at,
        version=row.version,
    )


def _named(brief: Any, employee_id: int) -> str:
    if brief is None:
        return str(employee_id)
    return f"{brief.employee_number or employee_id} {brief.display_name}"


def _fiscal_year_start(day: dt.date) -> dt.date:
    return dt.date(fiscal_year_of(day), 4, 1)


def _cell_number(raw: str) -> str:
    return raw.strip().replace(",", "").replace("¥", "").replace("円", "").replace("%", "")


def parse_csv(content: bytes) -> list[tuple[int, str, int, Decimal | None]]:
    """(line, employee number, amount, rate %) of each row of a bonus CSV (UTF-8 with or
    without BOM, else Shift_JIS); a first line whose amount is not a number is a header."""
    if len(content) > CSV_BYTES:
        raise PayrollBonusCsvError(line=1, value="too large")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp932")
        except UnicodeDecodeError as error:
            raise PayrollBonusCsvError(line=1, value="encoding") from error
    rows: list[tuple[int, str, int, Decimal | None]] = []
    for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < 3:
            raise PayrollBonusCsvError(line=number, value=",".join(cells)[:40])
        employee, amount, rate = cells[0].strip(), _cell_number(cells[1]), _cell_number(cells[2])
        if number == 1 and not any(ch.isdigit() for ch in amount):
            continue  # a header (its amount column has no figure)
        try:
            parsed_rate = Decimal(rate) if rate else None  # blank: the monthly table's cases
        except InvalidOperation as error:
            raise PayrollBonusCsvError(line=number, value=rate[:40]) from error
        if not employee or not amount.isdigit() or len(amount) > 10:
            raise PayrollBonusCsvError(line=number, value=",".join(cells)[:40])
        rows.append((number, employee, int(amount), parsed_rate))
    return rows


class BonusService:
    # --- batches --------------------------------------------------------------------------

    async def list_bonuses(
        self, session: AsyncSession, principal: Principal, *, request: PageRequest
    ) -> PageResult[BonusRead]:
        """Every bonus payment, latest pay date first (one statement)."""
        result = await PayrollRepository(session).page_bonuses(request)
        return result.with_items([_read(r) for r in result.items])

    async def get_bonus(
        self, session: AsyncSession, principal: Principal, *, bonus_id: int
    ) -> BonusRead:
        row = await PayrollRepository(session).bonus(bonus_id)
        if row is None:
            raise NotFoundError()
        ids = [int(e["employee_id"]) for e in row.entries]
        return _read(row, await employees_service.get_briefs(session, ids))

    async def _checked(self, session: AsyncSession, entries: Sequence[BonusEntry]) -> None:
        seen: set[int] = set()
        for entry in entries:
            if entry.employee_id in seen:
                raise PayrollBonusDuplicateError(employee=entry.employee_id)
            seen.add(entry.employee_id)
        found = await employees_service.get_briefs(session, sorted(seen))
        for entry in entries:
            if entry.employee_id not in found:
                raise PayrollBonusUnknownEmployeeError(employee=entry.employee_id)

    async def create_bonus(
        self, session: AsyncSession, principal: Principal, *, data: BonusCreate
    ) -> BonusRead:
        """A draft bonus payment (audited)."""
        await self._checked(session, data.entries)
        repo = PayrollRepository(session)
        row = PayrollBonus(
            pay_date=data.pay_date,
            title=data.title,
            state="draft",
            entries=_stored(data.entries),
            created_by=principal.user_id,
        )
        repo.add(row)
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="payroll_bonus",
            entity_id=row.id,
            action="create",
            after=_snapshot(row),
        )
        return await self.get_bonus(session, principal, bonus_id=row.id)

    async def _open(self, repo: PayrollRepository, bonus_id: int, version: int) -> PayrollBonus:
        row = await repo.bonus_locked(bonus_id)
        if row is None:
            raise NotFoundError()
        if row.state == "closed":
            raise PayrollBonusClosedError(date=row.pay_date)
        check_version(row, version)
        return row

    async def update_bonus(
        self, session: AsyncSession, principal: Principal, *, bonus_id: int, data: BonusUpdate
    ) -> BonusRead:
        """Replace the pay date, title and entries of a bonus payment that is not closed; a
        calculated one goes back to draft (its payslips are removed)."""
        await self._checked(session, data.entries)
        repo = PayrollRepository(session)
        row = await self._open(repo, bonus_id, data.version)
        before = _snapshot(row)
        if row.state == "calculated":
            await repo.delete_bonus_payslips(row.id)
        row.pay_date = data.pay_date
        row.title = data.title
        row.entries = _stored(data.entries)
        row.state = "draft"
        row.calculated_at = None
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="payroll_bonus",
            entity_id=row.id,
            action="update",
            before=before,
            after=_snapshot(row),
        )
        return await self.get_bonus(session, principal, bonus_id=row.id)

    async def entries_from_csv(self, session: AsyncSession, content: bytes) -> list[BonusEntry]:
        """The entries of a CSV file (employee number, amount, rate %), the numbers looked
        up (one statement); an unknown number, a negative amount or a rate outside 0–100 is
        refused with its line."""
        rows = parse_csv(content)
        ids = await employees_service.ids_by_number(session, [r[1] for r in rows])
        entries = []
        for line, number, amount, rate in rows:
            if number not in ids:
                raise PayrollBonusUnknownEmployeeError(employee=number)
            if (rate is not None and not Decimal(0) <= rate <= Decimal(100)) or (
                amount > 100_000_000
            ):
                raise PayrollBonusCsvError(line=line, value=f"{amount}, {rate}")
            entries.append(BonusEntry(employee_id=ids[number], amount=amount, rate_pct=rate))
        return entries

    async def import_csv(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        bonus_id: int,
        version: int,
        content: bytes,
    ) -> BonusRead:
        """Replace the entries of a bonus payment that is not closed with a CSV file's."""
        current = await self.get_bonus(session, principal, bonus_id=bonus_id)
        if current.state == "closed":
            raise PayrollBonusClosedError(date=current.pay_date)
        entries = await self.entries_from_csv(session, content)
        return await self.update_bonus(
            session,
            principal,
            bonus_id=bonus_id,
            data=BonusUpdate(
                pay_date=current.pay_date, title=current.title, entries=entries, version=version
            ),
        )

    # --- calculate and close --------------------------------------------------------------

    async def calculate(
        self, session: AsyncSession, principal: Principal, *, bonus_id: int, version: int
    ) -> BonusRead:
        """Compute every entry's bonus payslip (recomputed when calculated again), in this
        transaction: all or none (an entry that cannot be computed is refused by name)."""
        repo = PayrollRepository(session)
        row = await self._open(repo, bonus_id, version)
        if not row.entries:
            raise PayrollBonusEmptyError()
        before = _snapshot(row)
        ids = [int(e["employee_id"]) for e in row.entries]
        facts = await employees_service.payroll_facts(session, ids, year=row.pay_date.year)
        profiles = {p.employee_id: p for p in await repo.profiles(ids)}
        health_before: dict[int, int] = {}
        pension_before: dict[int, int] = {}
        for employee_id, paid_on, gross in await repo.earlier_bonuses(
            ids, first=_fiscal_year_start(row.pay_date), last=row.pay_date, bonus_id=row.id
        ):
            counted = standard_bonus(gross)
            health_before[employee_id] = health_before.get(employee_id, 0) + counted
            if (paid_on.year, paid_on.month) == (row.pay_date.year, row.pay_date.month):
                pension_before[employee_id] = pension_before.get(employee_id, 0) + counted
        previous = await self._previous_pay(repo, ids, row.pay_date)
        briefs = await employees_service.get_briefs(session, ids)
        now = utcnow()
        made: list[dict[str, Any]] = []
        for entry in row.entries:
            employee_id = int(entry["employee_id"])
            found = facts.get(employee_id)
            if found is None:
                raise PayrollBonusUnknownEmployeeError(employee=employee_id)
            profile = profiles.get(employee_id)
            try:
                slip = calculate_bonus(
                    BonusFacts(
                        paid_on=row.pay_date,
                        amount=int(entry["amount"]),
                        birth_date=found.birth_date,
                        prefecture=payroll_service.prefecture,
                        withholding_rate_pct=_rate(entry),
                        health_before=health_before.get(employee_id, 0),
                        pension_before_in_month=pension_before.get(employee_id, 0),
                        social_insured=profile.social_insured if profile else True,
                        employment_insured=profile.employment_insured if profile else True,
                        monthly_rule=True,
                        previous_month_pay=previous.get(employee_id),
                        dependents=found.dependents,
                        otsu=found.otsu,
                    )
                )
            except PayslipError as error:
                if error.code == "bonus_rate_required":
                    raise PayrollBonusRateRequiredError(
                        employee=_named(briefs.get(employee_id), employee_id)
                    ) from error
                raise PayrollBonusCalculationError(
                    employee=employee_id, reason=str(error)
                ) from error
            except (InsuranceError, ValueError) as error:
                raise PayrollBonusCalculationError(
                    employee=employee_id, reason=str(error)
                ) from error
            amounts = {k: v for k, v in slip.amounts().items() if k != "taxable"}
            made.append(
                {
                    "run_id": None,
                    "bonus_id": row.id,
                    "kind": "bonus",
                    "employee_id": employee_id,
                    "period_start": row.pay_date,
                    "pay_date": row.pay_date,
                    "status": "ok",
                    "error_code": None,
                    "error_detail": None,
                    **amounts,
                    **labour_columns(slip.gross, slip.lines, row.pay_date),
                    "lines": [dict(line) for line in slip.lines],
                    "computed_at": now,
                    "base_days": 0,
                    "worked_days": 0,
                }
            )
        await repo.delete_bonus_payslips(row.id)
        await repo.insert_payslips(made)
        row.state = "calculated"
        row.calculated_at = now
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="payroll_bonus",
            entity_id=row.id,
            action="calculate",
            before=before,
            after=_snapshot(row),
        )
        return _read(row, briefs)

    @staticmethod
    async def _previous_pay(
        repo: PayrollRepository, ids: Sequence[int], pay_date: dt.date
    ) -> dict[int, int]:
        """Each employee's pay after social insurance paid in the month before ``pay_date``
        (前月中の普通給与, by the payslips' pay dates; one statement): the income tax line's
        figure, else gross less the insurance. Absent: nothing was paid that month."""
        first = (pay_date.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        last = pay_date.replace(day=1) - dt.timedelta(days=1)
        paid: dict[int, int] = {}
        for slip in await repo.monthly_paid_in(ids, first=first, last=last):
            taxed = next((line for line in slip.lines if line.get("code") == "income_tax"), None)
            basis = (taxed or {}).get("basis") or {}
            amount = basis.get("pay_after_insurance") if isinstance(basis, dict) else None
            if not isinstance(amount, int):
                amount = max(slip.gross - slip.social_insurance - slip.employment_insurance, 0)
            paid[slip.employee_id] = paid.get(slip.employee_id, 0) + amount
        return paid

    async def close(
        self, session: AsyncSession, principal: Principal, *, bonus_id: int, version: int
    ) -> BonusRead:
        """Lock a calculated bonus payment: its payslips reach the employees' portal and the
        labour costs, and nothing of it changes again."""
        repo = PayrollRepository(session)
        row = await self._open(repo, bonus_id, version)
        if row.state != "calculated":
            raise PayrollBonusNotCalculatedError()
        before = _snapshot(row)
        row.state = "closed"
        row.closed_at = utcnow()
        row.closed_by = principal.user_id
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="payroll_bonus",
            entity_id=row.id,
            action="close",
            before=before,
            after=_snapshot(row),
        )
        return _read(row)

    # --- payslips -------------------------------------------------------------------------

    async def payslips(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        bonus_id: int,
        request: PageRequest,
    ) -> PageResult[PayslipSummary]:
        """The bonus payment's payslips by employee (three statements: the batch, the page
        with its count, the names)."""
        repo = PayrollRepository(session)
        if await repo.bonus(bonus_id) is None:
            raise NotFoundError()
        result = await repo.page_bonus_payslips(bonus_id, request)
        briefs = await employees_service.get_briefs(session, [p.employee_id for p in result.items])
        return result.with_items(
            [
                PayslipSummary(
                    id=p.id,
                    kind="bonus",
                    employee_id=p.employee_id,
                    employee_name=(
                        briefs[p.employee_id].display_name
                        if p.employee_id in briefs
                        else str(p.employee_id)
                    ),
                    pay_date=p.pay_date,
                    status=p.status,
                    error_code=p.error_code,
                    error_detail=p.error_detail,
                    gross=p.gross,
                    deductions=p.deductions,
                    net=p.net,
                    previous_net=None,
                    difference=None,
                    highlighted=False,
                )
                for p in result.items
            ]
        )


bonus_service = BonusService()

__all__ = ["BonusService", "bonus_service", "parse_csv"]
