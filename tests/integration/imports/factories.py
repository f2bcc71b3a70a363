"""Files and calls of the master-data import tests."""

from __future__ import annotations

import io
from typing import Any

import httpx
from openpyxl import Workbook

EMPLOYEE_HEADER = [
    "社員番号",
    "氏名",
    "フリガナ",
    "ローマ字",
    "生年月日",
    "性別",
    "雇用区分",
    "入社日",
    "メール",
]
EMPLOYEE_COLUMNS = {
    "employee_number": "社員番号",
    "name_kanji": "氏名",
    "name_kana": "フリガナ",
    "name_romaji": "ローマ字",
    "birth_date": "生年月日",
    "gender": "性別",
    "employment_type": "雇用区分",
    "hire_date": "入社日",
    "email": "I",  # by letter
}


def employee_row(n: int, **changes: Any) -> list[Any]:
    row = {
        "number": f"K{n:05d}",
        "kanji": f"山田 太郎{n}",
        "kana": "ヤマダ タロウ",
        "romaji": f"Yamada Taro{chr(65 + n % 26)}{chr(65 + n // 26 % 26)}",
        "birth": f"1990/04/{1 + n % 28:02d}",
        "gender": "男性",
        "type": "派遣",
        "hire": "2024年4月1日",
        "email": f"taro{n}@test.example",
    }
    row.update(changes)
    return list(row.values())


def csv_bytes(header: list[str], rows: list[list[Any]], *, encoding: str = "utf-8") -> bytes:
    lines = [",".join(str(c) for c in row) for row in [header, *rows]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [header, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def employees_csv(count: int, *, start: int = 1, encoding: str = "utf-8") -> bytes:
    return csv_bytes(
        EMPLOYEE_HEADER, [employee_row(n) for n in range(start, start + count)], encoding=encoding
    )


async def put_mapping(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    target: str = "employees",
    source: str = "旧システム",
    columns: dict[str, str] | None = None,
    **changes: Any,
) -> httpx.Response:
    return await http.put(
        "/api/imports/mappings",
        headers=headers,
        json={
            "target": target,
            "source": source,
            "columns": columns or EMPLOYEE_COLUMNS,
            **changes,
        },
    )


async def upload(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    content: bytes,
    *,
    target: str = "employees",
    source: str = "旧システム",
    name: str = "employees.csv",
) -> httpx.Response:
    return await http.post(
        "/api/imports",
        headers=headers,
        data={"target": target, "source": source},
        files={"file": (name, content, "application/octet-stream")},
    )


async def checked(
    http: httpx.AsyncClient, headers: dict[str, str], content: bytes, **kwargs: Any
) -> dict[str, Any]:
    """Mapping saved, file uploaded and checked: the import's data."""
    mapped = await put_mapping(http, headers)
    assert mapped.status_code == 200, mapped.text
    response = await upload(http, headers, content, **kwargs)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data
