"""Employee use cases: register, edit, contract periods, dependants, reveal, expiry list.

Never commits (the request or job boundary does); every write records an audit row in the
same transaction. Personal numbers are encrypted here, before they reach a model, and the
audit snapshots carry only their ciphertext under sensitive key names, which the audit
diff masks: neither the database, the logs nor the audit log ever holds them in clear.

Two derived dates are stored so that lists can filter and sort on them with an index:
``work_permitted_until`` (labor.residence: the expiry or the special period of a pending
renewal) and ``conversion_right_date`` (labor.fixed_term: 無期転換). Both are recomputed
whenever one of their inputs changes, and nowhere else.
"""

from __future__ import annotations

import builtins
import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor import residence
from haken.labor.fixed_term import FixedTermContract, conversion_right_date
from haken.labor.residence import ExtraActivityPermission
from haken.labor.withholding import dependant_count
from haken.modules.audit.service import AuditItem, audit_service
from haken.modules.clients.service import SiteLabel, clients_service
from haken.modules.employees.errors import (
    ContractPeriodsOverlapError,
    EmployeeArchivedError,
    EmployeeBankUnknownError,
    EmployeeBranchUnknownError,
    EmployeeDuplicateError,
    EmployeeNumberTakenError,
    LeaveDateRequiredError,
)
from haken.modules.employees.models import Employee, EmployeeContractPeriod, EmployeeDependant
from haken.modules.employees.repository import EmployeeRepository
from haken.modules.employees.schemas import (
    BankAccountInput,
    ContractPeriodInput,
    ContractPeriodRead,
    ContractPeriodsReplace,
    DependantInput,
    DependantRead,
    DependantsReplace,
    EmployeeBrief,
    EmployeeCreate,
    EmployeeDetail,
    EmployeeFilter,
    EmployeeRead,
    EmployeeStatus,
    EmployeeUpdate,
    EmploymentType,
    Headcount,
    PaymentAccount,
    PayrollFacts,
    ResidenceExpiryRead,
    RevealedNumbers,
    RevealField,
    RevealRequest,
    SiteHeadcount,
    TermType,
    WithholdingColumn,
    masked,
    resolve_extra_activity,
)
from haken.platform import banks
from haken.platform.access import Principal, Role
from haken.platform.cache import (
    cached,
    entity_tag,
    invalidate_on_write,
    list_tag,
    scope_by_role,
)
from haken.platform.db import utcnow
from haken.platform.errors import (
    FieldError,
    HakenError,
    NotFoundError,
    ValidationFailedError,
    VersionConflictError,
)
from haken.platform.logging import get_logger, redact
from haken.platform.names import name_key, romaji_key
from haken.platform.numbering import NumberPattern, validate_pattern
from haken.platform.pagination import PageRequest, PageResult
from haken.platform.security import field_cipher

if TYPE_CHECKING:
    from sqlalchemy import Row, Select

log = get_logger(__name__)

EMPLOYEES_LIST_TAG = list_tag("employees")

_number_pattern = NumberPattern("E{seq:06d}")
_NUMBER_ATTEMPTS = 5


def configure_employee_numbers(pattern: str) -> None:
    """The agency's 社員番号 pattern (``HAKEN_EMPLOYEE_NUMBER_PATTERN``; the module's
    install calls this with the app's settings)."""
    global _number_pattern
    _number_pattern = NumberPattern(validate_pattern(pattern))


# The list shows only columns of the employees table, but more than this area
# writes them (hiring inserts, a placement sets the current site): every write
# to the table, by any service, invalidates the cached lists after its commit.
invalidate_on_write(
    Employee,
    row_tags=lambda row: (EMPLOYEES_LIST_TAG, entity_tag("employee", row.id)),
    bulk_tags=(EMPLOYEES_LIST_TAG,),
)

# Ciphertext columns, the AES-GCM associated data that binds each to its column, the length
# of the full value (for the mask) and the reveal field that shows it.
SEALED: dict[RevealField, tuple[str, str, str, int]] = {
    RevealField.MY_NUMBER: ("my_number_enc", "my_number_last4", "employees.my_number", 12),
    RevealField.RESIDENCE_CARD_NUMBER: (
        "residence_card_number_enc",
        "residence_card_last4",
        "employees.residence_card_number",
        12,
    ),
    RevealField.BANK_ACCOUNT_NUMBER: (
        "bank_account_number_enc",
        "bank_account_last4",
        "employees.bank_account_number",
        7,
    ),
}
ROTATION_BATCH = 500

# Person and employment columns copied from the input models as they are.
_PLAIN_FIELDS = (
    "name_kanji",
    "name_kana",
    "name_romaji",
    "birth_date",
    "gender",
    "nationality",
    "residence_status",
    "residence_card_expiry",
    "renewal_applied_on",
    "renewal_decided_on",
    "extra_activity_permission",
    "extra_activity_weekly_hours",
    "long_vacations",
    "phone",
    "email",
    "postal_code",
    "prefecture",
    "city",
    "address_line1",
    "address_line2",
    "employment_type",
    "term_type",
    "hire_date",
    "leave_date",
    "leave_reason",
    "status",
    "employee_number",
    "client_worker_id",
    "withholding_column",
    "conversion_exempt",
    "notes",
)
_NOT_NULL = frozenset(
    {
        "name_kana",
        "name_romaji",
        "birth_date",
        "gender",
        "nationality",
        "extra_activity_permission",
        "employment_type",
        "term_type",
        "hire_date",
        "status",
        "withholding_column",
        "conversion_exempt",
        "notes",
        "long_vacations",
    }
)


def _value(value: Any) -> Any:
    if isinstance(value, list):  # long_vacations: stored as JSON
        return [v.model_dump(mode="json") if hasattr(v, "model_dump") else v for v in value]
    return value.value if hasattr(value, "value") else value


def seal(row: Any, field: RevealField, plaintext: str | None, context_prefix: str) -> None:
    """Store ``plaintext`` encrypted (or clear it) with its last four characters."""
    enc_column, last4_column, context, _ = SEALED[field]
    context = context.replace("employees.", context_prefix + ".", 1)
    if plaintext is None:
        setattr(row, enc_column, None)
        setattr(row, last4_column, None)
        return
    setattr(row, enc_column, field_cipher().encrypt(plaintext, context=context))
    setattr(row, last4_column, plaintext[-4:])


def snapshot(row: Employee) -> dict[str, Any]:
    """The audited state: ciphertext under sensitive names (masked by the audit diff)."""
    data = {name: _value(getattr(row, name)) for name in _PLAIN_FIELDS}
    data.update(
        my_number=row.my_number_enc,
        residence_card_number=row.residence_card_number_enc,
        bank_account_number=row.bank_account_number_enc,
        bank_code=row.bank_code,
        bank_branch_code=row.bank_branch_code,
        bank_account_type=row.bank_account_type,
        bank_account_holder_kana=row.bank_account_holder_kana,
        candidate_id=row.candidate_id,
        archived_at=row.archived_at,
    )
    return data


def _sees_pay_details(principal: Principal | None, row: Employee) -> bool:
    """Bank details and the masked My Number: the office (coordinator+) and the person."""
    if principal is None or principal.is_at_least(Role.COORDINATOR):
        return True
    return principal.employee_id == row.id


def _derived(row: Any, principal: Principal | None) -> dict[str, Any]:
    """The fields of :class:`EmployeeRead` that are not a column as it is (masks, the
    bank account, the conversion date): from an entity or a list row alike."""
    pay = _sees_pay_details(principal, row)
    bank = None
    if pay and row.bank_account_last4 is not None:
        bank = {
            "bank_code": row.bank_code or "",
            "branch_code": row.bank_branch_code or "",
            "account_type": row.bank_account_type,
            "account_number_masked": masked(row.bank_account_last4, 7) or "",
            "holder_kana": row.bank_account_holder_kana or "",
        }
    indefinite = row.term_type == TermType.INDEFINITE.value
    return {
        "residence_card_number_masked": masked(row.residence_card_last4, 12),
        "bank_account": bank,
        "my_number_masked": masked(row.my_number_last4, 12) if pay else None,
        "indefinite_conversion_date": (
            None if indefinite or row.conversion_exempt else row.conversion_right_date
        ),
    }


def to_read(row: Employee, principal: Principal | None) -> EmployeeRead:
    return EmployeeRead.model_validate(
        {
            **{name: getattr(row, name) for name in _PLAIN_FIELDS},
            "id": row.id,
            "candidate_id": row.candidate_id,
            "work_permitted_until": row.work_permitted_until,
            "current_client_id": row.current_client_id,
            "current_site_id": row.current_site_id,
            "archived_at": row.archived_at,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
            "version": row.version,
            **_derived(row, principal),
        }
    )


_READS: TypeAdapter[list[EmployeeRead]] = TypeAdapter(list[EmployeeRead])


def to_reads(rows: Sequence[Row[Any]], principal: Principal | None) -> list[EmployeeRead]:
    """The list's DTOs from its rows (:meth:`EmployeeRepository.page_list`), validated once
    for the page: each row's mapping is the data (columns the DTO does not show are
    ignored), only :func:`_derived` is added. The same DTOs as :func:`to_read` (a test
    compares their JSON)."""
    return _READS.validate_python([{**row._asdict(), **_derived(row, principal)} for row in rows])


def to_brief(row: Employee) -> EmployeeBrief:
    return EmployeeBrief(
        id=row.id,
        name_kanji=row.name_kanji,
        name_kana=row.name_kana,
        name_romaji=row.name_romaji,
        birth_date=row.birth_date,
        nationality=row.nationality,
        residence_status=row.residence_status,  # type: ignore[arg-type]
        work_permitted_until=row.work_permitted_until,
        gender=row.gender,
        extra_activity_permission=row.extra_activity_permission,  # type: ignore[arg-type]
        extra_activity_weekly_hours=row.extra_activity_weekly_hours,
        long_vacations=tuple(
            (dt.date.fromisoformat(v["start"]), dt.date.fromisoformat(v["end"]))
            for v in row.long_vacations or ()
        ),
        employment_type=row.employment_type,  # type: ignore[arg-type]
        term_type=row.term_type,  # type: ignore[arg-type]
        status=row.status,  # type: ignore[arg-type]
        is_indefinite=row.term_type == TermType.INDEFINITE.value,
        current_client_id=row.current_client_id,
        current_site_id=row.current_site_id,
        archived=row.archived_at is not None,
        hire_date=row.hire_date,
        leave_date=row.leave_date,
        employee_number=row.employee_number,
        residence_card_last4=row.residence_card_last4,
    )


def _invalid(loc: str, message: str) -> ValidationFailedError:
    return ValidationFailedError(details=[FieldError(loc, "value_error", message).as_dict()])


def check_periods(periods: Sequence[ContractPeriodInput]) -> list[FixedTermContract]:
    """The periods as labour-law contracts; overlapping periods are refused."""
    contracts = sorted(
        (FixedTermContract(p.start_date, p.end_date) for p in periods), key=lambda c: c.start
    )
    for before, after in itertools.pairwise(contracts):
        if after.start <= before.end:
            raise ContractPeriodsOverlapError()
    return contracts


def _recompute_stay(row: Employee) -> None:
    if row.residence_card_expiry is None:
        row.work_permitted_until = None
        return
    row.work_permitted_until = residence.work_permitted_until(
        row.residence_card_expiry,
        application_filed_on=row.renewal_applied_on,
        decided_on=row.renewal_decided_on,
    )


def _check_leave(row: Employee) -> None:
    if row.leave_date is not None and row.leave_date < row.hire_date:
        raise LeaveDateRequiredError()
    if row.status == EmployeeStatus.LEFT.value and row.leave_date is None:
        raise LeaveDateRequiredError()


def _period_rows(
    employee_id: int, periods: Iterable[ContractPeriodInput]
) -> list[EmployeeContractPeriod]:
    return [
        EmployeeContractPeriod(
            employee_id=employee_id, start_date=p.start_date, end_date=p.end_date, note=p.note
        )
        for p in periods
    ]


def _dependant_rows(
    employee_id: int, dependants: Iterable[DependantInput]
) -> list[EmployeeDependant]:
    return [
        EmployeeDependant(
            employee_id=employee_id, **{k: _value(v) for k, v in d.model_dump().items()}
        )
        for d in dependants
    ]


def _check_bank(bank: BankAccountInput) -> None:
    """The bank and branch exist in the 全銀協 code list (the transfer file needs both)."""
    known = banks.find_bank(bank.bank_code)
    if known is None:
        raise EmployeeBankUnknownError(bank_code=bank.bank_code)
    if banks.find_branch(bank.bank_code, bank.branch_code) is None:
        raise EmployeeBranchUnknownError(bank_name=known.name, branch_code=bank.branch_code)


def _apply_bank(row: Employee, bank: BankAccountInput | None) -> None:
    if bank is not None:
        _check_bank(bank)
    seal(row, RevealField.BANK_ACCOUNT_NUMBER, bank.account_number if bank else None, "employees")
    row.bank_code = bank.bank_code if bank else None
    row.bank_branch_code = bank.branch_code if bank else None
    row.bank_account_type = bank.account_type.value if bank else None
    row.bank_account_holder_kana = bank.holder_kana if bank else None


def _set_names(row: Employee) -> None:
    row.kanji_key = name_key(row.name_kanji)
    row.kana_key = name_key(row.name_kana) or ""
    row.romaji_key = romaji_key(row.name_romaji) or ""


CreateResults = list[int | HakenError]
"""One result per item of :meth:`EmployeesService.create_many`: the new id or the refusal."""

CREATE_CHUNK = 500
"""Rows per statement of :meth:`EmployeesService.create_many` (≈ 50 columns each: within
SQLite's 32,766 and PostgreSQL's 32,767 bound parameters)."""


def _build(data: EmployeeCreate, *, candidate_id: int | None = None) -> Employee:
    """The new record from the form's DTO (not yet added): names, stay, leave date, 無期転換
    date, sealed numbers and bank account, every check that needs no query."""
    contracts = check_periods(data.contract_periods)
    row = Employee(
        candidate_id=candidate_id,
        status=EmployeeStatus.ACTIVE.value,
        **{
            name: _value(getattr(data, name))
            for name in _PLAIN_FIELDS
            if name in EmployeeCreate.model_fields
        },
    )
    _set_names(row)
    _recompute_stay(row)
    _check_leave(row)
    row.conversion_right_date = conversion_right_date(contracts)
    seal(row, RevealField.MY_NUMBER, data.my_number, "employees")
    seal(row, RevealField.RESIDENCE_CARD_NUMBER, data.residence_card_number, "employees")
    _apply_bank(row, data.bank_account)
    return row


def _created_snapshot(row: Employee, data: EmployeeCreate) -> dict[str, Any]:
    return {
        **snapshot(row),
        "contract_periods": [[p.start_date, p.end_date] for p in data.contract_periods],
        "dependants": redact([d.model_dump(mode="json") for d in data.dependants]),
    }


_INSERT_COLUMNS = tuple(c for c in Employee.__table__.columns if c.key != "id")


def _insert_values(row: Employee, now: dt.datetime) -> dict[str, Any]:
    """A built record's columns as the batched ``INSERT`` takes them: every column given
    (one key set for the chunk), an unset one at its default as the ORM would insert it."""
    values: dict[str, Any] = {}
    for column in _INSERT_COLUMNS:
        value = row.__dict__.get(column.key)
        if (value is None and column.key not in row.__dict__) or (
            value is None and not column.nullable
        ):
            default = column.default
            if column.key in ("created_at", "updated_at"):
                value = now
            elif default is not None and getattr(default, "is_scalar", False):
                value = default.arg  # type: ignore[attr-defined]
            elif default is not None and getattr(default, "is_callable", False):
                value = default.arg(None)  # type: ignore[attr-defined]
        values[column.key] = value
    return values


class EmployeesService:
    # --- reads ------------------------------------------------------------------------------

    @cached(
        "list",
        key="list:{filters}:{sort}:{request.limit}:{request.cursor}:{request.count}",
        tags=[EMPLOYEES_LIST_TAG],
        # The office (coordinator+) sees every row with the same fields: one shared
        # entry; site managers and employees keep per-principal entries.
        scope=scope_by_role(Role.COORDINATOR),
    )
    async def list(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: EmployeeFilter,
        sort: str,
        request: PageRequest,
    ) -> PageResult[EmployeeRead]:
        """One page of the list; ``sort`` is a value of ``EMPLOYEE_SORTING`` (``kana``,
        ``-hire_date`` …)."""
        return await self.list_uncached(
            session, principal, filters=filters, sort=sort, request=request
        )

    async def list_uncached(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: EmployeeFilter,
        sort: str,
        request: PageRequest,
    ) -> PageResult[EmployeeRead]:
        """:meth:`list` without the cache: exports walk every page once."""
        page = await EmployeeRepository(session).page_list(principal, filters, sort, request)
        return page.with_items(to_reads(page.items, principal))

    async def placements(
        self,
        session: AsyncSession,
        employees: Sequence[EmployeeRead],
        known: Mapping[int, SiteLabel] | None = None,
    ) -> dict[int, SiteLabel]:
        """派遣先 and 事業所 names of the listed employees' current sites: taken from ``known``
        (e.g. the filter's site options), one query for the others (none when all known)."""
        known = known or {}
        site_ids = {e.current_site_id for e in employees if e.current_site_id}
        labels = {site_id: known[site_id] for site_id in site_ids if site_id in known}
        missing = sorted(site_ids - set(labels))
        if missing:
            labels.update(await clients_service.get_site_labels(session, missing))
        return labels

    async def site_choices(self, session: AsyncSession, principal: Principal) -> list[SiteLabel]:
        """The 派遣先/事業所 options of the list's filters, within the caller's scope."""
        return await clients_service.get_site_choices(session, principal)

    async def record_export(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: EmployeeFilter,
        sort: str,
        file_format: str,
    ) -> None:
        """The audit row of a list export (personal data leaving the system): who, when,
        which filters, which format; the rows themselves are not copied."""
        await audit_service.record(
            session,
            principal,
            entity_type="employee",
            entity_id="list",
            action="export",
            after={
                "format": file_format,
                "filters": filters.model_dump(mode="json", exclude_defaults=True),
                "sort": sort,
            },
        )

    async def _readable(
        self, repo: EmployeeRepository, principal: Principal, employee_id: int
    ) -> Employee:
        return await repo.readable_or_404(principal, employee_id)

    async def _detail(
        self, repo: EmployeeRepository, row: Employee, principal: Principal | None
    ) -> EmployeeDetail:
        periods = await repo.periods(row.id)
        dependants = await repo.dependants(row.id) if _sees_pay_details(principal, row) else []
        return EmployeeDetail(
            **to_read(row, principal).model_dump(),
            contract_periods=[ContractPeriodRead.model_validate(p) for p in periods],
            dependants=[DependantRead.model_validate(d) for d in dependants],
        )

    async def get(
        self, session: AsyncSession, principal: Principal, employee_id: int
    ) -> EmployeeDetail:
        repo = EmployeeRepository(session)
        return await self._detail(
            repo, await self._readable(repo, principal, employee_id), principal
        )

    async def residence_expiring(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        days: int,
        today: dt.date,
        request: PageRequest,
    ) -> PageResult[ResidenceExpiryRead]:
        """Employees whose lawful work ends within ``days`` (already ended ones first).

        The end is the card's expiry, or with a renewal filed on or before it, the decision
        or the end of the special period (特例期間), whichever comes first (§2.3).
        """
        until = today + dt.timedelta(days=days)
        page = await EmployeeRepository(session).page_expiring(principal, until, request)
        items = []
        for row in page.items:
            assert row.residence_card_expiry is not None and row.work_permitted_until is not None
            items.append(
                ResidenceExpiryRead(
                    id=row.id,
                    kind="employee",
                    name_kanji=row.name_kanji,
                    name_kana=row.name_kana,
                    name_romaji=row.name_romaji,
                    nationality=row.nationality,
                    residence_status=row.residence_status,  # type: ignore[arg-type]
                    residence_card_expiry=row.residence_card_expiry,
                    renewal_applied_on=row.renewal_applied_on,
                    renewal_decided_on=row.renewal_decided_on,
                    work_permitted_until=row.work_permitted_until,
                    in_special_period=row.residence_card_expiry < today <= row.work_permitted_until,
                    days_left=(row.work_permitted_until - today).days,
                    current_site_id=row.current_site_id,
                )
            )
        return PageResult(
            items=items, next_cursor=page.next_cursor, has_more=page.has_more, total=page.total
        )

    # --- for other modules ---------------------------------------------------------------------

    async def headcount(self, session: AsyncSession, principal: Principal) -> Headcount:
        """Headcount by client and site for the home page and dashboards (two queries).

        Every active employee in scope is counted once: ``placed`` (a current site),
        ``unplaced`` (dispatched workers without a running placement) or ``not_dispatched``
        (in-house staff and contract work, never placed), so the three add up to ``total``.
        """
        counts = await EmployeeRepository(session).headcount_by_site(principal)
        labels = await clients_service.get_site_labels(
            session, sorted({site_id for site_id, _, _ in counts if site_id is not None})
        )
        per_site: dict[int, int] = {}
        unplaced = not_dispatched = 0
        for site_id, employment_type, count in counts:
            if site_id is not None:
                per_site[site_id] = per_site.get(site_id, 0) + count
            elif employment_type == EmploymentType.DISPATCH:
                unplaced += count
            else:
                not_dispatched += count
        by_site = sorted(
            (
                SiteHeadcount(
                    client_id=labels[site_id].client_id,
                    client_name=labels[site_id].client_name,
                    site_id=site_id,
                    site_name=labels[site_id].site_name,
                    headcount=count,
                )
                for site_id, count in per_site.items()
                if site_id in labels
            ),
            key=lambda row: (-row.headcount, row.site_id),
        )
        placed = sum(per_site.values())
        return Headcount(
            total=placed + unplaced + not_dispatched,
            placed=placed,
            unplaced=unplaced,
            not_dispatched=not_dispatched,
            by_site=by_site,
        )

    async def get_brief(self, session: AsyncSession, employee_id: int) -> EmployeeBrief:
        row = await EmployeeRepository(session).by_id(employee_id)
        if row is None:
            raise NotFoundError()
        return to_brief(row)

    async def names(self, session: AsyncSession, ids: Sequence[int]) -> dict[int, str]:
        """Employees' names (kanji, else kana) by id, one query, unscoped (the audit log)."""
        return await EmployeeRepository(session).names(ids)

    async def name_forms(
        self, session: AsyncSession, ids: Sequence[int]
    ) -> dict[int, dict[str, Any]]:
        """``{id: {name_kanji, name_kana, name_romaji}}`` of the employees among ``ids``, one
        query of three columns, unscoped (a list's names: the assignment list)."""
        return await EmployeeRepository(session).name_forms(ids)

    async def get_briefs(
        self, session: AsyncSession, ids: Sequence[int]
    ) -> dict[int, EmployeeBrief]:
        """Briefs of the employees that exist among ``ids``, in one query."""
        return {row.id: to_brief(row) for row in await EmployeeRepository(session).by_ids(ids)}

    async def ids_by_number(self, session: AsyncSession, numbers: Sequence[str]) -> dict[str, int]:
        """Employee ids by employee number (one query, unscoped: payroll's bonus import,
        which checks its caller); a number missing from the result has no employee."""
        return await EmployeeRepository(session).ids_by_number(numbers)

    async def foreign_movements(
        self, session: AsyncSession, *, first: dt.date, last: dt.date
    ) -> Sequence[EmployeeBrief]:
        """Briefs of the employees with a residence status hired or left within
        ``first``–``last``, one query, unscoped (the office's 外国人雇用状況届出 list)."""
        rows = await EmployeeRepository(session).foreign_movements(first, last)
        return [to_brief(row) for row in rows]

    async def payroll_facts(
        self, session: AsyncSession, ids: Sequence[int], *, year: int
    ) -> dict[int, PayrollFacts]:
        """What payroll reads of each employee among ``ids`` (two queries; unscoped, for the
        payroll job): the withholding column (乙 when no 扶養控除等申告書 was filed) and
        扶養親族等の数 in ``year`` from the dependants (月額表 備考1(4): a spouse or a relative
        aged 16 or more on 31 December within the income limit, +1 for each disabled family
        member)."""
        repo = EmployeeRepository(session)
        rows = await repo.by_ids(ids)
        by_employee: dict[int, list[EmployeeDependant]] = {}
        for dependant in await repo.dependants_of(ids):
            by_employee.setdefault(dependant.employee_id, []).append(dependant)
        sixteen_by = dt.date(year - 15, 1, 1)  # 16 on 31 December (年齢計算ニ関スル法律)
        found: dict[int, PayrollFacts] = {}
        for row in rows:
            family = by_employee.get(row.id, [])
            spouse = any(d.relationship == "spouse" and d.income_within_limit for d in family)
            relatives = sum(
                1
                for d in family
                if d.relationship != "spouse"
                and d.income_within_limit
                and d.birth_date <= sixteen_by
            )
            disabled = sum(1 for d in family if d.disability != "none")
            found[row.id] = PayrollFacts(
                employee_id=row.id,
                birth_date=row.birth_date,
                otsu=row.withholding_column == WithholdingColumn.OTSU.value,
                dependents=dependant_count(
                    source_deduction_spouse=spouse,
                    dependants=relatives,
                    disabled_family_members=disabled,
                ),
                hire_date=row.hire_date,
                leave_date=row.leave_date,
            )
        return found

    async def payment_accounts(
        self, session: AsyncSession, ids: Sequence[int]
    ) -> dict[int, PaymentAccount]:
        """The salary accounts of the employees among ``ids`` that have a complete one, the
        number decrypted (one query; unscoped: the payroll transfer file, which checks its
        caller and audits the download). An employee missing from the result has none."""
        found: dict[int, PaymentAccount] = {}
        for row in await EmployeeRepository(session).by_ids(ids):
            number = unseal(row, RevealField.BANK_ACCOUNT_NUMBER, "employees")
            if not (number and row.bank_code and row.bank_branch_code):
                continue
            found[row.id] = PaymentAccount(
                employee_id=row.id,
                employee_number=row.employee_number or "",
                holder_kana=row.bank_account_holder_kana or "",
                bank_code=row.bank_code,
                branch_code=row.bank_branch_code,
                account_type=row.bank_account_type or "ordinary",
                account_number=number,
            )
        return found

    async def employed_ids(
        self, session: AsyncSession, *, on: dt.date, left_since: dt.date
    ) -> list[int]:
        """Ids of the employees hired by ``on`` who had not left before ``left_since``
        (unscoped, for jobs: the leave grants), in id order, one query."""
        return await EmployeeRepository(session).employed_ids(on=on, left_since=left_since)

    async def readable_ids(self, session: AsyncSession, principal: Principal) -> list[int]:
        """Ids of every employee ``principal`` may read (one query; for other areas' scoped
        lists of a site manager)."""
        return await EmployeeRepository(session).readable_ids(principal)

    def readable_ids_statement(self, session: AsyncSession, principal: Principal) -> Select[Any]:
        """The same ids as an unexecuted ``SELECT id`` (no I/O), for another area's
        repository to fold the scope into its list statement (``IN (subquery)``)."""
        return EmployeeRepository(session).readable_ids_statement(principal)

    def names_statement(self, session: AsyncSession) -> Select[Any]:
        """Every employee's ``employee_id, name_kanji, name_kana, employee_number`` as an
        unexecuted ``SELECT`` (no I/O, unscoped): another area's repository joins it as a
        subquery (a provider fragment: the names ride in that area's one statement; the caller
        scopes its own rows)."""
        return EmployeeRepository(session).names_statement()

    def employed_on_statement(self, session: AsyncSession, on: dt.date) -> Select[Any]:
        """``employee_id, employment_type`` of everyone on the books on ``on``, as an
        unexecuted ``SELECT`` (a provider fragment: the reports' headcount)."""
        return EmployeeRepository(session).employed_on_statement(on)

    def residence_cards_statement(self, session: AsyncSession) -> Select[Any]:
        """Every residence card of a worker who has not left, as an unexecuted ``SELECT``
        (a provider fragment: the residence-card report scopes and pages it)."""
        return EmployeeRepository(session).residence_cards_statement()

    async def set_current_placement(
        self,
        session: AsyncSession,
        *,
        employee_id: int,
        client_id: int | None,
        site_id: int | None,
    ) -> None:
        """Record where the employee works now (the assignments module's job)."""
        repo = EmployeeRepository(session)
        row = await repo.by_id(employee_id)
        if row is None:
            raise NotFoundError()
        before = {
            "current_client_id": row.current_client_id,
            "current_site_id": row.current_site_id,
        }
        await repo.set_placement(employee_id, client_id, site_id)
        await audit_service.record(
            session,
            None,
            entity_type="employee",
            entity_id=employee_id,
            action="placement",
            before=before,
            after={"current_client_id": client_id, "current_site_id": site_id},
        )

    # --- writes --------------------------------------------------------------------------------

    async def _check_unique(
        self, repo: EmployeeRepository, row: Employee, *, except_id: int | None = None
    ) -> None:
        duplicate = await repo.duplicate_of(row.romaji_key, row.birth_date)
        if duplicate is not None and duplicate != except_id:
            raise EmployeeDuplicateError(details={"employee_id": duplicate})
        if row.employee_number and await repo.number_taken(row.employee_number, except_id):
            raise EmployeeNumberTakenError()

    async def _flush(self, repo: EmployeeRepository) -> None:
        """Flush; a race that slipped past the checks still ends as a catalog error."""
        try:
            await repo.flush()
        except IntegrityError as error:
            text = str(error.orig).lower()
            if "employee_number" in text:
                raise EmployeeNumberTakenError() from error
            if "romaji" in text or "birth_date" in text:
                raise EmployeeDuplicateError() from error
            raise

    async def create(
        self,
        session: AsyncSession,
        principal: Principal | None,
        data: EmployeeCreate,
        *,
        candidate_id: int | None = None,
    ) -> EmployeeDetail:
        """Register an employee (directly, or from a hired candidate: ``candidate_id``)."""
        row = await self._create(session, principal, data, candidate_id=candidate_id)
        return await self._detail(EmployeeRepository(session), row, principal)

    async def create_returning_id(
        self, session: AsyncSession, principal: Principal | None, data: EmployeeCreate
    ) -> int:
        """``create`` (the same checks, numbering, sealing and audit row) without reading the
        record back: the master-data import creates thousands and needs only their ids."""
        return (await self._create(session, principal, data)).id

    async def _create(
        self,
        session: AsyncSession,
        principal: Principal | None,
        data: EmployeeCreate,
        *,
        candidate_id: int | None = None,
    ) -> Employee:
        repo = EmployeeRepository(session)
        row = _build(data, candidate_id=candidate_id)
        if not row.employee_number:
            row.employee_number = await self._next_number(repo, row.hire_date)
        await self._check_unique(repo, row)
        repo.add(row)
        await self._flush(repo)
        repo.add_all([*_period_rows(row.id, data.contract_periods)])
        repo.add_all([*_dependant_rows(row.id, data.dependants)])
        await self._flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="employee",
            entity_id=row.id,
            action="create",
            after=_created_snapshot(row, data),
        )
        return row

    async def create_many(
        self,
        session: AsyncSession,
        principal: Principal | None,
        items: Sequence[EmployeeCreate],
        *,
        request_ids: Sequence[str] | None = None,
    ) -> CreateResults:
        """``create`` for many people at once (the master-data import): the same checks
        (contract periods, leave date, bank codes, the duplicate person, the taken 社員番号,
        in the database and among ``items``), numbering, sealing and one audit row each,
        with ``request_ids[i]`` as item ``i``'s request id when given. Per chunk of
        :data:`CREATE_CHUNK` a fixed number of statements: the duplicates, the taken
        numbers, one ``INSERT`` of the employees and one of their audit rows (plus one
        counter update per hire year needing numbers, and one insert of contract periods
        and dependants when any are given). Each result is the new id or the catalog
        error that refused the item (that item is not written; the others are)."""
        results: CreateResults = []
        for start in range(0, len(items), CREATE_CHUNK):
            chunk = items[start : start + CREATE_CHUNK]
            ids = request_ids[start : start + CREATE_CHUNK] if request_ids is not None else None
            results.extend(await self._create_chunk(session, principal, chunk, ids))
        return results

    async def _create_chunk(
        self,
        session: AsyncSession,
        principal: Principal | None,
        items: Sequence[EmployeeCreate],
        request_ids: Sequence[str] | None,
    ) -> CreateResults:
        repo = EmployeeRepository(session)
        results: builtins.list[int | HakenError | None] = [None] * len(items)
        built: dict[int, Employee] = {}
        for index, data in enumerate(items):
            try:
                built[index] = _build(data)
            except HakenError as error:
                results[index] = error
        duplicates = await repo.duplicates_among(
            [(row.romaji_key, row.birth_date) for row in built.values()]
        )
        seen_people: set[tuple[str, dt.date]] = set()
        for index, row in list(built.items()):
            person = (row.romaji_key, row.birth_date)
            if person in duplicates or person in seen_people:
                found = duplicates.get(person)
                results[index] = EmployeeDuplicateError(
                    details={"employee_id": found} if found is not None else None
                )
                del built[index]
            else:
                seen_people.add(person)
        taken = await repo.numbers_taken(
            [row.employee_number for row in built.values() if row.employee_number]
        )
        seen_numbers: set[str] = set()
        for index, row in list(built.items()):
            number = row.employee_number
            if number and (number in taken or number in seen_numbers):
                results[index] = EmployeeNumberTakenError()
                del built[index]
            elif number:
                seen_numbers.add(number)
        # 社員番号 for those without one: a block of the counter per hire year (checked free).
        by_year: dict[int, builtins.list[int]] = {}
        for index, row in built.items():
            if not row.employee_number:
                by_year.setdefault(row.hire_date.year, []).append(index)
        for year, indexes in by_year.items():
            numbers = await self._next_numbers(repo, year, len(indexes), also_taken=seen_numbers)
            for index, number in zip(indexes, numbers, strict=True):
                built[index].employee_number = number
        accepted = list(built)
        if accepted:
            now = utcnow()
            try:
                ids = await repo.insert_many([_insert_values(built[i], now) for i in accepted])
            except IntegrityError as error:
                text = str(error.orig).lower()
                if "employee_number" in text:
                    raise EmployeeNumberTakenError() from error
                if "romaji" in text or "birth_date" in text:
                    raise EmployeeDuplicateError() from error
                raise
            children: builtins.list[object] = []
            audits: builtins.list[AuditItem] = []
            for index in accepted:
                row, data = built[index], items[index]
                row.id = ids[row.employee_number or ""]
                results[index] = row.id
                children.extend(_period_rows(row.id, data.contract_periods))
                children.extend(_dependant_rows(row.id, data.dependants))
                audits.append(
                    AuditItem(
                        entity_type="employee",
                        entity_id=row.id,
                        action="create",
                        after=_created_snapshot(row, data),
                        request_id=request_ids[index] if request_ids is not None else None,
                    )
                )
            if children:
                repo.add_all(children)
                await self._flush(repo)
            await audit_service.record_many(session, principal, audits)
        return [r if r is not None else EmployeeNumberTakenError() for r in results]

    async def _next_numbers(
        self, repo: EmployeeRepository, year: int, count: int, *, also_taken: set[str]
    ) -> builtins.list[str]:
        """``count`` consecutive free 社員番号 of the hire year (as :meth:`_next_number`, the
        counter advanced once by ``count``); ``also_taken``: numbers given in the batch."""
        pattern = _number_pattern
        scope = pattern.scope(year)
        for _ in range(_NUMBER_ATTEMPTS):
            last = await repo.advance_number_counter(scope, by=count)
            if last is not None:
                numbers = [pattern.render(seq, year) for seq in range(last - count + 1, last + 1)]
                if not also_taken.intersection(numbers) and not await repo.numbers_taken(numbers):
                    return numbers
            existing = await repo.numbers_starting(pattern.prefix(year))
            parsed = [pattern.parse(n, year) for n in existing]
            highest = max((p for p in parsed if p is not None), default=0)
            await repo.raise_number_counter(scope, highest)
        raise EmployeeNumberTakenError()

    async def _next_number(self, repo: EmployeeRepository, hire_date: dt.date) -> str:
        """The next free 社員番号 of the agency's pattern for the hire year.

        The counter row is advanced with UPDATE … RETURNING (concurrent hires wait on it
        until the first commits). A missing counter starts from the highest number of the
        pattern already present (numbers typed by hand, imported or demo data), and a number
        taken by hand since makes the counter jump past the highest one."""
        pattern, year = _number_pattern, hire_date.year
        scope = pattern.scope(year)
        for _ in range(_NUMBER_ATTEMPTS):
            seq = await repo.advance_number_counter(scope)
            if seq is not None:
                number = pattern.render(seq, year)
                if not await repo.number_taken(number):
                    return number
            existing = await repo.numbers_starting(pattern.prefix(year))
            parsed = [pattern.parse(n, year) for n in existing]
            highest = max((p for p in parsed if p is not None), default=0)
            await repo.raise_number_counter(scope, highest)
        raise EmployeeNumberTakenError()

    async def _editable(
        self, repo: EmployeeRepository, principal: Principal, employee_id: int, version: int
    ) -> Employee:
        row = await self._readable(repo, principal, employee_id)
        if row.version != version:
            raise VersionConflictError()
        return row

    async def update(
        self, session: AsyncSession, principal: Principal, employee_id: int, data: EmployeeUpdate
    ) -> EmployeeDetail:
        repo = EmployeeRepository(session)
        row = await self._editable(repo, principal, employee_id, data.version)
        if row.archived_at is not None:
            raise EmployeeArchivedError()
        before = snapshot(row)
        changes = data.model_fields_set - {"version"}
        for name in changes & set(_PLAIN_FIELDS):
            value = getattr(data, name)
            if value is None and name in _NOT_NULL:
                raise _invalid(name, "may not be null")
            setattr(row, name, _value(value))
        if changes & {"extra_activity_permission", "extra_activity_weekly_hours"}:
            try:
                # A new permission without hours takes that permission's default.
                row.extra_activity_weekly_hours = resolve_extra_activity(
                    ExtraActivityPermission(row.extra_activity_permission),
                    data.extra_activity_weekly_hours
                    if "extra_activity_weekly_hours" in changes
                    else None,
                )
            except ValueError as error:
                raise _invalid("extra_activity_weekly_hours", str(error)) from error
        if changes & {"name_kanji", "name_kana", "name_romaji"}:
            _set_names(row)
        if changes & {"residence_card_expiry", "renewal_applied_on", "renewal_decided_on"}:
            _recompute_stay(row)
        _check_leave(row)
        if "my_number" in changes:
            seal(row, RevealField.MY_NUMBER, data.my_number, "employees")
        if "residence_card_number" in changes:
            seal(row, RevealField.RESIDENCE_CARD_NUMBER, data.residence_card_number, "employees")
        if "bank_account" in changes:
            _apply_bank(row, data.bank_account)
        if changes & {"name_romaji", "birth_date", "employee_number"}:
            await self._check_unique(repo, row, except_id=row.id)
        await self._flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="employee",
            entity_id=row.id,
            action="update",
            before=before,
            after=snapshot(row),
        )
        return await self._detail(repo, row, principal)

    async def replace_contract_periods(
        self,
        session: AsyncSession,
        principal: Principal,
        employee_id: int,
        data: ContractPeriodsReplace,
    ) -> EmployeeDetail:
        """Replace the fixed-term contract history; the 無期転換 date follows it."""
        repo = EmployeeRepository(session)
        row = await self._editable(repo, principal, employee_id, data.version)
        contracts = check_periods(data.periods)
        before = [[p.start_date, p.end_date] for p in await repo.periods(row.id)]
        before_date = row.conversion_right_date
        await repo.replace_periods(row.id, _period_rows(row.id, data.periods))
        row.conversion_right_date = conversion_right_date(contracts)
        row.updated_at = utcnow()  # bumps version: the periods are part of the record
        await self._flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="employee",
            entity_id=row.id,
            action="contract_periods",
            before={"contract_periods": before, "conversion_right_date": before_date},
            after={
                "contract_periods": [[p.start_date, p.end_date] for p in data.periods],
                "conversion_right_date": row.conversion_right_date,
            },
        )
        return await self._detail(repo, row, principal)

    async def replace_dependants(
        self, session: AsyncSession, principal: Principal, employee_id: int, data: DependantsReplace
    ) -> EmployeeDetail:
        repo = EmployeeRepository(session)
        row = await self._editable(repo, principal, employee_id, data.version)
        before = [
            DependantRead.model_validate(d).model_dump(mode="json")
            for d in await repo.dependants(row.id)
        ]
        for item in before:
            item.pop("id")
        await repo.replace_dependants(row.id, _dependant_rows(row.id, data.dependants))
        row.updated_at = utcnow()
        await self._flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="employee",
            entity_id=row.id,
            action="dependants",
            before={"dependants": redact(before)},
            after={"dependants": redact([d.model_dump(mode="json") for d in data.dependants])},
        )
        return await self._detail(repo, row, principal)

    async def set_archived(
        self,
        session: AsyncSession,
        principal: Principal,
        employee_id: int,
        *,
        version: int,
        archived: bool,
    ) -> EmployeeDetail:
        """Archive (the API's DELETE) or restore: employees are referenced everywhere, so a
        record is never deleted, only taken out of the lists."""
        repo = EmployeeRepository(session)
        row = await self._editable(repo, principal, employee_id, version)
        before = row.archived_at
        row.archived_at = (row.archived_at or utcnow()) if archived else None
        await self._flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="employee",
            entity_id=row.id,
            action="archive" if archived else "restore",
            before={"archived_at": before},
            after={"archived_at": row.archived_at},
        )
        return await self._detail(repo, row, principal)

    async def reveal(
        self, session: AsyncSession, principal: Principal, employee_id: int, request: RevealRequest
    ) -> RevealedNumbers:
        """The full numbers, for an admin, audited with the field names and purpose only."""
        repo = EmployeeRepository(session)
        row = await self._readable(repo, principal, employee_id)
        return await reveal_sealed(
            session, principal, row, request, entity_type="employee", context_prefix="employees"
        )

    async def rotate_field_keys(self, session: AsyncSession) -> int:
        """Re-encrypt every personal number not under the primary key; returns rows changed."""
        cipher = field_cipher()
        prefix = f"v1:{cipher.primary_key_id}:"
        columns = [spec[0] for spec in SEALED.values()]
        repo = EmployeeRepository(session)
        changed, after_id = 0, 0
        while True:
            rows = await repo.needing_rotation(columns, prefix, after_id, ROTATION_BATCH)
            if not rows:
                break
            for row in rows:
                rotate_row(row, "employees")
                after_id = row.id
            changed += len(rows)
            await self._flush(repo)
        await audit_service.record(
            session,
            None,
            entity_type="field_keys",
            entity_id="employees",
            action="rotate",
            after={"rows": changed, "key_id": cipher.primary_key_id},
        )
        return changed


def rotate_row(row: Any, context_prefix: str) -> None:
    """Re-encrypt each sealed column of ``row`` that the row has, under the primary key."""
    cipher = field_cipher()
    for enc_column, _, context, _ in SEALED.values():
        token = getattr(row, enc_column, None)
        if token is not None and cipher.needs_rotation(token):
            context = context.replace("employees.", context_prefix + ".", 1)
            setattr(row, enc_column, cipher.rotate(token, context=context))


def unseal(row: Any, field: RevealField, context_prefix: str) -> str | None:
    enc_column, _, context, _ = SEALED[field]
    token = getattr(row, enc_column, None)
    if token is None:
        return None
    return field_cipher().decrypt(
        token, context=context.replace("employees.", context_prefix + ".", 1)
    )


async def reveal_sealed(
    session: AsyncSession,
    principal: Principal,
    row: Any,
    request: RevealRequest,
    *,
    entity_type: str,
    context_prefix: str,
) -> RevealedNumbers:
    """The one reveal path for employees and candidates (see docs/architecture.md)."""
    fields = sorted(set(request.fields))
    values: dict[str, str | None] = {}
    for field in fields:
        if hasattr(row, SEALED[field][0]):
            values[field.value] = unseal(row, field, context_prefix)
    await audit_service.record(
        session,
        principal,
        entity_type=entity_type,
        entity_id=row.id,
        action="reveal",
        after={"fields": [f.value for f in fields], "purpose": request.purpose},
    )
    log.info("personal numbers revealed", entity=entity_type, fields=[f.value for f in fields])
    return RevealedNumbers(**values)


employees_service = EmployeesService()

__all__ = [
    "EmployeesService",
    "employees_service",
    "reveal_sealed",
    "rotate_row",
    "seal",
    "unseal",
]
