"""Extract the NTA monthly withholding table (月額表) from its PDF into haken's versioned data.

    python scripts/extract_withholding_table.py [PDF] [--out src/haken/labor/tables/...json]

Reads the PDF's text with poppler's ``pdftotext -raw`` (Debian package ``poppler-utils``) and
writes ``src/haken/labor/tables/withholding_monthly_r<NN>.json``: the 231-odd rows (以上, 未満,
甲 0–7 dependants, 乙), the amount below the first row, the formula rows (甲 from 740,000 yen:
the tax at each listed amount plus a rate on the excess; 乙: a base plus a rate on the excess),
the deduction per dependant beyond 7 and per dependant declared for 乙. Every number comes from
the PDF's text; the script refuses to write when the text does not have the expected shape.
``tests/unit/labor/test_withholding_table.py`` checks the shipped JSON against the PDF again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PDF = ROOT.parent / "shared" / "data" / "nta" / "gensen_getsugaku_r08_monthly_table.pdf"
SOURCE_URLS = {
    2026: "https://www.nta.go.jp/publication/pamph/gensen/zeigakuhyo2026/data/01-07.pdf",
}
NUMBER = r"(?<![\d,])\d{1,3}(?:,\d{3})*(?![\d,])"


class ExtractionError(Exception):
    """The PDF's text is not shaped as expected: nothing is written."""


def pdf_text(pdf: Path) -> str:
    """The PDF's text in content-stream order (``pdftotext -raw``), NFKC-normalised."""
    try:
        result = subprocess.run(  # noqa: S603 - fixed argv, no shell
            ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"],  # noqa: S607
            check=True,
            capture_output=True,
        )
    except FileNotFoundError as error:
        raise ExtractionError("pdftotext not found: apt-get install poppler-utils") from error
    return unicodedata.normalize("NFKC", result.stdout.decode("utf-8"))


def flatten(text: str) -> str:
    """The text without whitespace (sentences run across lines and columns), except that two
    numbers which met only at a line break stay apart."""
    joined = "\n".join(re.sub(r"\s+", "", line) for line in text.splitlines())
    return re.sub(r"\n", "", re.sub(r"(?<=\d)\n(?=\d)", " ", joined))


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def _percent(text: str) -> str:
    """A percentage as written ("20.42"), checked to be a plain decimal."""
    if not re.fullmatch(r"\d+(?:\.\d+)?", text):
        raise ExtractionError(f"not a percentage: {text!r}")
    return text


def extract(text: str) -> dict[str, object]:
    lines = [line.strip() for line in text.splitlines()]
    flat = flatten(text)

    title = re.search(r"給与所得の源泉徴収税額表\(令和(\d+)年分\)", flat)
    if not title:
        raise ExtractionError("title 給与所得の源泉徴収税額表（令和N年分） not found")
    reiwa = int(title.group(1))
    year = 2018 + reiwa
    notice = re.search(r"月額表\((平成\d+年\d+月\d+日財務省告示第\d+号別表第一\(.*?改正\))\)", flat)

    row_re = re.compile(rf"^({NUMBER})(?: ({NUMBER})){{10}}$")
    rows = [[_int(n) for n in line.split()] for line in lines if row_re.match(line)]
    if len(rows) < 100:
        raise ExtractionError(f"only {len(rows)} table rows found")
    for before, after in itertools.pairwise(rows):
        if before[1] != after[0] or before[0] >= before[1]:
            raise ExtractionError(f"rows not contiguous: {before} then {after}")

    below = re.search(rf"^({NUMBER}) 円未満((?: 0){{8}})", text.replace("\r", ""), re.MULTILINE)
    below_rate = re.search(r"控除後の給与等の金額の([\d.]+)%に相当する金額", flat)
    if not below or not below_rate or _int(below.group(1)) != rows[0][0]:
        raise ExtractionError("the line below the first row (… 円未満) not found")

    anchor_re = re.compile(rf"^({NUMBER})円((?: {NUMBER}){{8}})(?: ({NUMBER}))?$")
    anchors: dict[int, tuple[list[int], int | None]] = {}
    for line in lines:
        match = anchor_re.match(line)
        if match:
            amounts = [_int(n) for n in match.group(2).split()]
            otsu = _int(match.group(3)) if match.group(3) else None
            anchors[_int(match.group(1))] = (amounts, otsu)

    kou_rates = {
        _int(m.group(1)): _percent(m.group(3))
        for m in re.finditer(
            rf"({NUMBER})円の場合の税額に、その月の社会保険料等控除後の給与等の金額のうち"
            rf"({NUMBER})円を超える金額の([\d.]+)%に相当する金額を加算した金額",
            flat,
        )
        if m.group(1) == m.group(2)
    }
    ranges = {
        _int(m.group(1)): _int(m.group(2))
        for m in re.finditer(rf"({NUMBER})円を超え({NUMBER})円に満たない金額", flat)
    }
    last = re.findall(rf"({NUMBER})円を超える金額{NUMBER}円の場合の税額に", flat)
    if sorted(anchors) != sorted(kou_rates) or len(last) != 1:
        raise ExtractionError(f"甲 formula rows do not match: {sorted(anchors)} {kou_rates}")
    kou_formulas = []
    for at in sorted(anchors):
        until = ranges.get(at)
        if until is None and at != _int(last[0]):
            raise ExtractionError(f"no range after the {at} row")
        kou_formulas.append(
            {"at": at, "tax": anchors[at][0], "rate_percent": kou_rates[at], "until": until}
        )
    if kou_formulas[0]["at"] != rows[-1][1]:
        raise ExtractionError("the formula rows do not start where the table ends")

    otsu_found = {
        (_int(m.group(2)), _int(m.group(1)), _percent(m.group(3)))
        for m in re.finditer(
            rf"({NUMBER})円に、その月の社会保険料等控除後の給与等の金額のうち"
            rf"({NUMBER})円を超える金額の([\d.]+)%に相当する金額を加算した金額",
            flat,
        )
    }
    otsu_formulas = [
        {"from": start, "base": base, "rate_percent": rate}
        for start, base, rate in sorted(otsu_found)
    ]
    for formula, following in zip(otsu_formulas, [*otsu_formulas[1:], None], strict=True):
        formula["until"] = following["from"] if following else None
        anchor_otsu = anchors.get(int(str(formula["from"])), ([], None))[1]
        if anchor_otsu != formula["base"]:
            raise ExtractionError(f"乙 formula {formula} does not match its row ({anchor_otsu})")

    extra = re.search(r"7人を超える1人ごとに(" + NUMBER + r")円を控除した金額", flat)
    declared = re.search(
        r"扶養親族等1人ごとに(" + NUMBER + r")円を、上の各欄によって求めた税額から控除", flat
    )
    if not extra or not declared:
        raise ExtractionError("the per-dependant deductions (… 1人ごとに N円) not found")

    return {
        "source": {
            "publisher": "国税庁 (National Tax Agency)",
            "title": f"給与所得の源泉徴収税額表（令和{reiwa}年分） 月額表",
            "legal_basis": notice.group(1) if notice else None,
            "url": SOURCE_URLS.get(year),
            "extracted_on": dt.date.today().isoformat(),
            "extracted_by": "scripts/extract_withholding_table.py (pdftotext -raw)",
        },
        "year": year,
        "era": f"令和{reiwa}年分",
        "applies": "pay dated in the calendar year (年分 = the year of the payment date)",
        "columns": ["以上", "未満", "甲0", "甲1", "甲2", "甲3", "甲4", "甲5", "甲6", "甲7", "乙"],
        "below_table": {
            "below": _int(below.group(1)),
            "kou": [int(n) for n in below.group(2).split()],
            "otsu_rate_percent": _percent(below_rate.group(1)),
        },
        "rows": rows,
        "kou_formulas": kou_formulas,
        "otsu_formulas": otsu_formulas,
        "kou_per_dependant_over_7": _int(extra.group(1)),
        "otsu_per_declared_dependant": _int(declared.group(1)),
        "rounding": "formula and percentage amounts: fractions under 1 yen dropped",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=DEFAULT_PDF)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    try:
        data = extract(pdf_text(args.pdf))
    except (ExtractionError, subprocess.CalledProcessError) as error:
        print(f"error: {error}", file=sys.stderr)  # noqa: T201
        return 1
    out = args.out or (
        ROOT
        / "src/haken/labor/tables"
        / f"withholding_monthly_r{int(str(data['year'])) - 2018:02d}.json"
    )
    body = json.dumps(data, ensure_ascii=False, indent=1)
    # One table row per line: readable diffs when NTA publishes the next year's table.
    body = re.sub(
        r"\[\s+([\d,\s]+?)\s+\]", lambda m: "[" + re.sub(r"\s+", " ", m.group(1)) + "]", body
    )
    out.write_text(body + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(data['rows'])} rows")  # type: ignore[arg-type]  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
