"""The inbox's sentences per kind, ja and en, filled from the notification's ``params``.

Kept beside the kinds (as the error catalog keeps its messages) so a mail written by a job,
outside any request's language, uses the recipient's own locale.
"""

from __future__ import annotations

from typing import Any

TITLES: dict[str, dict[str, str]] = {
    "request_submitted": {
        "ja": "{employee}さんから申請があります（{type}）",
        "en": "New request from {employee} ({type})",
    },
    "request_awaiting": {
        "ja": "{employee}さんの申請（{type}）が管理者の承認待ちです",
        "en": "{employee}'s request ({type}) awaits an administrator's approval",
    },
    "request_approved": {
        "ja": "申請（{type}）が承認されました",
        "en": "Your request ({type}) was approved",
    },
    "request_rejected": {
        "ja": "申請（{type}）が却下されました",
        "en": "Your request ({type}) was rejected",
    },
    "request_withdrawn": {
        "ja": "{employee}さんが承認済みの申請（{type}）を取り下げました",
        "en": "{employee} withdrew an approved request ({type})",
    },
    "leave_duty_alert": {
        "ja": "{employee}さん: 年5日の年休取得義務の期限は{deadline}です"
        "（あと{missing}日の取得・時季指定が必要）",
        "en": "{employee}: {missing} more days of paid leave must be taken or designated by "
        "{deadline} (the 5-day duty)",
    },
    "leave_duty_at_risk": {
        "ja": "年5日の年休取得義務の期限（{deadline}）が近づいています（あと{missing}日）",
        "en": "The 5-day paid leave duty is due on {deadline} ({missing} days to go)",
    },
    # The daily alerts (haken.modules.dashboard: dashboard.daily_alerts).
    "residence_card_expiry": {
        "ja": "{employee}さんの在留期間（就労できる期限）が{until}に終わります（あと{days}日）",
        "en": "{employee}'s permission to work ends on {until} ({days} days left)",
    },
    "site_conflict_date": {
        "ja": "{site}の事業所単位の抵触日は{date}です"
        "（過半数労働組合等への意見聴取の期限: {hearing}）",
        "en": "The site conflict date of {site} is {date} (hear the majority union or "
        "representative by {hearing})",
    },
    "individual_conflict_date": {
        "ja": "{employee}さんの個人単位の抵触日は{date}です（{unit}）",
        "en": "{employee}'s individual conflict date in {unit} is {date}",
    },
    "overtime_threshold": {
        "ja": "{employee}さんの今期の時間外労働が{hours}時間に達しました"
        "（36協定の月45時間の80%以上）",
        "en": "{employee} has {hours} hours of overtime this period (80% or more of the 36 "
        "agreement's 45 hours a month)",
    },
    "contract_ending": {
        "ja": "派遣契約{number}が{date}に終了し、更新の契約がありません",
        "en": "Dispatch contract {number} ends on {date} with no renewal",
    },
    "minimum_wage_ahead": {
        "ja": "{employee}さんの時給{pay}円は{day}から最低賃金{minimum}円を下回ります（{site}）",
        "en": "{employee}'s hourly pay of ¥{pay} is below the minimum wage of ¥{minimum} "
        "from {day} ({site})",
    },
    "timecard_disputed": {
        "ja": "派遣先が{employee}さんの{day}のタイムカードに異議を出しました",
        "en": "The client disputed {employee}'s timecard of {day}",
    },
}
TYPE_LABELS: dict[str, dict[str, str]] = {
    "paid_leave": {"ja": "有給休暇", "en": "paid leave"},
    "home_leave": {"ja": "一時帰国", "en": "temporary return home"},
    "resignation": {"ja": "退社", "en": "resignation"},
    "absence": {"ja": "欠勤", "en": "absence"},
    "address_change": {"ja": "住所変更", "en": "change of address"},
    "other": {"ja": "その他", "en": "other"},
}
KINDS = frozenset(TITLES)


def render_title(kind: str, params: dict[str, Any], locale: str) -> str:
    """The sentence of ``kind`` in ``locale`` (ja when the locale is unknown)."""
    lang = "en" if locale.startswith("en") else "ja"
    values = {key: str(value) for key, value in params.items()}
    if "type" in params:
        values["type"] = TYPE_LABELS.get(str(params["type"]), {}).get(lang, str(params["type"]))
    template = TITLES.get(kind, {}).get(lang, kind)
    try:
        return template.format(**values)
    except KeyError:  # params of an older version of the kind
        return template
