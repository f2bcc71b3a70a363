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
