"""派遣元管理台帳 (派遣法37条, 則31条), 派遣先管理台帳 (42条, 則35–38条) and the
就業条件明示書 (34条, 34条の2): the rules the documents rest on. Pure, stdlib only.

- Retention (派遣法37条2項 for the agency's ledger, 42条2項 and 則37条 for the client's): **3 years
  from the end of the dispatch** (a renewal moves the end). Counted as the Civil Code counts
  (民法140条: the first day is not counted, so the period starts the day after the end;
  143条: it ends the day before the corresponding day three years later, or on the month's last
  day when that month has none). A dispatch ended 2026-03-31 is kept until 2029-03-31 (A4);
  one ended 2025-02-28 until 2028-02-29 (the corresponding day of 2025-03-01 is 2028-03-01).
- Whether the client must keep a ledger (則35条3項): not when the dispatched workers plus the
  client's own employees at the site number 5 or fewer (A3: 3 + 2 = 5 → no; 4 + 2 = 6 → yes).
  An unknown own headcount counts as "required" (haken cannot prove the exception).
- The 就業条件明示書 omits both 抵触日 when the dispatch is exempt from the period limits
  (無期, 60歳以上, project, few days, leave cover).
- 派遣元管理台帳 item 20 (雇用安定措置): the layout of (a) the measure the worker wants and
  (b) each measure taken — ① 派遣先への直接雇用の依頼, ② 新たな派遣先の提供, ③ 派遣元での無期
  雇用, ④ その他 — with its date, method and the reply, is taken from practice (the MHLW
  記載例 as dispatch systems reproduce it), not from the text of 則31条 (JP_DISPATCH.md §7).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from haken.labor.civil_periods import period_end

RETENTION_YEARS = 3
CLIENT_LEDGER_EXEMPT_UP_TO = 5  # 則35条3項: 5人以下

# Item 20 of the agency's ledger: the measures (wording from practice, see the docstring).
STABILITY_MEASURES = {
    "direct_hire_request": "① 派遣先への直接雇用の依頼",
    "new_client": "② 新たな派遣先の提供",
    "agency_indefinite": "③ 派遣元での無期雇用",
    "other": "④ その他（教育訓練・紹介予定派遣等）",
}
# The kinds of the append-only ledger entries and their captions on the ledger.
LEDGER_ENTRY_KINDS = {
    "complaint": "派遣労働者から申出を受けた苦情の処理",
    "training": "段階的かつ体系的な教育訓練",
    "career_consultation": "キャリアコンサルティング",
    "stability_wish": "希望する雇用安定措置",
    "stability_measure": "講じた雇用安定措置",
}


def retention_until(dispatch_end: date) -> date:
    """The last day a ledger of a dispatch that ended on ``dispatch_end`` must be kept."""
    return period_end(dispatch_end + timedelta(days=1), RETENTION_YEARS * 12)


@dataclass(frozen=True, slots=True)
class ClientLedgerNeed:
    required: bool
    total: int | None  # dispatched + own employees; None when the own headcount is unknown
    words: str  # the statement printed on the document


def client_ledger_need(dispatched: int, own_employees: int | None) -> ClientLedgerNeed:
    """Whether the client must keep a 派遣先管理台帳 at the site (則35条3項)."""
    if dispatched < 0 or (own_employees is not None and own_employees < 0):
        raise ValueError("a headcount is never negative")
    if own_employees is None:
        return ClientLedgerNeed(
            True,
            None,
            f"派遣労働者{dispatched}人。派遣先の事業所の労働者数が未登録のため、"
            "作成を要するものとして扱います（則35条3項の適用を確認できません）。",
        )
    total = dispatched + own_employees
    if total <= CLIENT_LEDGER_EXEMPT_UP_TO:
        return ClientLedgerNeed(
            False,
            total,
            f"派遣労働者{dispatched}人＋派遣先の労働者{own_employees}人＝{total}人"
            "（5人以下のため作成を要しません。則35条3項）",
        )
    return ClientLedgerNeed(
        True,
        total,
        f"派遣労働者{dispatched}人＋派遣先の労働者{own_employees}人＝{total}人（作成を要します）",
    )


def conflict_dates_shown(exempt: bool) -> bool:
    """Whether the 就業条件明示書 states the two 抵触日 (not for an exempt dispatch)."""
    return not exempt


__all__ = [
    "LEDGER_ENTRY_KINDS",
    "STABILITY_MEASURES",
    "ClientLedgerNeed",
    "client_ledger_need",
    "conflict_dates_shown",
    "retention_until",
]
