"""Reading an uploaded sheet (platform/tabular.py) and making its cells readable to the create
DTOs (imports/targets.py): encodings, Excel cells, column letters, header mapping, aliases."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from haken.modules.employees.schemas import EmployeeCreate
from haken.modules.imports.schemas import ImportTarget
from haken.modules.imports.targets import TARGETS, cell_value
from haken.platform.tabular import (
    UnreadableFile,
    cell_text,
    column_letter,
    decode_cells,
    encode_cells,
    file_format,
    header_index,
    letter_index,
    parse_date,
    read_rows,
    resolve_column,
)

TEXT = '社員番号,氏名\r\nK001,山田 太郎\r\nK002,"鈴木, 花子"\r\n'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_csv_in_every_accepted_encoding_reads_the_same(encoding: str) -> None:
    rows = read_rows(TEXT.encode(encoding))
    assert rows == [("社員番号", "氏名"), ("K001", "山田 太郎"), ("K002", "鈴木, 花子")]


def test_cp932_extensions_read_where_plain_shift_jis_fails() -> None:
    content = "番号,メモ\r\n1,①髙橋\r\n".encode("cp932")  # NEC and IBM extensions
    with pytest.raises(UnicodeDecodeError):
        content.decode("shift_jis")
    assert read_rows(content)[1] == ("1", "①髙橋")


def test_unreadable_content_names_its_reason() -> None:
    with pytest.raises(UnreadableFile) as binary:
        read_rows(b"a,b\x00c\r\n")
    assert binary.value.reason == "binary"
    with pytest.raises(UnreadableFile) as broken:
        read_rows(b"PK\x03\x04 not a zip")
    assert broken.value.reason == "xlsx"
    with pytest.raises(UnreadableFile) as many:
        read_rows(b"a\r\n" * 6, max_rows=5)
    assert many.value.reason == "too many rows"


def test_an_xlsx_keeps_typed_cells_and_empty_rows() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["番号", "生年月日", "人数"])
    sheet.append(["K001", dt.datetime(1990, 4, 2), 3])
    sheet.append([])
    sheet.append(["K002", "1991/5/6", 4.0])
    out = io.BytesIO()
    book.save(out)
    content = out.getvalue()
    assert file_format(content) == "xlsx"
    rows = read_rows(content)
    assert rows[1] == ("K001", dt.datetime(1990, 4, 2), 3)
    assert rows[2] == ()  # line numbers stay the sheet's
    assert rows[3][0] == "K002"
    assert decode_cells(encode_cells(rows)) == rows


def test_column_letters_both_ways() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert [letter_index(s) for s in ("A", "z", "AA", "ZZ", "AAA")] == [0, 25, 26, 701, 702]
    assert letter_index("生年月日") is None and letter_index("AAAA") is None


def test_a_mapped_column_is_a_header_text_first_then_a_letter() -> None:
    header = header_index(("社員番号", "Ｅメール", "", "社員番号"))
    assert header == {"社員番号": 0, "Eメール": 1}  # NFKC, the first of two equal headers
    assert resolve_column(header, "Ｅメール") == 1
    assert resolve_column(header, "D") == 3
    assert resolve_column(header, "電話番号") is None


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2026-04-01", dt.date(2026, 4, 1)),
        ("2026/4/1", dt.date(2026, 4, 1)),
        ("2026年4月1日", dt.date(2026, 4, 1)),
        ("２０２６．４．１", dt.date(2026, 4, 1)),
        ("20260401", dt.date(2026, 4, 1)),
        (dt.datetime(2026, 4, 1, 9, 0), dt.date(2026, 4, 1)),
        ("2026/2/30", None),
        ("4月1日", None),
    ],
)
def test_dates_of_the_usual_spellings(value: object, day: dt.date | None) -> None:
    assert parse_date(value) == day


def test_cell_text_folds_width_and_excel_numbers() -> None:
    assert cell_text("  ＡＢ１２ ") == "AB12"
    assert cell_text(13.0) == "13"
    assert cell_text(None) == ""
    assert cell_text(dt.datetime(2026, 4, 1)) == "2026-04-01"


def test_cells_become_the_dto_s_values() -> None:
    assert cell_value("gender", "男性") == "male"
    assert cell_value("gender", "Female") == "female"
    assert cell_value("employment_type", "派遣") == "dispatch"
    assert cell_value("withholding_column", "乙欄") == "otsu"
    assert cell_value("prefecture", 1) == "01"
    assert cell_value("birth_date", "1990/4/2") == dt.date(1990, 4, 2)
    assert cell_value("birth_date", "not a date") == "not a date"  # the DTO refuses it
    assert cell_value("email", "  ") is None  # empty: the field's default


def test_every_target_field_is_a_field_of_its_create_dto() -> None:
    # A field that names another record (the client, the employee number …) is resolved to
    # the DTO's id field first (``refs``); the pay rate's columns fill its nested rate.
    named = {"client", "site", "unit", "employee_number", "contract_number"}
    nested = {"hourly_pay", "hourly_bill"}
    for target in TARGETS.values():
        own = set(target.fields) - (named | nested if target.resolve else set())
        assert own <= set(target.dto.model_fields), target.name
        assert set(target.required) <= set(target.fields)
        assert set(target.unique) <= set(target.fields)
        refs = dict(target.refs)
        for name, source in refs.items():
            assert name in target.dto.model_fields and source in target.fields, target.name
        for name in target.required:  # required here = required by the form
            dto_name = next((k for k, v in refs.items() if v == name), name)
            if name in own or dto_name != name:
                assert target.dto.model_fields[dto_name].is_required(), (target.name, name)
    assert TARGETS[ImportTarget.EMPLOYEES].dto is EmployeeCreate
