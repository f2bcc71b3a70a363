"""The candidate record's labels (its forms' labels), registered for the audit log."""

from __future__ import annotations

from haken.modules.candidates.service import candidates_service
from haken.modules.employees.labels import PERSON_FIELDS
from haken.web.i18n import N_
from haken.web.registry import RecordLabels, registry

CANDIDATE_FIELDS = {
    **PERSON_FIELDS,
    "reception_date": N_("Received on"),
    "arrival_date": N_("Arrived in Japan"),
    "jlpt_level": N_("JLPT level"),
    "japanese_conversation": N_("Spoken Japanese"),
    "commute_method": N_("Commute"),
    "commute_minutes": N_("Commute (minutes)"),
    "emergency_contact": N_("Emergency contact"),
    "experience": N_("Experience"),
    "experience_notes": N_("Notes on experience"),
    "family": N_("Family"),
    "licenses": N_("Licences"),
    "shoe_size_cm": N_("Shoe size (cm)"),
    "uniform_size": N_("Uniform size"),
    "work_history": N_("Work history"),
    "photo": N_("Photo"),
    "bytes": N_("File size (bytes)"),
}


def register_labels() -> None:
    registry.add_record_labels(
        "candidate",
        RecordLabels(
            N_("Candidate"), CANDIDATE_FIELDS, "/candidates/{id}", names=candidates_service.names
        ),
    )
