"""Glue between stored assignments and the 3-year limit rules of ``haken.labor.dispatch``.

No rule is re-implemented here: this module picks the inputs (which periods count for which
clock, where the site date comes from) and combines the two results into the one date an
assignment must end before.

* **Individual clock** (個人単位): every non-cancelled assignment of the worker in the same
  組織単位, each marked exempt when it was (the stored ``exemption``); the reference date is
  the assignment's start, so the run containing the assignment is the one that governs it.
  Time the worker spent in the unit through other agencies counts too (the law counts it):
  the periods the coordinator declared (``prior_dispatch_periods``) join the history.
* **Site clock** (事業所単位): the client's own statement when the clients module has one
  (``UnitPlacement.site_conflict_date``, computed there from the date dispatch to the site
  began and the 意見聴取 extensions); otherwise the clock is computed from this agency's own
  assignments at the site (all workers, exempt ones left out).
* A worker exempt on the start date (無期, 60+) or exempt work (project, few days, leave
  cover) lifts both limits. A worker who reaches 60 on or before a date pre-empts it: the
  date is kept for the documents but does not bind. Which dates bind is decided by
  ``haken.labor.dispatch`` (``binds``, ``effective_conflict_date``, given the birth date);
  nothing about age is decided here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from haken.labor.dispatch import (
    ConflictResult,
    DispatchPeriod,
    Exemption,
    binds,
    effective_conflict_date,
    individual_conflict_date,
    site_conflict_date,
)

ConflictKind = Literal["site", "individual"]
SiteSource = Literal["client_site", "assignment_history"]


@dataclass(frozen=True)
class StoredPeriod:
    """One assignment as a dispatch period: its days and whether it was exempt."""

    start: dt.date
    end: dt.date
    exempt: bool

    def as_period(self) -> DispatchPeriod:
        return DispatchPeriod(self.start, self.end, exempt=self.exempt)


@dataclass(frozen=True)
class Clocks:
    site: ConflictResult
    site_source: SiteSource
    individual: ConflictResult
    conflict_date: dt.date | None
    conflict_kind: ConflictKind | None
    exemption: Exemption | None
    site_binding: bool
    """The site date binds this worker (not exempt, not 60 by then)."""


def compute_clocks(
    *,
    start: dt.date,
    unit_periods: Iterable[StoredPeriod],
    site_periods: Iterable[StoredPeriod],
    client_site_date: dt.date | None,
    birth_date: dt.date | None,
    indefinite_contract: bool,
    work_exemption: Exemption | None,
) -> Clocks:
    """Both clocks of an assignment starting on ``start`` and the binding date.

    ``unit_periods`` and ``site_periods`` must include the assignment itself.
    """
    if client_site_date is not None:
        site = ConflictResult(conflict_date=client_site_date)
        source: SiteSource = "client_site"
    else:
        site = site_conflict_date([p.as_period() for p in site_periods], reference_date=start)
        source = "assignment_history"
    individual = individual_conflict_date(
        [p.as_period() for p in unit_periods],
        reference_date=start,
        birth_date=birth_date,
        indefinite_contract=indefinite_contract,
        work_exemption=work_exemption,
    )
    site_binding = individual.exemption is None and binds(site, birth_date=birth_date)
    binding = effective_conflict_date(site, individual, birth_date=birth_date)
    kind: ConflictKind | None = None
    if binding is not None:
        # The individual date wins a tie: it is the one that can never be extended.
        individual_binds = individual.binding and individual.conflict_date == binding
        kind = "individual" if individual_binds else "site"
    return Clocks(site, source, individual, binding, kind, individual.exemption, site_binding)
