"""Translated labels of the person and employment enumerations, for the pages.

Candidates share the person fields (as they share ``PersonFields``), so their
pages use these labels too. Message ids are marked with ``N_`` and translated
when shown (``gettext_``), in the request's locale.
"""

from __future__ import annotations

from enum import StrEnum

from haken.labor.residence import ExtraActivityPermission, ResidenceStatus
from haken.modules.employees.schemas import (
    BankAccountType,
    Disability,
    EmployeeStatus,
    EmploymentType,
    Gender,
    Relationship,
    RevealField,
    TermType,
)
from haken.modules.employees.service import employees_service
from haken.platform import context
from haken.platform.jptext import PREFECTURES
from haken.web.i18n import N_, gettext_
from haken.web.registry import RecordLabels, enum_labeller, registry

GENDER = {
    Gender.MALE: N_("Male"),
    Gender.FEMALE: N_("Female"),
    Gender.UNSPECIFIED: N_("Not specified"),
}
EMPLOYMENT_TYPE = {
    EmploymentType.DISPATCH: N_("Dispatched worker"),
    EmploymentType.CONTRACT: N_("Contract work (請負)"),
    EmploymentType.STAFF: N_("In-house staff"),
}
TERM_TYPE = {TermType.FIXED: N_("Fixed-term"), TermType.INDEFINITE: N_("Indefinite")}
EMPLOYEE_STATUS = {
    EmployeeStatus.ACTIVE: N_("Employed"),
    EmployeeStatus.ON_LEAVE: N_("On leave"),
    EmployeeStatus.LEFT: N_("Left"),
}
EXTRA_ACTIVITY = {
    ExtraActivityPermission.NONE: N_("No permission"),
    ExtraActivityPermission.BLANKET: N_("Blanket permission (28 h a week)"),
    ExtraActivityPermission.INDIVIDUAL: N_("Individual permission"),
}
BANK_ACCOUNT_TYPE = {
    BankAccountType.ORDINARY: N_("Ordinary (普通)"),
    BankAccountType.CURRENT: N_("Current (当座)"),
    BankAccountType.SAVINGS: N_("Savings (貯蓄)"),
}
RELATIONSHIP = {
    Relationship.SPOUSE: N_("Spouse"),
    Relationship.CHILD: N_("Child"),
    Relationship.PARENT: N_("Parent"),
    Relationship.GRANDPARENT: N_("Grandparent"),
    Relationship.SIBLING: N_("Brother or sister"),
    Relationship.OTHER: N_("Other relative"),
}
DISABILITY = {
    Disability.NONE: N_("None"),
    Disability.GENERAL: N_("Disabled (一般の障害者)"),
    Disability.SPECIAL: N_("Severely disabled (特別障害者)"),
}
REVEAL_FIELD = {
    RevealField.MY_NUMBER: N_("My Number"),
    RevealField.RESIDENCE_CARD_NUMBER: N_("Residence card number"),
    RevealField.BANK_ACCOUNT_NUMBER: N_("Bank account number"),
}


def options(labels: dict[StrEnum, str]) -> list[tuple[str, str]]:
    return [(member.value, gettext_(label)) for member, label in labels.items()]


def residence_label(status: ResidenceStatus | str | None) -> str:
    """The legal Japanese name in Japanese; the English name of the status otherwise."""
    if status is None or status == "":
        return ""
    member = ResidenceStatus(status)
    if context.locale() == "ja":
        return member.ja
    return member.value.replace("_", " ").title()


def residence_options() -> list[tuple[str, str]]:
    return [(s.value, residence_label(s)) for s in ResidenceStatus]


def prefecture_options() -> list[tuple[str, str]]:
    return [(code, f"{code} {name}") for code, name in PREFECTURES.items()]


def labels_for_templates() -> dict[str, object]:
    """Everything a person/employment template needs to show codes as words."""
    return {
        "gender_labels": {k.value: gettext_(v) for k, v in GENDER.items()},
        "employment_labels": {k.value: gettext_(v) for k, v in EMPLOYMENT_TYPE.items()},
        "term_labels": {k.value: gettext_(v) for k, v in TERM_TYPE.items()},
        "status_labels": {k.value: gettext_(v) for k, v in EMPLOYEE_STATUS.items()},
        "extra_labels": {k.value: gettext_(v) for k, v in EXTRA_ACTIVITY.items()},
        "bank_type_labels": {k.value: gettext_(v) for k, v in BANK_ACCOUNT_TYPE.items()},
        "relationship_labels": {k.value: gettext_(v) for k, v in RELATIONSHIP.items()},
        "disability_labels": {k.value: gettext_(v) for k, v in DISABILITY.items()},
        "residence_label": residence_label,
        "prefectures": PREFECTURES,
        "gender_options": options(GENDER),  # type: ignore[arg-type]
        "employment_options": options(EMPLOYMENT_TYPE),  # type: ignore[arg-type]
        "term_options": options(TERM_TYPE),  # type: ignore[arg-type]
        "status_options": options(EMPLOYEE_STATUS),  # type: ignore[arg-type]
        "extra_options": options(EXTRA_ACTIVITY),  # type: ignore[arg-type]
        "bank_type_options": options(BANK_ACCOUNT_TYPE),  # type: ignore[arg-type]
        "relationship_options": options(RELATIONSHIP),  # type: ignore[arg-type]
        "disability_options": options(DISABILITY),  # type: ignore[arg-type]
        "residence_options": residence_options(),
        "prefecture_options": prefecture_options(),
    }


# --- field labels: the form's labels, also shown by the audit log --------------------------------

# The person fields candidates share (``PersonFields``); the labels of _person_fields.html.
PERSON_FIELDS = {
    "name_kanji": N_("Name in kanji"),
    "name_kana": N_("Name in kana"),
    "name_romaji": N_("Name in Latin letters"),
    "birth_date": N_("Birth date"),
    "gender": N_("Gender"),
    "nationality": N_("Nationality"),
    "residence_status": N_("Residence status"),
    "residence_card_number": N_("Residence card number"),
    "residence_card_expiry": N_("Period of stay ends"),
    "extra_activity_permission": N_("Permission for activities outside the status"),
    "extra_activity_weekly_hours": N_("Weekly hours permitted"),
    "long_vacations": N_("School long vacations"),
}
EMPLOYEE_FIELDS = {
    **PERSON_FIELDS,
    "employee_number": N_("Employee number"),
    "client_worker_id": N_("ID at the client"),
    "employment_type": N_("Employment type"),
    "term_type": N_("Term"),
    "hire_date": N_("Hire date"),
    "leave_date": N_("Leave date"),
    "leave_reason": N_("Reason for leaving"),
    "my_number": N_("My Number"),
    "bank_code": N_("Bank code"),
    "bank_branch_code": N_("Branch code"),
    "bank_account_type": N_("Account type"),
    "bank_account_number": N_("Account number"),
    "bank_account_holder_kana": N_("Account holder (katakana)"),
    "candidate_id": N_("Application record"),
    "contract_periods": N_("Employment contracts"),
    "dependants": N_("Dependants"),
    "conversion_exempt": N_("Exempt from conversion to an indefinite contract"),
    "current_client_id": N_("Current client"),
    "current_site_id": N_("Current site"),
    "withholding_column": N_("Withholding tax column"),
}


def _residence(code: str) -> str | None:
    try:
        return residence_label(code)
    except ValueError:
        return None


# Codes in the snapshots shown with the form's labels (the person fields candidates share too).
PERSON_VALUES = {
    "gender": enum_labeller(GENDER),
    "residence_status": _residence,
    "extra_activity_permission": enum_labeller(EXTRA_ACTIVITY),
}
EMPLOYEE_VALUES = {
    **PERSON_VALUES,
    "employment_type": enum_labeller(EMPLOYMENT_TYPE),
    "term_type": enum_labeller(TERM_TYPE),
    "status": enum_labeller(EMPLOYEE_STATUS),
    "bank_account_type": enum_labeller(BANK_ACCOUNT_TYPE),
}


def register_labels() -> None:
    """The employee record's labels for the audit log (web registry)."""
    registry.add_record_labels(
        "employee",
        RecordLabels(
            N_("Employee"),
            EMPLOYEE_FIELDS,
            "/employees/{id}",
            values=EMPLOYEE_VALUES,
            names=employees_service.names,
        ),
    )
    registry.add_record_labels("field_keys", RecordLabels(N_("Field encryption keys")))
