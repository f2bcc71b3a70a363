"""Catalog errors of the assignments area (CONTRACT_…, ASSIGNMENT_…).

Each refusal of ``haken.labor.residence.check_dispatch_permitted`` has its own code
(``ASSIGNMENT_RESIDENCE_<reason>``, see :data:`RESIDENCE_REFUSALS`): the coordinator needs
to know what to fix (a 指定書, a 資格外活動許可, other work), not only that it failed.
"""

from __future__ import annotations

from haken.labor.residence import DispatchRefusal
from haken.platform.errors import HakenError

# --- contracts --------------------------------------------------------------------------------


class ContractNumberTakenError(HakenError):
    code = "CONTRACT_NUMBER_TAKEN"
    status_code = 409
    fields = ("contract_number",)
    message_en = "Another contract already has this contract number."
    message_ja = "この契約番号の個別契約は既に登録されています。"


class ContractPeriodInvalidError(HakenError):
    code = "CONTRACT_PERIOD_INVALID"
    status_code = 422
    fields = ("period_start", "period_end")
    message_en = "The contract period ends before it starts."
    message_ja = "契約期間の終了日が開始日より前です。"


class ContractUnitArchivedError(HakenError):
    code = "CONTRACT_UNIT_ARCHIVED"
    status_code = 409
    message_en = "The unit, its site or its client is archived: no new contract there."
    message_ja = "組織単位・事業所・派遣先のいずれかがアーカイブ済みのため契約できません。"


class ContractUnitNotFoundError(HakenError):
    code = "CONTRACT_UNIT_NOT_FOUND"
    status_code = 422
    message_en = "The organisational unit does not exist."
    message_ja = "指定された組織単位が存在しません。"


class ContractNotActiveError(HakenError):
    code = "CONTRACT_NOT_ACTIVE"
    status_code = 409
    message_en = "Workers can only be assigned under an active, unarchived contract."
    message_ja = "有効な（アーカイブされていない）個別契約にのみ配置できます。"


class ContractPeriodExcludesAssignmentsError(HakenError):
    code = "CONTRACT_PERIOD_EXCLUDES_ASSIGNMENTS"
    status_code = 409
    message_en = "The new period would leave assignments of this contract outside it."
    message_ja = "変更後の契約期間から外れる配置があります。"


# --- assignments --------------------------------------------------------------------------------


class AssignmentPeriodInvalidError(HakenError):
    code = "ASSIGNMENT_PERIOD_INVALID"
    status_code = 422
    fields = ("start_date", "end_date")
    message_en = "The assignment ends before it starts."
    message_ja = "配置の終了日が開始日より前です。"


class AssignmentOutsideContractError(HakenError):
    code = "ASSIGNMENT_OUTSIDE_CONTRACT"
    status_code = 422
    message_en = "The assignment period must lie within the contract period ({start} to {end})."
    message_ja = "配置期間は個別契約の期間（{start}〜{end}）内でなければなりません。"


class AssignmentEmployeeNotFoundError(HakenError):
    code = "ASSIGNMENT_EMPLOYEE_NOT_FOUND"
    status_code = 422
    message_en = "The employee does not exist."
    message_ja = "指定された社員が存在しません。"


class AssignmentEmployeeNotActiveError(HakenError):
    code = "ASSIGNMENT_EMPLOYEE_NOT_ACTIVE"
    status_code = 409
    message_en = "Only an active employee can be assigned."
    message_ja = "在籍中の社員のみ配置できます。"


class AssignmentNotDispatchWorkerError(HakenError):
    code = "ASSIGNMENT_NOT_DISPATCH_WORKER"
    status_code = 409
    message_en = "Only an employee employed for dispatch (派遣) can be assigned to a client."
    message_ja = "派遣社員として雇用されている社員のみ派遣先に配置できます。"


class AssignmentOverlapError(HakenError):
    code = "ASSIGNMENT_OVERLAP"
    status_code = 409
    message_en = "The employee already has an assignment in this period."
    message_ja = "この社員にはこの期間に既に別の配置があります。"


class AssignmentBelowMinimumWageError(HakenError):
    """最低賃金法4条・13条: the minimum wage of the client site's prefecture, in force on the
    day the rate takes effect."""

    code = "ASSIGNMENT_BELOW_MINIMUM_WAGE"
    status_code = 422
    message_en = (
        "The hourly pay of {pay} yen is below the minimum wage of {prefecture}, where the "
        "client's site is: {amount} yen an hour, in force since {effective_en}."
    )
    message_ja = (
        "時給{pay}円は派遣先事業所の所在地（{prefecture}）の地域別最低賃金"
        "{amount}円（{effective_ja}から適用）を下回っています。"
    )


class AssignmentSitePrefectureUnknownError(HakenError):
    code = "ASSIGNMENT_SITE_PREFECTURE_UNKNOWN"
    status_code = 422
    message_en = (
        "The client's site has no prefecture, so its minimum wage is unknown; "
        "record the site's address first."
    )
    message_ja = (
        "派遣先事業所の都道府県が未登録のため最低賃金を確認できません。"
        "先に事業所の所在地を登録してください。"
    )


class AssignmentNegativeMarginError(HakenError):
    code = "ASSIGNMENT_NEGATIVE_MARGIN"
    status_code = 422
    fields = ("hourly_pay", "hourly_bill")
    override = "allow_negative_margin"
    reason_required = True
    message_en = (
        "The hourly pay is above the bill rate: the agency would lose money on every hour. "
        "If this is intended, confirm it and give the reason."
    )
    message_ja = (
        "時給が請求単価を上回っています（1時間ごとに赤字になります）。"
        "意図的な場合は、確認のうえ理由を入力してください。"
    )
    override_en = "Save anyway: the pay above the bill rate is intended."
    override_ja = "時給が請求単価を上回ることを承知のうえで保存する。"


class AssignmentPremiumBelowMinimumError(HakenError):
    code = "ASSIGNMENT_PREMIUM_BELOW_MINIMUM"
    status_code = 422
    message_en = "The {premium} pay premium is below the statutory minimum of {minimum}%."
    message_ja = "{premium}の割増率が法定の最低{minimum}%を下回っています。"


class AssignmentConflictDateReachedError(HakenError):
    code = "ASSIGNMENT_CONFLICT_DATE_REACHED"
    status_code = 409
    message_en = "The {kind} dispatch limit (抵触日 {date}) is reached by the start date."
    message_ja = "開始日の時点で{kind_ja}の抵触日（{date}）に達しています。"


class AssignmentBeyondIndividualLimitError(HakenError):
    code = "ASSIGNMENT_BEYOND_INDIVIDUAL_LIMIT"
    status_code = 409
    message_en = (
        "The assignment runs into the individual 抵触日 {date}, which can never be extended; "
        "end it on {last_day} at the latest."
    )
    message_ja = (
        "個人単位の抵触日（{date}）は延長できません。終了日は{last_day}以前にしてください。"
    )


class AssignmentStayExpiredError(HakenError):
    code = "ASSIGNMENT_STAY_EXPIRED"
    status_code = 409
    message_en = "The worker's period of stay allows work only until {until}."
    message_ja = "在留期間により就労できるのは{until}までです。"


class AssignmentNotEditableError(HakenError):
    code = "ASSIGNMENT_NOT_EDITABLE"
    status_code = 409
    message_en = "A cancelled assignment cannot be changed."
    message_ja = "取消済みの配置は変更できません。"


class AssignmentEndDateInvalidError(HakenError):
    code = "ASSIGNMENT_END_DATE_INVALID"
    status_code = 422
    fields = ("end_date",)
    message_en = "The end date must lie between the start date and the planned end date."
    message_ja = "終了日は開始日から予定終了日までの間で指定してください。"


class AssignmentRateDateInvalidError(HakenError):
    code = "ASSIGNMENT_RATE_DATE_INVALID"
    status_code = 422
    fields = ("effective_from",)
    message_en = "A rate must take effect within the assignment period."
    message_ja = "単価の適用開始日は配置期間内にしてください。"


class AssignmentRateExistsError(HakenError):
    code = "ASSIGNMENT_RATE_EXISTS"
    status_code = 409
    fields = ("effective_from",)
    message_en = "A rate already takes effect on this date."
    message_ja = "この日から適用される単価は既に登録されています。"


class AssignmentWeeklyHoursOverLimitError(HakenError):
    """入管法19条2項, 施行規則19条5項: under a 資格外活動許可 (留学, 家族滞在 …) the worker may
    work at most 28 hours a week (or the individual permit's hours), all employers together.
    A contract scheduling more than that alone is a certain violation (docs/architecture.md,
    "Foreign workers")."""

    code = "ASSIGNMENT_WEEKLY_HOURS_OVER_LIMIT"
    status_code = 422
    fields = ("contract_id",)
    message_en = (
        "The contract schedules {hours} hours a week, more than the {limit} hours a week the "
        "worker's permission to work outside their status (資格外活動許可) allows."
    )
    message_ja = (
        "この個別契約の所定労働時間は週{hours}時間で、資格外活動許可の上限"
        "（週{limit}時間）を超えています。"
    )


# --- residence status (one code per DispatchRefusal) ----------------------------------------


class AssignmentResidenceError(HakenError):
    """Base of the residence refusals; ``details`` carries the status and the reason."""


class ResidenceTechnicalInternError(AssignmentResidenceError):
    code = "ASSIGNMENT_RESIDENCE_TECHNICAL_INTERN_NOT_DISPATCHABLE"
    status_code = 409
    message_en = "A technical intern (技能実習) can never be dispatched."
    message_ja = "技能実習の在留資格では派遣できません。"


class ResidenceSkillDevelopmentError(AssignmentResidenceError):
    code = "ASSIGNMENT_RESIDENCE_SKILL_DEVELOPMENT_NOT_DISPATCH_TYPE"
    status_code = 409
    fields = ("supervised_dispatch_type",)
    message_en = "育成就労 may be dispatched only under the dispatch-type plan (派遣等監理型)."
    message_ja = "育成就労は労働者派遣等監理型の計画でなければ派遣できません。"


class ResidenceFieldRequiredError(AssignmentResidenceError):
    code = "ASSIGNMENT_RESIDENCE_SPECIFIED_SKILLED_FIELD_REQUIRED"
    status_code = 422
    fields = ("specified_skilled_field",)
    message_en = "State the 特定技能 field written on the worker's 指定書."
    message_ja = "指定書に記載された特定技能の分野を指定してください。"


class ResidenceFieldNotDispatchableError(AssignmentResidenceError):
    code = "ASSIGNMENT_RESIDENCE_SPECIFIED_SKILLED_FIELD_NOT_DISPATCHABLE"
    status_code = 409
    fields = ("specified_skilled_field",)
    message_en = "特定技能 may be dispatched only in agriculture (農業) or fishery (漁業)."
    message_ja = "特定技能で派遣できるのは農業・漁業分野のみです。"


class ResidenceAgencyNotQualifiedError(AssignmentResidenceError):
    code = "ASSIGNMENT_RESIDENCE_SPECIFIED_SKILLED_AGENCY_NOT_QUALIFIED"
    status_code = 409
    fields = ("agency_qualified_for_field",)
    message_en = "The agency does not meet the conditions to dispatch 特定技能 in this field."
    message_ja = "当社はこの分野で特定技能外国人を派遣する要件を満たしていません。"


class ResidenceWorkOutsideStatusError(AssignmentResidenceError):
    code = "ASSIGNMENT_RESIDENCE_WORK_OUTSIDE_STATUS"
    status_code = 409
    fields = ("work_matches_status",)
    message_en = "The work at the client does not match the worker's residence status."
    message_ja = "派遣先での業務が在留資格の活動内容に該当しません。"


class ResidenceDesignationError(AssignmentResidenceError):
    code = "ASSIGNMENT_RESIDENCE_DESIGNATED_ACTIVITY_NOT_PERMITTED"
    status_code = 409
    fields = ("designation_permits_work",)
    message_en = "The 指定書 of this 特定活動 does not permit this work."
    message_ja = "特定活動の指定書でこの業務は認められていません。"


class ResidenceExtraActivityRequiredError(AssignmentResidenceError):
    code = "ASSIGNMENT_RESIDENCE_EXTRA_ACTIVITY_PERMISSION_REQUIRED"
    status_code = 409
    message_en = (
        "This status allows work only with a permission to work outside it (資格外活動許可)."
    )
    message_ja = "この在留資格では資格外活動許可がなければ就労できません。"


class ResidenceNotEnrolledError(AssignmentResidenceError):
    code = "ASSIGNMENT_RESIDENCE_STUDENT_NOT_ENROLLED"
    status_code = 409
    fields = ("student_enrolled",)
    message_en = "A student's permission to work ends when they leave school."
    message_ja = "留学生の資格外活動許可は在籍中に限られます。"


class ResidenceAdultEntertainmentError(AssignmentResidenceError):
    code = "ASSIGNMENT_RESIDENCE_ADULT_ENTERTAINMENT_PROHIBITED"
    status_code = 409
    fields = ("adult_entertainment",)
    message_en = "Work at adult-entertainment premises is never allowed under a 資格外活動許可."
    message_ja = "資格外活動許可で風俗営業等に従事することはできません。"


class ResidenceNotDispatchableError(AssignmentResidenceError):
    code = "ASSIGNMENT_RESIDENCE_STATUS_NOT_DISPATCHABLE"
    status_code = 409
    message_en = "Workers with this residence status cannot be dispatched."
    message_ja = "この在留資格では派遣できません。"


RESIDENCE_REFUSALS: dict[DispatchRefusal, type[AssignmentResidenceError]] = {
    DispatchRefusal.TECHNICAL_INTERN_NOT_DISPATCHABLE: ResidenceTechnicalInternError,
    DispatchRefusal.SKILL_DEVELOPMENT_NOT_DISPATCH_TYPE: ResidenceSkillDevelopmentError,
    DispatchRefusal.SPECIFIED_SKILLED_FIELD_REQUIRED: ResidenceFieldRequiredError,
    DispatchRefusal.SPECIFIED_SKILLED_FIELD_NOT_DISPATCHABLE: ResidenceFieldNotDispatchableError,
    DispatchRefusal.SPECIFIED_SKILLED_AGENCY_NOT_QUALIFIED: ResidenceAgencyNotQualifiedError,
    DispatchRefusal.WORK_OUTSIDE_STATUS: ResidenceWorkOutsideStatusError,
    DispatchRefusal.DESIGNATED_ACTIVITY_NOT_PERMITTED: ResidenceDesignationError,
    DispatchRefusal.EXTRA_ACTIVITY_PERMISSION_REQUIRED: ResidenceExtraActivityRequiredError,
    DispatchRefusal.STUDENT_NOT_ENROLLED: ResidenceNotEnrolledError,
    DispatchRefusal.ADULT_ENTERTAINMENT_PROHIBITED: ResidenceAdultEntertainmentError,
    DispatchRefusal.STATUS_NOT_DISPATCHABLE: ResidenceNotDispatchableError,
}
"""Every DispatchRefusal has exactly one catalog error (a unit test checks completeness)."""


class PriorPeriodInvalidError(HakenError):
    code = "ASSIGNMENT_PRIOR_PERIOD_INVALID"
    status_code = 422
    fields = ("start_date", "end_date")
    message_en = "The period through the other agency ends before it starts."
    message_ja = "他の派遣元を通じた期間の終了日が開始日より前です。"
