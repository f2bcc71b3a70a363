"""Catalog errors of the minimum-wage area (MINIMUM_WAGE_…)."""

from __future__ import annotations

from haken.platform.errors import HakenError


class MinimumWageYearShippedError(HakenError):
    code = "MINIMUM_WAGE_YEAR_SHIPPED"
    status_code = 409
    message_en = (
        "The FY{fiscal_year} amounts ship with haken and cannot be entered or removed here."
    )
    message_ja = (
        "{fiscal_year}年度の最低賃金は haken に収録済みのため、ここでは登録・削除できません。"
    )


class MinimumWageYearExistsError(HakenError):
    code = "MINIMUM_WAGE_YEAR_EXISTS"
    status_code = 409
    message_en = "The FY{fiscal_year} amounts have already been entered; remove them first."
    message_ja = "{fiscal_year}年度の最低賃金は登録済みです。先に削除してください。"


class MinimumWageDateOutsideYearError(HakenError):
    code = "MINIMUM_WAGE_DATE_OUTSIDE_YEAR"
    status_code = 422
    message_en = (
        "The effective date of {prefecture} ({date}) is outside FY{fiscal_year} "
        "({first} to {last})."
    )
    message_ja = (
        "{prefecture}の発効日（{date}）が{fiscal_year}年度（{first}〜{last}）の範囲外です。"
    )
