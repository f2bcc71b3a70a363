"""派遣先への通知 (派遣法35条, 則27条の2・28条): the per-worker statements. Pure, stdlib only.

- Item 1: name and sex; "45歳以上" for a worker aged 45 or more; the age itself for a worker
  under 18; nothing more for anyone else (JP_DISPATCH.md A1).
- Item 4: whether the worker is aged 60 or more (the period-limit exemption).
- Item 5: whether the 資格取得届 of 健康保険, 厚生年金保険 and 雇用保険 were filed; when not,
  a concrete reason (A2): "適用基準を満たしていないため" is not enough, "1週間の所定労働時間が
  15時間であるため" is; a filing in progress gives its planned date.

The test of "concrete" is taken from practice (the Tokyo metropolitan dispatch Q&A q08/q09
reject the bare "does not meet the criteria"; the regulation only says 理由): a reason is
accepted when it names a fact: a number (hours, days, months, an age, a planned date) or
one of the statuses the insurance acts exclude by name (昼間学生, 日雇, 季節, 役員 …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from haken.labor.dispatch import aged_60_from

AGE_STATED_FROM = 45  # 則27条の2: 45歳以上である旨
MINOR_BELOW = 18  # 18歳未満は年齢
EXEMPT_AGE = 60  # 35条1項4号: 60歳以上であるか否か

# Statuses the acts exclude by name: a reason naming one is a fact, not a formula.
_NAMED_EXCLUSIONS = (
    "学生",
    "日雇",
    "季節",
    "役員",
    "船員",
    "手続中",
    "手続き中",
    "提出予定",
    "届出予定",
    "資格取得日",
    "2か月以内",
    "２か月以内",
    "二月以内",
    "65歳",
    "75歳",
    "後期高齢者",
)
_DIGIT = re.compile(r"[0-9０-９一二三四五六七八九十]")


def age_on(birth_date: date, day: date) -> int:
    """Whole years on ``day``, counted from the birthday itself (29 February births reach a
    year on 1 March in common years)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def age_statement(birth_date: date, day: date) -> str:
    """Item 1's age words: "45歳以上", the age ("17歳") under 18, else ""."""
    age = age_on(birth_date, day)
    if age >= AGE_STATED_FROM:
        return "45歳以上"
    if age < MINOR_BELOW:
        return f"{age}歳"
    return ""


def is_60_or_over(birth_date: date, day: date) -> bool:
    """Whether the notice states the worker as 60 or over: the same day as the period-limit
    exemption it tells the client about (``dispatch.aged_60_from``: 60 is reached at the end
    of the day before the 60th birthday), so the notice and the 抵触日 never disagree."""
    return day >= aged_60_from(birth_date)


def reason_is_concrete(reason: str) -> bool:
    """Whether an unfiled insurance's reason states a fact (A2)."""
    text = reason.strip()
    if len(text) < 4:
        return False
    return bool(_DIGIT.search(text)) or any(word in text for word in _NAMED_EXCLUSIONS)


INSURANCES = (
    ("health", "健康保険"),
    ("pension", "厚生年金保険"),
    ("employment", "雇用保険"),
)


@dataclass(frozen=True, slots=True)
class InsuranceEntry:
    kind: str  # health / pension / employment
    filed: bool
    reason: str = ""


def insurance_problems(name: str, entries: tuple[InsuranceEntry, ...]) -> list[str]:
    """The missing or insufficient items of one worker's item 5, as words for the refusal."""
    labels = dict(INSURANCES)
    problems = []
    for entry in entries:
        if entry.filed:
            continue
        label = labels[entry.kind]
        if not entry.reason.strip():
            problems.append(f"{name}: {label}の未加入理由")
        elif not reason_is_concrete(entry.reason):
            problems.append(f"{name}: {label}の未加入理由（具体的な理由）")
    return problems
