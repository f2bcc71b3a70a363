"""Bank and branch codes (統一金融機関番号・統一店番号) from the zengin-code package.

Entry points: ``find_bank(code)``, ``find_branch(bank_code, branch_code)`` (``None`` when the
code is unknown) and ``data_version()`` (the date of the package's data). The package is the
maintained copy of the 全銀協 code list (zengin-code/source-data, updated with each release:
upgrade the package to pick up new and closed branches). Its data is read once per process,
on first use, not at import. Names are as the package gives them: ``name`` in kanji/kana
(みずほ, 東京営業部), ``kana`` in full-width katakana (ミズホ); the transfer file converts them
(``labor.zengin.to_bank_kana``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Bank:
    code: str
    name: str
    kana: str


@dataclass(frozen=True, slots=True)
class Branch:
    bank_code: str
    code: str
    name: str
    kana: str


@functools.cache
def _banks() -> dict[str, Any]:
    import zengin_code  # type: ignore[import-untyped]

    banks: dict[str, Any] = zengin_code.Bank.all
    return banks


def find_bank(code: str) -> Bank | None:
    """The bank with this 4-digit code, or ``None``."""
    bank = _banks().get(code)
    if bank is None:
        return None
    return Bank(code=bank.code, name=bank.name, kana=bank.kana)


def find_branch(bank_code: str, branch_code: str) -> Branch | None:
    """The branch ``branch_code`` (3 digits) of the bank ``bank_code``, or ``None``."""
    bank = _banks().get(bank_code)
    branch = bank.branches.get(branch_code) if bank is not None else None
    if branch is None:
        return None
    return Branch(bank_code=bank_code, code=branch.code, name=branch.name, kana=branch.kana)


def data_version() -> str:
    """The zengin-code data's version (``1.1.0.YYYYMMDDhhmm``)."""
    _banks()
    import zengin_code

    version: str = zengin_code.__version__
    return version
