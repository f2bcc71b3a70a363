"""個別契約書 (派遣法26条, 則21–22条): the items that need a rule. Pure, stdlib only.

- Item 14 紛争防止措置 (則22条4号): may never be left out, even for a worker the agency employs
  without a fixed term (A5). A clause that forbids the client to hire the worker breaches
  33条2項 (A5): refused. The test of "forbids" is taken from practice (the wording of such
  clauses: 雇用してはならない, 雇用しないものとする, 直接雇用を禁止 …), not from the regulation.
- Item 15: "限定する" when the contract is limited to indefinite-term workers or those aged 60
  or more, else "限定しない" (A6).
"""

from __future__ import annotations

import re

_HIRE_BAN = re.compile(
    r"(雇用|雇い入れ|雇入れ|採用|直接雇用)[^。]{0,12}"
    r"(してはならない|しては?ならない|しないものとする|しない|禁止|禁ずる|できない)"
)


def limitation_words(limited_to_exempt_workers: bool) -> str:
    """Item 15 (A6)."""
    return "限定する" if limited_to_exempt_workers else "限定しない"


def forbids_hiring(clause: str) -> bool:
    """Whether the dispute-prevention clause forbids the client to hire the worker (33条2項)."""
    return bool(_HIRE_BAN.search(clause.replace(" ", "").replace("\u3000", "")))


def dispute_clause_problems(clause: str) -> list[str]:
    """What is wrong with item 14: empty, or a ban on hiring."""
    if not clause.strip():
        return ["紛争防止措置"]
    if forbids_hiring(clause):
        return ["紛争防止措置（派遣先による雇用を禁ずる定めは派遣法33条2項に反します）"]
    return []
