"""Every query of the candidates area, scoped by the principal.

Candidates are the office's business: coordinators and above see all of them, nobody else
sees any (out of scope is not found, as everywhere).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, delete, false, or_, select

from haken.modules.candidates.models import Candidate, CandidateStatusChange
from haken.modules.candidates.schemas import CandidateFilter
from haken.modules.candidates.sorting import CANDIDATE_SORTING
from haken.platform.access import Principal, Role
from haken.platform.names import name_key, prefix_match, romaji_key
from haken.platform.pagination import PageRequest, PageResult, SortKey
from haken.platform.repository import ModelRepository

EXPIRY_SORT = (SortKey(Candidate.residence_card_expiry, "asc"), SortKey(Candidate.id, "asc"))


def name_condition(q: str) -> Any:
    """A prefix of any name form: one index range per form that can match."""
    clauses = []
    key = name_key(q)
    if key:
        clauses.append(prefix_match(Candidate.kanji_key, key))
        clauses.append(prefix_match(Candidate.kana_key, key))
    latin = romaji_key(q)
    if latin and latin.isascii():
        clauses.append(prefix_match(Candidate.romaji_key, latin))
    return or_(*clauses) if clauses else false()


class CandidateRepository(ModelRepository[Candidate]):
    model = Candidate

    async def names(self, ids: Sequence[int]) -> dict[int, str]:
        return await self.names_by_id(
            Candidate, ids, Candidate.name_kanji, Candidate.name_kana, Candidate.name_romaji
        )

    def readable_statement(self, principal: Principal) -> Select[tuple[Candidate]]:
        statement = select(Candidate)
        if not principal.is_at_least(Role.COORDINATOR):
            statement = statement.where(false())
        return statement

    _readable = readable_statement

    def list_statement(
        self, principal: Principal, filters: CandidateFilter
    ) -> Select[tuple[Candidate]]:
        """The filtered, scoped statement of the list (also what the EXPLAIN test plans)."""
        statement = self._readable(principal)
        if not filters.include_archived:
            statement = statement.where(Candidate.archived_at.is_(None))
        if filters.q:
            statement = statement.where(name_condition(filters.q))
        if filters.status is not None:
            statement = statement.where(Candidate.status == filters.status.value)
        if filters.nationality:
            statement = statement.where(Candidate.nationality == filters.nationality.upper())
        if filters.residence_status is not None:
            statement = statement.where(
                Candidate.residence_status == filters.residence_status.value
            )
        return statement

    async def page_list(
        self,
        principal: Principal,
        filters: CandidateFilter,
        sort: str,
        request: PageRequest,
    ) -> PageResult[Candidate]:
        statement = self.list_statement(principal, filters)
        return await self.page(statement, CANDIDATE_SORTING.keys(sort), request)

    def expiring_statement(
        self, principal: Principal, until: dt.date, statuses: Sequence[str]
    ) -> Select[tuple[Candidate]]:
        return self._readable(principal).where(
            Candidate.residence_card_expiry <= until,
            Candidate.archived_at.is_(None),
            Candidate.status.in_(sorted(statuses)),
        )

    async def page_expiring(
        self, principal: Principal, until: dt.date, statuses: Sequence[str], request: PageRequest
    ) -> PageResult[Candidate]:
        statement = self.expiring_statement(principal, until, statuses)
        return await self.page(statement, EXPIRY_SORT, request)

    async def likely_duplicate(
        self, principal: Principal, key: str, birth_date: dt.date | None
    ) -> int | None:
        """The first readable candidate with this romaji key and birth date."""
        statement = (
            self._readable(principal)
            .where(Candidate.romaji_key == key, Candidate.birth_date == birth_date)
            .order_by(Candidate.id)
            .limit(1)
        )
        return (await self.session.scalars(statement.with_only_columns(Candidate.id))).first()

    async def history(self, candidate_id: int) -> Sequence[CandidateStatusChange]:
        statement = (
            select(CandidateStatusChange)
            .where(CandidateStatusChange.candidate_id == candidate_id)
            .order_by(CandidateStatusChange.changed_at, CandidateStatusChange.id)
        )
        return (await self.session.scalars(statement)).all()

    async def delete(self, row: Candidate) -> None:
        await self.session.execute(
            delete(CandidateStatusChange).where(CandidateStatusChange.candidate_id == row.id)
        )
        await self.session.delete(row)

    async def needing_rotation(
        self, primary_prefix: str, after_id: int, limit: int
    ) -> Sequence[Candidate]:
        column = Candidate.residence_card_number_enc
        statement = (
            select(Candidate)
            .where(
                Candidate.id > after_id,
                column.is_not(None),
                ~column.startswith(primary_prefix, autoescape=True),
            )
            .order_by(Candidate.id)
            .limit(limit)
        )
        return (await self.session.scalars(statement)).all()
