"""Demo data of the master-data imports: the "旧システム" source's employee mapping and one
committed file of five employees (created through the employees service, each audited with
its file and line), and a candidates file from "求人サイト" checked with one problem left, so
that /imports lists both states and a report with a problem."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.imports.schemas import ImportTarget, MappingUpdate
from haken.modules.imports.service import imports_service
from haken.platform.access import Principal, Role

EMPLOYEES = [
    ("IMP-0001", "佐藤 健", "サトウ ケン", "Sato Ken", "1988/07/14", "男性", "派遣"),
    ("IMP-0002", "高橋 美咲", "タカハシ ミサキ", "Takahashi Misaki", "1993/02/03", "女性", "派遣"),
    ("IMP-0003", "", "ホアン ティ ラン", "Hoang Thi Lan", "1999/11/21", "女性", "派遣"),
    ("IMP-0004", "伊藤 大輔", "イトウ ダイスケ", "Ito Daisuke", "1979/05/30", "男性", "請負"),
    ("IMP-0005", "渡辺 由美", "ワタナベ ユミ", "Watanabe Yumi", "1985/09/09", "女性", "社内"),
]
CANDIDATES = [
    ("ロペス カルロス", "Lopez Carlos", "1997-03-12", "PE", "carlos@example.com"),
    ("Tanaka", "Tanaka Aoi", "2001-08-01", "JP", ""),  # the kana column holds romaji
]


async def seed_master_imports(
    session: AsyncSession, *, today: dt.date, user_id: int
) -> dict[str, int]:
    office = Principal(user_id=user_id, role=Role.SUPER_ADMIN, email="demo@haken.example")
    await imports_service.put_mapping(
        session,
        office,
        data=MappingUpdate(
            target=ImportTarget.EMPLOYEES,
            source="旧システム",
            columns={
                "employee_number": "社員番号",
                "name_kanji": "氏名",
                "name_kana": "フリガナ",
                "name_romaji": "ローマ字",
                "birth_date": "生年月日",
                "gender": "性別",
                "employment_type": "雇用区分",
                "hire_date": "入社日",
            },
        ),
    )
    hired = today.replace(day=1)
    lines = ["社員番号,氏名,フリガナ,ローマ字,生年月日,性別,雇用区分,入社日"]
    lines += [",".join([*row, f"{hired:%Y/%m/%d}"]) for row in EMPLOYEES]
    content = ("\r\n".join(lines) + "\r\n").encode("cp932")  # the old system's Shift_JIS
    checked = await imports_service.upload(
        session,
        office,
        target=ImportTarget.EMPLOYEES,
        source="旧システム",
        filename="社員一覧_旧システム.csv",
        content=content,
    )
    done = await imports_service.commit(session, office, import_id=checked.id)

    await imports_service.put_mapping(
        session,
        office,
        data=MappingUpdate(
            target=ImportTarget.CANDIDATES,
            source="求人サイト",
            columns={
                "name_kana": "A",
                "name_romaji": "B",
                "birth_date": "C",
                "nationality": "D",
                "email": "E",
            },
        ),
    )
    rows = ["カナ,ローマ字,生年月日,国籍,メール", *(",".join(c) for c in CANDIDATES)]
    await imports_service.upload(
        session,
        office,
        target=ImportTarget.CANDIDATES,
        source="求人サイト",
        filename="応募者_求人サイト.csv",
        content=("\r\n".join(rows) + "\r\n").encode("utf-8-sig"),
    )
    return {"master_import_rows": done.imported_count, "master_imports": 2}


__all__ = ["seed_master_imports"]
