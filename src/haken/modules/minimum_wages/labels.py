"""Labels of a fiscal year of minimum wages, for the audit log: one key per prefecture."""

from __future__ import annotations

from haken.platform.jptext import PREFECTURES
from haken.web.i18n import N_
from haken.web.registry import RecordLabels, registry


def register_labels() -> None:
    registry.add_record_labels(
        "minimum_wage_year",
        RecordLabels(
            N_("Minimum wages of a fiscal year"),
            proper_names={code: f"{code} {name}" for code, name in PREFECTURES.items()},
        ),
    )
