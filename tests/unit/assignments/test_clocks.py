"""The glue between assignments and labor.dispatch (dates worked by hand, JP_LABOR §7.1)
and the completeness of the residence refusal codes."""

from __future__ import annotations

from datetime import date

from haken.labor.dispatch import Exemption
from haken.labor.residence import DispatchRefusal
from haken.modules.assignments.clocks import Clocks, StoredPeriod, compute_clocks
from haken.modules.assignments.errors import RESIDENCE_REFUSALS

YOUNG = date(1990, 5, 20)


def _clocks(**overrides: object) -> Clocks:
    values: dict[str, object] = {
        "start": date(2026, 4, 1),
        "unit_periods": [StoredPeriod(date(2026, 4, 1), date(2027, 3, 31), False)],
        "site_periods": [StoredPeriod(date(2026, 4, 1), date(2027, 3, 31), False)],
        "client_site_date": None,
        "birth_date": YOUNG,
        "indefinite_contract": False,
        "work_exemption": None,
    }
    values.update(overrides)
    return compute_clocks(**values)  # type: ignore[arg-type]


def test_every_refusal_has_its_own_catalog_code() -> None:
    assert set(RESIDENCE_REFUSALS) == set(DispatchRefusal)
    for refusal, error in RESIDENCE_REFUSALS.items():
        assert error.code == f"ASSIGNMENT_RESIDENCE_{refusal.value}"
    assert len({error.code for error in RESIDENCE_REFUSALS.values()}) == len(DispatchRefusal)


def test_tie_goes_to_the_individual_date_that_cannot_be_extended() -> None:
    clocks = _clocks()
    assert clocks.conflict_date == date(2029, 4, 1)
    assert clocks.conflict_kind == "individual"
    assert clocks.site_source == "assignment_history"


def test_client_stated_site_date_wins_over_history() -> None:
    clocks = _clocks(client_site_date=date(2028, 10, 1))
    assert (clocks.conflict_date, clocks.conflict_kind) == (date(2028, 10, 1), "site")
    assert clocks.site_source == "client_site"


def test_site_clock_counts_other_workers_but_skips_exempt_ones() -> None:
    site = [
        StoredPeriod(date(2025, 1, 1), date(2026, 3, 31), True),  # a 60+ worker: not counted
        StoredPeriod(date(2025, 10, 1), date(2026, 3, 31), False),  # another worker
        StoredPeriod(date(2026, 4, 1), date(2027, 3, 31), False),
    ]
    clocks = _clocks(site_periods=site)
    assert clocks.site.conflict_date == date(2028, 10, 1)
    assert clocks.conflict_kind == "site"


def test_turning_60_before_the_site_date_lifts_it_too() -> None:
    # 60 on 2028-06-15: before the site date 2028-10-01 and the individual 2029-04-01.
    clocks = _clocks(birth_date=date(1968, 6, 15), client_site_date=date(2028, 10, 1))
    assert clocks.exemption is None
    assert clocks.site_binding is False
    assert clocks.conflict_date is None
    # 60 on 2028-12-01: after the site date, which therefore still binds.
    later = _clocks(birth_date=date(1968, 12, 1), client_site_date=date(2028, 10, 1))
    assert later.conflict_date == date(2028, 10, 1)


def test_worker_and_work_exemptions_lift_both() -> None:
    indefinite = _clocks(indefinite_contract=True, client_site_date=date(2028, 10, 1))
    assert indefinite.exemption is Exemption.INDEFINITE_CONTRACT
    assert indefinite.conflict_date is None
    cover = _clocks(work_exemption=Exemption.LEAVE_COVER, client_site_date=date(2028, 10, 1))
    assert (cover.exemption, cover.conflict_date) == (Exemption.LEAVE_COVER, None)
