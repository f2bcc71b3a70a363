"""The shipped 令和8年分 月額表 against the NTA PDF's own text, then every cell through
:func:`withholding_tax`.

The PDF check reads the PDF again with ``pdftotext`` (poppler-utils), in ``-layout`` mode for the
cells (a different reading from the extraction script's ``-raw``) and ``-raw`` for the sentences,
and compares each row and cell of the JSON with it. It is skipped only when the PDF itself is
absent; a missing ``pdftotext`` fails under CI (``CI=true``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from decimal import ROUND_FLOOR, Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from haken.labor.withholding import WithholdingMethod, withholding_tax

PDF_NAME = "gensen_getsugaku_r08_monthly_table.pdf"
ROOT = Path(__file__).resolve().parents[3]
PDF_CANDIDATES = [
    ROOT.parent / "shared" / "data" / "nta" / PDF_NAME,
    Path("/work/shared/data/nta") / PDF_NAME,
]
PAY_DATE = dt.date(2026, 6, 25)
NUMBER = r"\d{1,3}(?:,\d{3})*"


def _shipped() -> dict[str, Any]:
    text = resources.files("haken.labor").joinpath("tables/withholding_monthly_r08.json")
    return json.loads(text.read_text("utf-8"))  # type: ignore[no-any-return]


TABLE = _shipped()


def _pdf() -> Path:
    for path in PDF_CANDIDATES:
        if path.exists():
            return path
    pytest.skip(f"the NTA PDF is absent (looked for {', '.join(map(str, PDF_CANDIDATES))})")


@cache
def _pdftotext(path: Path, mode: str) -> str:
    if shutil.which("pdftotext") is None:
        message = "pdftotext (Debian poppler-utils) is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " — scripts/test-services.sh installs it")
        pytest.skip(message)
    out = subprocess.run(
        ["pdftotext", mode, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    )
    return unicodedata.normalize("NFKC", out.stdout.decode("utf-8"))


def _layout_lines() -> list[list[str]]:
    return [line.split() for line in _pdftotext(_pdf(), "-layout").splitlines() if line.strip()]


def _sentences() -> str:
    """The raw text without whitespace; numbers that met at a line break stay apart."""
    lines = [re.sub(r"\s+", "", line) for line in _pdftotext(_pdf(), "-raw").splitlines()]
    return re.sub(r"\n", "", re.sub(r"(?<=\d)\n(?=\d)", " ", "\n".join(lines)))


def _has(sentence: str) -> bool:
    guard = r"(?<![\d,])" if sentence[0].isdigit() else ""
    return re.search(guard + re.escape(sentence), _sentences()) is not None


def _yen(n: int) -> str:
    return f"{n:,}"


# ---------------------------------------------------------------------------------------------
# The JSON equals the PDF


def test_source_is_cited() -> None:
    assert TABLE["year"] == 2026
    assert TABLE["era"] == "令和8年分"
    source = TABLE["source"]
    assert source["publisher"].startswith("国税庁")
    assert source["url"] == (
        "https://www.nta.go.jp/publication/pamph/gensen/zeigakuhyo2026/data/01-07.pdf"
    )
    dt.date.fromisoformat(source["extracted_on"])
    assert _has("給与所得の源泉徴収税額表(令和8年分)")


def test_every_row_and_cell_equals_the_pdf() -> None:
    # Every line of the PDF made of 11 numbers is a row: 以上, 未満, 甲 0–7, 乙.
    pdf_rows = [
        [int(token.replace(",", "")) for token in tokens]
        for tokens in _layout_lines()
        if len(tokens) == 11 and all(re.fullmatch(NUMBER, t) for t in tokens)
    ]
    assert len(pdf_rows) == 231
    assert TABLE["rows"] == pdf_rows
    # and the JSON's cells printed as the PDF prints them are those lines, in order
    printed = [[_yen(n) for n in row] for row in TABLE["rows"]]
    assert printed == [t for t in _layout_lines() if t in printed]


def test_row_below_the_table_equals_the_pdf() -> None:
    below = TABLE["below_table"]
    assert [_yen(below["below"]), "円未満", *map(str, below["kou"])] in [
        tokens[:10] for tokens in _layout_lines()
    ]
    assert below["below"] == TABLE["rows"][0][0] == 105000
    assert _has(f"控除後の給与等の金額の{below['otsu_rate_percent']}%に相当する金額")


def test_formula_rows_equal_the_pdf() -> None:
    lines = _layout_lines()
    otsu_starts = {f["from"]: f["base"] for f in TABLE["otsu_formulas"]}
    formulas = TABLE["kou_formulas"]
    assert formulas[0]["at"] == TABLE["rows"][-1][1] == 740000
    for formula in formulas:
        at = formula["at"]
        line = next(t for t in lines if t[0] == f"{_yen(at)}円")
        assert line[1:9] == [_yen(n) for n in formula["tax"]], at
        # the 乙 cell of an exact row is a number only where a 乙 formula starts
        ninth = line[9] if len(line) > 9 and re.fullmatch(NUMBER, line[9]) else None
        assert ninth == (_yen(otsu_starts[at]) if at in otsu_starts else None), at
        assert _has(
            f"{_yen(at)}円の場合の税額に、その月の社会保険料等控除後の給与等の金額のうち"
            f"{_yen(at)}円を超える金額の{formula['rate_percent']}%に相当する金額を加算した金額"
        ), at
        if formula["until"] is None:
            assert _has(f"{_yen(at)}円を超える金額{_yen(at)}円の場合の税額に")
        else:
            assert _has(f"{_yen(at)}円を超え{_yen(formula['until'])}円に満たない金額"), at
    assert [f["until"] for f in formulas[:-1]] == [f["at"] for f in formulas[1:]]
    exact_rows = [t[0] for t in lines if re.fullmatch(NUMBER + "円", t[0])]
    assert exact_rows == [f"{_yen(f['at'])}円" for f in formulas]


def test_otsu_formulas_and_per_dependant_amounts_equal_the_pdf() -> None:
    formulas = TABLE["otsu_formulas"]
    assert len(formulas) == 2
    for formula in formulas:
        assert _has(
            f"{_yen(formula['base'])}円に、その月の社会保険料等控除後の給与等の金額のうち"
            f"{_yen(formula['from'])}円を超える金額の{formula['rate_percent']}%に相当する金額を"
            "加算した金額"
        )
    assert formulas[0]["until"] == formulas[1]["from"]
    assert formulas[1]["until"] is None
    per = _yen(TABLE["kou_per_dependant_over_7"])
    assert _has(f"扶養親族等の数が7人の場合の税額から、その7人を超える1人ごとに{per}円を控除")
    per = _yen(TABLE["otsu_per_declared_dependant"])
    assert _has(f"扶養親族等1人ごとに{per}円を、上の各欄によって求めた税額から控除した金額")


# ---------------------------------------------------------------------------------------------
# Every cell through the public function: at the row's lower bound and at its upper bound − 1

COLUMNS = [*(f"甲{n}" for n in range(8)), "乙"]


def _cells() -> list[Any]:
    params = []
    for row in TABLE["rows"]:
        for index, column in enumerate(COLUMNS):
            for pay in (row[0], row[1] - 1):
                params.append(pytest.param(pay, column, row[2 + index], id=f"{pay}-{column}"))
    return params


@pytest.mark.parametrize(("pay", "column", "expected"), _cells())
def test_every_cell(pay: int, column: str, expected: int) -> None:
    otsu = column == "乙"
    dependents = 0 if otsu else int(column[1])
    result = withholding_tax(pay, dependents=dependents, pay_date=PAY_DATE, otsu=otsu)
    assert result.tax == expected
    assert result.method is WithholdingMethod.TABLE
    assert result.basis["kind"] == "table_row"
    assert result.basis["to"] == (next(r[1] for r in TABLE["rows"] if r[0] <= pay < r[1]))


def _floor(amount: Decimal) -> int:
    return int(amount.to_integral_value(rounding=ROUND_FLOOR))


def _formula_cells() -> list[Any]:
    params = []
    for formula in TABLE["kou_formulas"]:
        last = (formula["until"] or formula["at"] + 1_000_000) - 1
        for index, tax in enumerate(formula["tax"]):
            for pay in (formula["at"], last):
                excess = Decimal(pay - formula["at"]) * Decimal(formula["rate_percent"]) / 100
                expected = tax + _floor(excess)
                params.append(pytest.param(pay, index, expected, id=f"{pay}-甲{index}"))
    for formula in TABLE["otsu_formulas"]:
        last = (formula["until"] or formula["from"] + 1_000_000) - 1
        for pay in (formula["from"], last):
            excess = Decimal(pay - formula["from"]) * Decimal(formula["rate_percent"]) / 100
            params.append(pytest.param(pay, None, formula["base"] + _floor(excess), id=f"{pay}-乙"))
    return params


@pytest.mark.parametrize(("pay", "dependents", "expected"), _formula_cells())
def test_every_formula_row(pay: int, dependents: int | None, expected: int) -> None:
    result = withholding_tax(
        pay, dependents=dependents or 0, pay_date=PAY_DATE, otsu=dependents is None
    )
    assert result.tax == expected
    assert result.basis["kind"] == "formula"


def test_the_script_reproduces_the_shipped_json(tmp_path: Path) -> None:
    pdf = _pdf()
    _pdftotext(pdf, "-raw")  # skips, or fails under CI, when pdftotext is missing
    out = tmp_path / "table.json"
    script = ROOT / "scripts" / "extract_withholding_table.py"
    subprocess.run(
        [sys.executable, str(script), str(pdf), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    extracted = json.loads(out.read_text("utf-8"))
    extracted["source"].pop("extracted_on")
    shipped = _shipped()
    shipped["source"].pop("extracted_on")
    assert extracted == shipped
