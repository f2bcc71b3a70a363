"""``haken calc withholding``: the JSON it prints and its refusals."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from haken import cli


def run(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli.app, ["calc", "withholding", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_table_method() -> None:
    # JP_LABOR.md case 36: 200,000, 2 dependants → 1,100 (row 199,000–201,000).
    output = run("--pay", "200000", "--dependents", "2", "--date", "2026-04")
    assert output["tax"] == 1100
    assert output["method"] == "table"
    assert output["basis"]["from"] == 199000
    assert output["basis"]["to"] == 201000
    assert output["basis"]["column"] == "甲"
    assert output["basis"]["dependents"] == 2
    assert "199,000円以上201,000円未満 甲欄" in output["basis"]["text"]


def test_computer_method() -> None:
    # Case 42: the NTA's worked example.
    output = run(
        "--pay", "175000", "--dependents", "2", "--date", "2026-03", "--method", "computer"
    )
    assert output == {
        "tax": 210,
        "method": "computer",
        "basis": output["basis"] | {"kind": "computer", "taxable": 4165},
    }
    assert output["basis"]["employment_income_deduction"] == 59167
    assert output["basis"]["basic_deduction"] == 48334


def test_otsu() -> None:
    assert run("--pay", "300000", "--date", "2026-12", "--otsu")["tax"] == 53600
    assert run("--pay", "104999", "--date", "2026-01", "--otsu")["tax"] == 3216
    # Two dependants declared on a 従たる給与 declaration: 19,700 − 2 × 1,610.
    assert (
        run("--pay", "200000", "--dependents", "2", "--date", "2026-01", "--otsu")["tax"] == 16480
    )


def test_full_pay_date_is_accepted() -> None:
    assert run("--pay", "200000", "--date", "2026-12-25")["tax"] == 4340


def test_computer_method_2025() -> None:
    output = run("--pay", "175000", "--date", "2025-11", "--method", "computer")
    assert output["tax"] == 3870
    assert output["basis"]["year"] == 2025


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pay", "200000", "--date", "2025-12"], "no monthly withholding table"),
        (["--pay", "200000", "--date", "2027-01", "--method", "computer"], "2027"),
        (["--pay", "200000", "--date", "2026-13"], "month"),
        (["--pay", "200000", "--date", "2026/01"], "YYYY-MM"),
        (["--pay", "200000", "--date", "2026-01", "--method", "guess"], "table or computer"),
        (["--pay", "-5", "--date", "2026-01"], "negative"),
        (["--pay", "200000", "--dependents", "-1", "--date", "2026-01"], "dependants"),
    ],
)
def test_refusals(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli.app, ["calc", "withholding", *args])
    assert result.exit_code == 2
    assert message in result.output
