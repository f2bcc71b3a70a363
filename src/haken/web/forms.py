"""Forms: parse a posted form with the API's Pydantic schema, errors per field, translated.

A page validates with the same schema as the API (no second set of rules);
Pydantic's error types map to catalog messages here, and a service's
:class:`HakenError` maps to a field through the form's ``field_codes``
(e.g. ``AUTH_PASSWORD_TOO_WEAK`` → ``new_password``) or shows above the form.
:class:`FormRejected` carries the re-rendered form out of the route so that
the request's transaction rolls back like any other error.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData
from starlette.responses import Response

from haken.platform import context
from haken.platform.editing import NULL_NOT_ALLOWED, refuses_null
from haken.platform.errors import HakenError
from haken.platform.idempotency import FORM_FIELD as SUBMISSION_FIELD
from haken.platform.schemas import INVALID_CHARACTER, InputModel
from haken.web.i18n import N_, gettext_

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

# Pydantic error type → message id (with the placeholders Pydantic's context provides).
_REQUIRED = N_("This field is required.")
_MESSAGES: dict[str, str] = {
    "missing": _REQUIRED,
    NULL_NOT_ALLOWED: _REQUIRED,
    "string_too_short": N_("Enter at least %(min_length)s characters."),
    "string_too_long": N_("Enter at most %(max_length)s characters."),
    "value_error": N_("Enter a valid value."),
    "int_parsing": N_("Enter a whole number."),
    "decimal_parsing": N_("Enter a number."),
    "float_parsing": N_("Enter a number."),
    "greater_than_equal": N_("Enter a value of at least %(ge)s."),
    "greater_than": N_("Enter a value greater than %(gt)s."),
    "less_than_equal": N_("Enter a value of at most %(le)s."),
    "less_than": N_("Enter a value less than %(lt)s."),
    "date_from_datetime_parsing": N_("Enter a date (YYYY-MM-DD)."),
    "date_parsing": N_("Enter a date (YYYY-MM-DD)."),
    "datetime_parsing": N_("Enter a date and time."),
    "literal_error": N_("Choose one of the offered values."),
    "enum": N_("Choose one of the offered values."),
    "bool_parsing": N_("Choose yes or no."),
    "string_pattern_mismatch": N_("Enter a value in the expected format."),
    INVALID_CHARACTER: N_("Remove the character that is not allowed (%(character)s)."),
    # What a field expects (platform.types.expecting / expectation): the error type names it.
    "katakana": N_("Enter the name in full-width katakana (hiragana is accepted too)."),
    "romaji": N_("Enter the name in Latin letters, as in the passport."),
    "holder_kana": N_("Enter the holder as the bank has it: full-width katakana and capitals."),
    "postal_code": N_("Enter the postal code as 7 digits (e.g. 100-0001)."),
    "phone": N_("Enter a phone number: digits, with - ( ) + allowed (e.g. 090-1234-5678)."),
    "country": N_("Choose a country from the list."),
    "prefecture": N_("Choose a prefecture from the list."),
    "residence_card_number": N_(
        "Enter the residence card number: 2 letters, 8 digits, 2 letters (e.g. AB12345678CD)."
    ),
    "my_number": N_("Enter the 12 digits of the My Number (個人番号) as on the card."),
    "digits": N_("Enter %(count)s digits."),
    "digits_up_to": N_("Enter up to %(count)s digits."),
    "year_month": N_("Enter a year and month (YYYY-MM)."),
}
OVERRIDE_REASON_FIELD = "override_reason"
_EMAIL_MESSAGE = N_("Enter a valid e-mail address.")
_FALLBACK = N_("Enter a valid value.")


def field_message(error: Mapping[str, Any]) -> str:
    """A Pydantic error (``type``) or a catalog error's field detail (``code``), translated."""
    kind = str(error.get("type", error.get("code", "")))
    if kind == "value_error" and "email" in str(error.get("msg", "")).lower():
        return gettext_(_EMAIL_MESSAGE)
    template = _MESSAGES.get(kind, _FALLBACK)
    params = {k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, (int, str))}
    try:
        return gettext_(template, **params) if params else gettext_(template)
    except (KeyError, ValueError):
        return gettext_(_FALLBACK)


@dataclass(frozen=True)
class OverrideOffer:
    """An overridable refusal on the form: the tick box (``name``) and its reason field."""

    name: str
    label: str
    reason_required: bool
    reason_field: str = OVERRIDE_REASON_FIELD
    link: str | None = None  # the record the warning is about (a likely duplicate), if any


def new_submission_token() -> str:
    """A create form's one-time token (``platform.idempotency``): a resubmit replays."""
    return secrets.token_urlsafe(18)


@dataclass
class FormState(Generic[M]):
    """The submitted values (to refill the form) and the errors by field name.

    ``marked`` are fields a form-wide error concerns (a range: both ends): they are
    flagged invalid and point at the message above the form. ``override`` offers the
    tick box and reason of an overridable refusal (``HakenError.override``).
    """

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    data: M | None = None
    marked: list[str] = field(default_factory=list)  # in the order the error names them
    override: OverrideOffer | None = None

    @property
    def ok(self) -> bool:
        return self.data is not None and not self.errors and not self.general

    @property
    def token(self) -> str:
        """The submission token to render: the posted one (a refused form keeps it), or new."""
        posted = self.values.get(SUBMISSION_FIELD)
        if not isinstance(posted, str) or not posted:
            posted = self.values[SUBMISSION_FIELD] = new_submission_token()
        return posted

    @property
    def first_invalid(self) -> str | None:
        """The first field in error or marked (the summary links to it)."""
        for name in (*self.errors, *self.marked):
            return name
        return None

    def _form_field(self, name: str) -> str | None:
        """``name`` as this form calls it (``rate.hourly_pay`` is ``hourly_pay`` on a page)."""
        if name in self.values or (name == OVERRIDE_REASON_FIELD and self.override is not None):
            return name
        last = name.rsplit(".", 1)[-1]
        return last if last in self.values else None

    def add_error(self, error: HakenError, field_codes: Mapping[str, str] | None = None) -> None:
        """A service's error, on the field it names (``HakenError.fields``), else above the form.

        ``field_codes`` (code → field) is the old per-page map, still honoured. An error naming
        several fields (a date range) or offering an override shows above the form and marks
        its fields.
        """
        overridden = getattr(error, "overridden", None)
        if isinstance(overridden, HakenError):
            self.add_error(overridden)  # the warning and its tick box stay on the form
        locale = context.locale()
        message = error.message(locale)
        if error.override is not None:
            self.override = OverrideOffer(
                name=error.override,
                label=error.override_label(locale),
                reason_required=error.reason_required,
            )
        target = (field_codes or {}).get(error.code)
        if target:
            self.errors[target] = message
            return
        named = [n for n in (self._form_field(f) for f in error.fields) if n is not None]
        if len(named) == 1 and error.override is None:
            self.errors[named[0]] = message
            return
        self.general.append(message)
        self.marked.extend(n for n in named if n not in self.marked)
        # A validation error naming fields of this form marks those fields too.
        if isinstance(error.details, list):
            for detail in error.details:
                if isinstance(detail, Mapping):
                    name = str(detail.get("loc", "")).split(".")[0]
                    if name in self.values:
                        self.errors.setdefault(name, field_message(detail))


def _raw_values(form: FormData, names: set[str], lists: set[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in names:
        if name in lists:
            values[name] = [v for v in form.getlist(name) if isinstance(v, str) and v != ""]
            continue
        value = form.get(name)
        if isinstance(value, str):
            values[name] = value if "password" in name else value.strip()
    return values


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "value"):  # an enum
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _require_input_model(model: type[BaseModel]) -> None:
    """Pages validate with request schemas only: those normalise text (platform.schemas)."""
    if not issubclass(model, InputModel):
        raise TypeError(f"{model.__name__} must inherit haken.platform.schemas.InputModel")


def parse_form(
    model: type[M],
    form: FormData,
    *,
    lists: set[str] | frozenset[str] = frozenset(),
    current: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> FormState[M]:
    """Validate ``form`` with ``model``.

    A create form (no ``current``) leaves empty fields out, so the model's defaults
    apply and required ones report "required". An edit form passes the record's
    ``current`` values: only the fields the user changed go to the model (a partial
    update). A field emptied on purpose clears a nullable column (sent as ``None``);
    for a field the schema marks ``NotNull`` it is sent as ``""``, which clears an
    optional text and is refused by a required one ("This field is required." on the
    field, nothing written).
    """
    _require_input_model(model)
    fields = model.model_fields
    names = set(fields) - {"csrf_token"}
    raw = _raw_values(form, names, set(lists))
    payload: dict[str, Any]
    emptied: set[str] = set()
    if current is None:
        payload = {k: v for k, v in raw.items() if v not in ("", [])}
    else:
        payload = {
            k: v
            for k, v in raw.items()
            if k not in current
            or isinstance(v, list)
            or fields[k].is_required()  # the version, always
            or _as_text(current[k]) != v
        }
        emptied = {k for k, v in payload.items() if v == ""}
        for k in emptied:
            payload[k] = "" if refuses_null(fields[k]) else None
    if extra:
        payload.update(extra)
        emptied -= set(extra)
    state: FormState[M] = FormState(values=dict(raw))
    token = form.get(SUBMISSION_FIELD)
    if isinstance(token, str) and token:
        state.values[SUBMISSION_FIELD] = token
    try:
        state.data = model.model_validate(payload)
    except ValidationError as error:
        for item in error.errors():
            loc = item.get("loc") or ("",)
            name = str(loc[0])
            message = gettext_(_REQUIRED) if name in emptied else field_message(item)
            state.errors.setdefault(name, message)
    return state


_ROW_INPUT = re.compile(r"^(?P<list>[a-z_]+)-(?P<index>\d{1,3})-(?P<field>[a-z_]+)$")


def row_numbers(form: FormData, list_field: str) -> list[int]:
    """The rows a form posted for ``list_field`` (inputs named ``<list_field>-<n>-<field>``)."""
    found = set()
    for key in form:
        match = _ROW_INPUT.match(key)
        if match and match["list"] == list_field:
            found.add(int(match["index"]))
    return sorted(found)


def parse_rows(
    model: type[M],
    form: FormData,
    list_field: str,
    row_model: type[BaseModel],
    *,
    checkboxes: frozenset[str] = frozenset(),
    remove_field: str = "remove",
) -> tuple[FormState[M], list[int]]:
    """Validate a form that edits a whole list (the API's replace-the-list bodies) with ``model``.

    Each posted row (inputs ``<list_field>-<n>-<field>``) is one item of ``list_field``; a
    row whose ``remove`` box is ticked is left out, and so is a row left blank (the empty
    row a form offers for adding one). Unticked checkboxes post nothing: the fields named in
    ``checkboxes`` are read as true/false. An error lands on its row's input
    (``dependants-2-birth_date``), one about the list itself on ``list_field``. Returns the
    state (values keyed by input name) and the row numbers posted, to show the rows again.
    """
    _require_input_model(model)
    scalars = set(model.model_fields) - {list_field, "csrf_token"}
    raw = _raw_values(form, scalars, set())
    payload: dict[str, Any] = {k: v for k, v in raw.items() if v != ""}
    values: dict[str, Any] = dict(raw)
    rows: list[dict[str, Any]] = []
    kept: list[int] = []
    numbers = row_numbers(form, list_field)
    for number in numbers:
        prefix = f"{list_field}-{number}-"
        row: dict[str, Any] = {}
        blank = True
        for name, info in row_model.model_fields.items():
            value = form.get(prefix + name)
            text = value.strip() if isinstance(value, str) else ""
            values[prefix + name] = text
            if name in checkboxes:
                row[name] = text != ""
                continue
            default = "" if info.is_required() else _as_text(info.default)
            if text not in ("", default):
                blank = False
            if text != "":
                row[name] = text
        removed = form.get(prefix + remove_field) not in (None, "")
        values[prefix + remove_field] = "on" if removed else ""
        if removed or blank:
            continue
        rows.append(row)
        kept.append(number)
    payload[list_field] = rows
    state: FormState[M] = FormState(values=values)
    try:
        state.data = model.model_validate(payload)
    except ValidationError as error:
        for item in error.errors():
            loc = item.get("loc") or ("",)
            name = str(loc[0])
            if name == list_field and len(loc) >= 2 and isinstance(loc[1], int):
                name = f"{list_field}-{kept[loc[1]]}"
                if len(loc) >= 3:
                    name += f"-{loc[2]}"
            state.errors.setdefault(name, field_message(item))
    return state, numbers


async def save_form(
    state: FormState[M],
    save: Callable[[M], Awaitable[T]],
    *,
    field_codes: Mapping[str, str] | None = None,
) -> T | None:
    """Run a page form's write with its parsed data, the one way every page does it.

    Nothing runs when the form already has errors. A service refusal goes onto the
    form (on its field when ``field_codes`` maps its code, else above the form) and
    ``None`` is returned: the caller then raises :class:`FormRejected` with the form
    re-rendered. A 404 is not the form's business: it propagates to the error page.
    """
    if not state.ok:
        return None
    assert state.data is not None
    try:
        return await save(state.data)
    except HakenError as error:
        if error.status_code == 404:
            raise
        state.add_error(error, field_codes)
        return None


class FormRejected(Exception):
    """Raised with the re-rendered form: the handler answers with it, the transaction rolls back."""

    def __init__(self, response: Response) -> None:
        super().__init__("form rejected")
        self.response = response


async def save_or_reject(
    state: FormState[M],
    save: Callable[[M], Awaitable[T]],
    rejected: Callable[[], Awaitable[Response]],
    *,
    field_codes: Mapping[str, str] | None = None,
) -> T:
    """:func:`save_form`, then the page action's other half: when the form was refused,
    raise :class:`FormRejected` with ``rejected()`` (the page re-rendered with ``state``,
    422 or 409). ``saved = await save_or_reject(state, lambda data: service.x(...),
    lambda: _page(request, ..., state, status_code=422))``; then flash and redirect."""
    saved = await save_form(state, save, field_codes=field_codes)
    if saved is None:
        raise FormRejected(await rejected())
    return saved
