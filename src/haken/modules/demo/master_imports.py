"""Demo data of the master-data imports: the "旧システム" source's employee mapping and one
committed file of five employees (created through the employees service, each audited with
its file and line), and a candidates file from "求人サイト" checked with one problem left, so
that /imports lists both states and a report with a problem; then a client, its site and
units, and a placement, each from a file of its kind (the import history shows every kind)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.assignments.schemas import ContractFilter, ContractStatus
from haken.modules.assignments.service import assignments_service
from haken.modules.imports.schemas import ImportTarget, MappingUpdate
from haken.modules.imports.service import imports_service
from haken.platform.access import Principal, Role
from haken.platform.pagination import PageRequest

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
    counts = await _seed_organisation_imports(session, office, today=today)
    return {
        "master_import_rows": done.imported_count + counts["rows"],
        "master_imports": 2 + counts["files"],
    }


ORGANISATION_FILES: list[tuple[ImportTarget, str, dict[str, str], list[list[str]]]] = [
    (
        ImportTarget.CLIENTS,
        "派遣先一覧_旧システム.csv",
        {"name": "会社名", "name_kana": "会社名カナ", "prefecture": "都道府県", "city": "市区町村"},
        [
            ["会社名", "会社名カナ", "都道府県", "市区町村"],
            ["東海精機株式会社", "トウカイセイキ", "愛知県", "刈谷市"],
        ],
    ),
    (
        ImportTarget.SITES,
        "事業所一覧_旧システム.csv",
        {
            "client": "会社名",
            "name": "事業所名",
            "prefecture": "都道府県",
            "city": "市区町村",
            "address_line1": "番地",
        },
        [
            ["会社名", "事業所名", "都道府県", "市区町村", "番地"],
            ["東海精機株式会社", "刈谷工場", "愛知", "刈谷市", "昭和町2-1"],
        ],
    ),
    (
        ImportTarget.UNITS,
        "組織単位一覧_旧システム.csv",
        {"client": "会社名", "site": "事業所名", "name": "組織単位", "head_title": "長の役職"},
        [
            ["会社名", "事業所名", "組織単位", "長の役職"],
            ["東海精機株式会社", "刈谷工場", "組立課", "課長"],
            ["東海精機株式会社", "刈谷工場", "検査課", "課長"],
        ],
    ),
]


async def _seed_organisation_imports(
    session: AsyncSession, office: Principal, *, today: dt.date
) -> dict[str, int]:
    """A client, its site and two units imported from three files of the old system (each
    committed), and a placements file: one of the imported employees on a running contract,
    committed when its check finds nothing (else left checked, its problems shown)."""
    rows = files = 0
    for target, filename, columns, lines in ORGANISATION_FILES:
        await imports_service.put_mapping(
            session,
            office,
            data=MappingUpdate(target=target, source="旧システム", columns=columns),
        )
        content = ("\r\n".join(",".join(line) for line in lines) + "\r\n").encode("cp932")
        checked = await imports_service.upload(
            session,
            office,
            target=target,
            source="旧システム",
            filename=filename,
            content=content,
        )
        files += 1
        if checked.error_count == 0:
            rows += (
                await imports_service.commit(session, office, import_id=checked.id)
            ).imported_count
    contracts = await assignments_service.list_contracts(
        session,
        office,
        filters=ContractFilter(status=ContractStatus.ACTIVE, active_on=today),
        request=PageRequest(limit=1),
    )
    if not contracts.items:
        return {"rows": rows, "files": files}
    contract = contracts.items[0]
    columns = {
        "employee_number": "社員番号",
        "contract_number": "契約番号",
        "start_date": "開始日",
        "hourly_pay": "時給",
    }
    await imports_service.put_mapping(
        session,
        office,
        data=MappingUpdate(target=ImportTarget.ASSIGNMENTS, source="旧システム", columns=columns),
    )
    start = max(today.replace(day=1), contract.period_start)
    lines = [
        ["社員番号", "契約番号", "開始日", "時給"],
        ["IMP-0001", contract.contract_number, f"{start:%Y/%m/%d}", "1500"],
    ]
    checked = await imports_service.upload(
        session,
        office,
        target=ImportTarget.ASSIGNMENTS,
        source="旧システム",
        filename="配置一覧_旧システム.csv",
        content=("\r\n".join(",".join(line) for line in lines) + "\r\n").encode("cp932"),
    )
    files += 1
    if checked.error_count == 0:
        rows += (await imports_service.commit(session, office, import_id=checked.id)).imported_count
    return {"rows": rows, "files": files}


__all__ = ["seed_master_imports"]
