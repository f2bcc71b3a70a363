"""Forms: parse a posted form with the API's Pydantic schema, errors per field, translated.

A page validates with the same schema as the API (no second set of rules);
Pydantic's error types map to catalog messages here, and a service's
:class:`HakenError` maps to a field through the form's ``field_codes``
(e.g. ``AUTH_PASSWORD_TOO_WEAK`` → ``new_password``) or shows above the form.
:class:`FormRejected` carries the re-rendered form out of the route so that
the request's transaction rolls back like any other error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData
from starlette.responses import Response

from haken.platform import context
from haken.platform.errors import HakenError
from haken.web.i18n import N_, gettext_

M = TypeVar("M", bound=BaseModel)

# Pydantic error type → message id (with the placeholders Pydantic's context provides).
_MESSAGES: dict[str, str] = {
    "missing": N_("This field is required."),
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
}
_EMAIL_MESSAGE = N_("Enter a valid e-mail address.")
_FALLBACK = N_("Enter a valid value.")


def field_message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind == "value_error" and "email" in str(error.get("msg", "")).lower():
        return gettext_(_EMAIL_MESSAGE)
    template = _MESSAGES.get(kind, _FALLBACK)
    params = {k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, (int, str))}
    try:
        return gettext_(template, **params) if params else gettext_(template)
    except (KeyError, ValueError):
        return gettext_(_FALLBACK)


@dataclass
class FormState(Generic[M]):
    """The submitted values (to refill the form) and the errors by field name."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    data: M | None = None

    @property
    def ok(self) -> bool:
        return self.data is not None and not self.errors and not self.general

    def add_error(self, error: HakenError, field_codes: Mapping[str, str] | None = None) -> None:
        """A service's error: on its field when mapped, else above the form."""
        message = error.message(context.locale())
        target = (field_codes or {}).get(error.code)
        if target:
            self.errors[target] = message
            return
        self.general.append(message)
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
    update), and a field emptied on purpose goes as ``None`` (the service clears it,
    or refuses when the field may not be empty).
    """
    names = set(model.model_fields) - {"csrf_token"}
    raw = _raw_values(form, names, set(lists))
    payload: dict[str, Any]
    if current is None:
        payload = {k: v for k, v in raw.items() if v not in ("", [])}
    else:
        payload = {
            k: (None if v == "" else v)
            for k, v in raw.items()
            if k not in current
            or isinstance(v, list)
            or model.model_fields[k].is_required()  # the version, always
            or _as_text(current[k]) != v
        }
    if extra:
        payload.update(extra)
    state: FormState[M] = FormState(values=dict(raw))
    try:
        state.data = model.model_validate(payload)
    except ValidationError as error:
        for item in error.errors():
            loc = item.get("loc") or ("",)
            name = str(loc[0])
            state.errors.setdefault(name, field_message(item))
    return state


class FormRejected(Exception):
    """Raised with the re-rendered form: the handler answers with it, the transaction rolls back."""

    def __init__(self, response: Response) -> None:
        super().__init__("form rejected")
        self.response = response
