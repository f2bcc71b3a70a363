"""Bulk demo data for every staffing module: realistic, deterministic, fast.

``haken demo seed --employees N`` builds, from small in-repo lists and a seeded random
generator: clients with sites and units across prefectures, candidates, employees (some
foreign workers with residence statuses that may be dispatched), dispatch contracts,
assignments with rate histories and their 抵触日, and company housing with occupancies.

Speed: plain multi-row INSERTs (``executemany``, which SQLAlchemy sends as batched
``INSERT … VALUES`` lists) in one transaction, ids assigned here, sequences set at the end.
The services are bypassed on purpose (20,000 employees in seconds, not minutes), so the
rules they enforce are applied here explicitly: personal numbers go through the field
cipher with the owning module's context, name keys through ``haken.platform.names``, the
dispatch permission through ``labor.residence``, the 3-year dates through the assignments
module's clock glue, and no room is filled beyond its capacity.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from haken.labor.dispatch import DispatchPeriod, site_conflict_date
from haken.labor.minimum_wage import MinimumWageTable, shipped_amounts
from haken.labor.my_number import check_digit
from haken.labor.residence import ExtraActivityPermission, ResidenceStatus, check_dispatch_permitted
from haken.modules.assignments.clocks import StoredPeriod, compute_clocks
from haken.modules.demo.attendance import ATTENDANCE_TABLES, AttendanceRows
from haken.modules.models import metadata
from haken.platform.db import utcnow
from haken.platform.jptext import search_key
from haken.platform.names import name_key, romaji_key
from haken.platform.security import field_cipher

BATCH = 2000
# Real bank and branch codes (zengin-code), so the demo's salary transfer file is valid.
DEMO_BRANCHES = (("0001", "001"), ("0005", "123"), ("0009", "012"), ("0010", "005"))
OPEN_END = dt.date(9999, 12, 31)

# --- name and place lists (kanji, kana, romaji) ------------------------------------------------

FAMILY = [
    ("佐藤", "サトウ", "Sato"),
    ("鈴木", "スズキ", "Suzuki"),
    ("高橋", "タカハシ", "Takahashi"),
    ("田中", "タナカ", "Tanaka"),
    ("伊藤", "イトウ", "Ito"),
    ("渡辺", "ワタナベ", "Watanabe"),
    ("山本", "ヤマモト", "Yamamoto"),
    ("中村", "ナカムラ", "Nakamura"),
    ("小林", "コバヤシ", "Kobayashi"),
    ("加藤", "カトウ", "Kato"),
    ("吉田", "ヨシダ", "Yoshida"),
    ("山田", "ヤマダ", "Yamada"),
    ("佐々木", "ササキ", "Sasaki"),
    ("山口", "ヤマグチ", "Yamaguchi"),
    ("松本", "マツモト", "Matsumoto"),
    ("井上", "イノウエ", "Inoue"),
    ("木村", "キムラ", "Kimura"),
    ("林", "ハヤシ", "Hayashi"),
    ("斎藤", "サイトウ", "Saito"),
    ("清水", "シミズ", "Shimizu"),
    ("山崎", "ヤマザキ", "Yamazaki"),
    ("森", "モリ", "Mori"),
    ("池田", "イケダ", "Ikeda"),
    ("橋本", "ハシモト", "Hashimoto"),
    ("阿部", "アベ", "Abe"),
    ("石川", "イシカワ", "Ishikawa"),
    ("山下", "ヤマシタ", "Yamashita"),
    ("中島", "ナカジマ", "Nakajima"),
    ("石井", "イシイ", "Ishii"),
    ("小川", "オガワ", "Ogawa"),
    ("前田", "マエダ", "Maeda"),
    ("岡田", "オカダ", "Okada"),
    ("長谷川", "ハセガワ", "Hasegawa"),
    ("藤田", "フジタ", "Fujita"),
    ("後藤", "ゴトウ", "Goto"),
    ("近藤", "コンドウ", "Kondo"),
    ("村上", "ムラカミ", "Murakami"),
    ("遠藤", "エンドウ", "Endo"),
    ("青木", "アオキ", "Aoki"),
    ("坂本", "サカモト", "Sakamoto"),
]
GIVEN_MALE = [
    ("太郎", "タロウ", "Taro"),
    ("健", "ケン", "Ken"),
    ("翔太", "ショウタ", "Shota"),
    ("大輔", "ダイスケ", "Daisuke"),
    ("拓也", "タクヤ", "Takuya"),
    ("健太", "ケンタ", "Kenta"),
    ("直樹", "ナオキ", "Naoki"),
    ("誠", "マコト", "Makoto"),
    ("浩二", "コウジ", "Koji"),
    ("大樹", "ダイキ", "Daiki"),
    ("悠斗", "ユウト", "Yuto"),
    ("蓮", "レン", "Ren"),
    ("亮", "リョウ", "Ryo"),
    ("和也", "カズヤ", "Kazuya"),
    ("隆", "タカシ", "Takashi"),
    ("修", "オサム", "Osamu"),
    ("達也", "タツヤ", "Tatsuya"),
    ("剛", "ツヨシ", "Tsuyoshi"),
]
GIVEN_FEMALE = [
    ("花子", "ハナコ", "Hanako"),
    ("陽子", "ヨウコ", "Yoko"),
    ("美咲", "ミサキ", "Misaki"),
    ("由美", "ユミ", "Yumi"),
    ("愛", "アイ", "Ai"),
    ("彩", "アヤ", "Aya"),
    ("恵", "メグミ", "Megumi"),
    ("真由美", "マユミ", "Mayumi"),
    ("結衣", "ユイ", "Yui"),
    ("さくら", "サクラ", "Sakura"),
    ("直美", "ナオミ", "Naomi"),
    ("千尋", "チヒロ", "Chihiro"),
    ("久美子", "クミコ", "Kumiko"),
    ("香織", "カオリ", "Kaori"),
    ("舞", "マイ", "Mai"),
]
# Foreign workers: (nationality, family kana, family romaji, given kana, given romaji).
FOREIGN = [
    (
        "VN",
        [("グエン", "Nguyen"), ("チャン", "Tran"), ("レ", "Le"), ("ファム", "Pham")],
        [
            ("ヴァン ドゥック", "Van Duc"),
            ("ティ ラン", "Thi Lan"),
            ("ミン トゥアン", "Minh Tuan"),
            ("ティ フォン", "Thi Phuong"),
        ],
    ),
    (
        "BR",
        [
            ("シルバ", "Silva"),
            ("サントス", "Santos"),
            ("オリベイラ", "Oliveira"),
            ("ナカムラ", "Nakamura"),
        ],
        [("ジョアン", "Joao"), ("マリア", "Maria"), ("ルーカス", "Lucas"), ("アナ", "Ana")],
    ),
    (
        "PH",
        [("サントス", "Santos"), ("レイエス", "Reyes"), ("クルス", "Cruz")],
        [("マリア", "Maria"), ("ホセ", "Jose"), ("マーク", "Mark")],
    ),
    (
        "ID",
        [("サプトラ", "Saputra"), ("ワヒュディ", "Wahyudi"), ("レスタリ", "Lestari")],
        [("アグス", "Agus"), ("デウィ", "Dewi"), ("リズキ", "Rizki")],
    ),
    (
        "NP",
        [("タパ", "Thapa"), ("グルン", "Gurung"), ("シュレスタ", "Shrestha")],
        [("ラム", "Ram"), ("シタ", "Sita"), ("ビシャル", "Bishal")],
    ),
]
# (status, extra-activity permission, share of foreign workers)
FOREIGN_STATUSES = [
    (ResidenceStatus.PERMANENT_RESIDENT, ExtraActivityPermission.NONE, 30),
    (ResidenceStatus.LONG_TERM_RESIDENT, ExtraActivityPermission.NONE, 25),
    (ResidenceStatus.SPOUSE_OF_JAPANESE_NATIONAL, ExtraActivityPermission.NONE, 15),
    (ResidenceStatus.ENGINEER_HUMANITIES_INTERNATIONAL, ExtraActivityPermission.NONE, 10),
    (ResidenceStatus.STUDENT, ExtraActivityPermission.BLANKET, 12),
    (ResidenceStatus.DEPENDENT, ExtraActivityPermission.BLANKET, 8),
]
# Manufacturing prefectures with a few cities each (JIS X 0401 codes).
PLACES = {
    "23": ["豊田市", "名古屋市港区", "刈谷市", "安城市", "岡崎市"],
    "22": ["浜松市中央区", "磐田市", "湖西市", "富士市"],
    "10": ["太田市", "伊勢崎市", "大泉町"],
    "09": ["宇都宮市", "小山市", "真岡市"],
    "11": ["狭山市", "川越市", "熊谷市"],
    "14": ["厚木市", "相模原市中央区", "平塚市"],
    "24": ["四日市市", "鈴鹿市", "亀山市"],
    "21": ["美濃加茂市", "可児市", "大垣市"],
    "08": ["日立市", "古河市", "常総市"],
    "27": ["堺市堺区", "東大阪市", "門真市"],
    "34": ["広島市南区", "東広島市", "福山市"],
    "40": ["北九州市小倉北区", "苅田町", "宮若市"],
}
INDUSTRIES = [
    ("自動車部品", "部品の組立・検査"),
    ("精密機器", "精密部品の加工・外観検査"),
    ("食品", "食品の製造・包装ライン作業"),
    ("物流", "入出荷・ピッキング・フォークリフト作業"),
    ("電子部品", "基板の実装・検査"),
    ("樹脂成形", "成形機オペレーション・バリ取り"),
]
CLIENT_SUFFIX = ["工業", "製作所", "精機", "産業", "ロジスティクス", "電子", "化成", "食品"]
CLIENT_STEMS = [
    ("東海", "トウカイ"),
    ("中部", "チュウブ"),
    ("三河", "ミカワ"),
    ("遠州", "エンシュウ"),
    ("関東", "カントウ"),
    ("北関東", "キタカントウ"),
    ("大和", "ヤマト"),
    ("日進", "ニッシン"),
    ("富士", "フジ"),
    ("旭", "アサヒ"),
    ("昭和", "ショウワ"),
    ("平和", "ヘイワ"),
    ("光", "ヒカリ"),
    ("新栄", "シンエイ"),
    ("協和", "キョウワ"),
    ("丸菱", "マルビシ"),
]
UNIT_NAMES = ["製造1課", "製造2課", "検査課", "組立課", "物流課", "品質保証課"]


@dataclass
class _Ids:
    """Next free id per table (explicit ids let one batch refer to the previous one)."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class GeneratedCounts:
    counts: dict[str, int] = field(default_factory=dict)


def _my_number(rng: random.Random) -> str:
    first = "".join(rng.choice("0123456789") for _ in range(11))
    return first + str(check_digit(first))


def _seal(value: str, context: str) -> str:
    return field_cipher().encrypt(value, context=context)


def _phone(rng: random.Random) -> str:
    return f"0{rng.choice('789')}0-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"


async def _insert(connection: AsyncConnection, table: str, rows: Sequence[dict[str, Any]]) -> None:
    target = metadata.tables[table]
    for start in range(0, len(rows), BATCH):
        await connection.execute(insert(target), list(rows[start : start + BATCH]))


async def _next_ids(connection: AsyncConnection, tables: Iterable[str]) -> _Ids:
    ids = _Ids()
    for table in tables:
        column = metadata.tables[table].c.id
        ids.next[table] = int(await connection.scalar(select(func.max(column))) or 0) + 1
    return ids


async def _reset_sequences(connection: AsyncConnection, tables: Iterable[str]) -> None:
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        await connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 (own names)
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )


TABLES = (
    "clients", "client_sites", "client_units", "candidates", "employees",
    "dispatch_contracts", "assignments", "assignment_rates",
    "housing_apartments", "housing_rooms", "housing_occupancies",
)  # fmt: skip


class Generator:
    """Builds the rows in memory (deterministic for a seed), then inserts them in bulk."""

    def __init__(self, employees: int, *, seed: int = 20260401, today: dt.date) -> None:
        self.n = employees
        self.rng = random.Random(seed)  # noqa: S311 (demo data, deterministic on purpose)
        self.today = today
        self.now = utcnow()
        self.minimum_wages = MinimumWageTable(shipped_amounts())
        self.rows: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}

    def _stamp(self) -> dict[str, Any]:
        return {"created_at": self.now, "updated_at": self.now, "version": 1}

    # --- clients -------------------------------------------------------------------------

    def clients(self, ids: _Ids) -> list[dict[str, Any]]:
        """Clients, sites (half with a client-stated dispatch start), two units per site."""
        rng = self.rng
        site_count = max(3, self.n // 25)
        client_count = max(2, site_count // 4)
        units: list[dict[str, Any]] = []
        client_ids = []
        for c in range(client_count):
            stem, stem_kana = CLIENT_STEMS[c % len(CLIENT_STEMS)]
            industry = INDUSTRIES[c % len(INDUSTRIES)][0]
            suffix = CLIENT_SUFFIX[(c // len(CLIENT_STEMS)) % len(CLIENT_SUFFIX)]
            name = f"株式会社{stem}{industry}{suffix}" + (f"{c // 128 + 1}" if c >= 128 else "")
            kana = f"{stem_kana}{c}"
            prefecture = rng.choice(list(PLACES))
            client_id = ids.take("clients")
            client_ids.append((client_id, prefecture, name, c % len(INDUSTRIES)))
            self.rows["clients"].append({
                "id": client_id, "name": name, "name_kana": kana, "entity_kind": "corporation",
                "name_key": search_key(name), "kana_key": search_key(kana),
                "sort_key": search_key(kana), "prefecture": prefecture,
                "city": rng.choice(PLACES[prefecture]),
                "address_line1": f"{rng.randint(1, 9)}-{rng.randint(1, 30)}",
                "address_line2": "", "phone": _phone(rng), "notes": "",
                **self._stamp(),
            })  # fmt: skip
        for s in range(site_count):
            client_id, prefecture, client_name, industry_index = client_ids[s % client_count]
            site_prefecture = prefecture if s % 3 else rng.choice(list(PLACES))
            city = rng.choice(PLACES[site_prefecture])
            site_id = ids.take("client_sites")
            site_name = f"{city}工場" + (f"第{s // client_count + 1}" if s >= client_count else "")
            started = dt.date(2023, 4, 1) + dt.timedelta(days=rng.randint(0, 900))
            stated = s % 2 == 0
            conflict = (
                site_conflict_date([DispatchPeriod(started, started)], reference_date=started)
                .conflict_date if stated else None
            )  # fmt: skip
            self.rows["client_sites"].append({
                "id": site_id, "client_id": client_id, "name": site_name,
                "name_key": search_key(site_name), "prefecture": site_prefecture, "city": city,
                "address_line1": f"{rng.randint(1, 20)}-{rng.randint(1, 50)}", "address_line2": "",
                "phone": _phone(rng), "manager_name": self._japanese_name()[0],
                "manager_department": "総務部", "manager_title": "部長",
                "manager_phone": _phone(rng), "complaint_name": self._japanese_name()[0],
                "complaint_department": "人事部", "complaint_title": "課長",
                "dispatch_started_on": started if stated else None, "conflict_date": conflict,
                **self._stamp(),
            })  # fmt: skip
            for u in range(2):
                unit_name = UNIT_NAMES[(s + u) % len(UNIT_NAMES)]
                unit = {
                    "id": ids.take("client_units"), "site_id": site_id, "client_id": client_id,
                    "name": unit_name, "name_key": search_key(unit_name), "head_title": "課長",
                    "supervisor_name": self._japanese_name()[0], "supervisor_department": unit_name,
                    "supervisor_title": "係長", "supervisor_phone": _phone(rng), "notes": "",
                    **self._stamp(),
                }  # fmt: skip
                self.rows["client_units"].append(unit)
                units.append({
                    **unit, "client_name": client_name, "site_name": site_name,
                    "site_conflict_date": conflict, "industry": industry_index,
                    "site_prefecture": site_prefecture,
                })  # fmt: skip
        return units

    # --- people ----------------------------------------------------------------------------

    def _japanese_name(self) -> tuple[str, str, str, str]:
        rng = self.rng
        family = rng.choice(FAMILY)
        gender = rng.choice(("male", "female"))
        given = rng.choice(GIVEN_MALE if gender == "male" else GIVEN_FEMALE)
        return (
            f"{family[0]} {given[0]}",
            f"{family[1]} {given[1]}",
            f"{family[2]} {given[2]}",
            gender,
        )

    def _person(self, taken: set[tuple[str, dt.date]]) -> dict[str, Any]:
        """Names, birth date and residence of one person (unique romaji + birth date)."""
        rng = self.rng
        while True:
            foreign = rng.random() < 0.3
            if foreign:
                nationality, families, givens = rng.choice(FOREIGN)
                family, given = rng.choice(families), rng.choice(givens)
                kanji, kana = None, f"{family[0]} {given[0]}"
                romaji, gender = f"{family[1]} {given[1]}", rng.choice(("male", "female"))
            else:
                nationality = "JP"
                kanji, kana, romaji, gender = self._japanese_name()
            birth = dt.date(1966, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 40))
            key = romaji_key(romaji) or romaji.lower()
            if (key, birth) not in taken:
                taken.add((key, birth))
                break
        person: dict[str, Any] = {
            "name_kanji": kanji, "name_kana": kana, "name_romaji": romaji,
            "kanji_key": name_key(kanji) if kanji else None, "kana_key": name_key(kana),
            "romaji_key": key, "birth_date": birth, "gender": gender,
            "nationality": nationality, "residence_status": None,
            "residence_card_expiry": None, "extra_activity_permission": "NONE",
            "extra_activity_weekly_hours": None, "phone": _phone(rng),
        }  # fmt: skip
        if foreign:
            weights = [w for _, _, w in FOREIGN_STATUSES]
            status, permission, _ = rng.choices(FOREIGN_STATUSES, weights)[0]
            person.update(
                residence_status=status.value,
                residence_card_expiry=self.today + dt.timedelta(days=rng.randint(20, 1500)),
                extra_activity_permission=permission.value,
                extra_activity_weekly_hours=(
                    28 if permission is ExtraActivityPermission.BLANKET else None
                ),
                card_number=(
                    "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
                    + f"{rng.randint(0, 99_999_999):08d}"
                    + "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
                ),
            )  # fmt: skip
        return person

    def people(self, ids: _Ids) -> list[dict[str, Any]]:
        """Employees (with encrypted numbers) and candidates; returns the employees."""
        rng = self.rng
        taken: set[tuple[str, dt.date]] = set()
        employees = []
        for _ in range(self.n):
            person = self._person(taken)
            card = person.pop("card_number", None)
            employee_id = ids.take("employees")
            hire = self.today - dt.timedelta(days=rng.randint(30, 2500))
            kind = "dispatch" if rng.random() < 0.92 else rng.choice(("contract", "staff"))
            left = rng.random() < 0.04
            my_number = _my_number(rng) if rng.random() < 0.8 else None
            account = f"{rng.randint(0, 9_999_999):07d}"
            row = {
                "id": employee_id, **person, "employee_number": f"E{employee_id:06d}",
                "residence_card_number_enc": (
                    _seal(card, "employees.residence_card_number") if card else None
                ),
                "residence_card_last4": card[-4:] if card else None,
                "work_permitted_until": person["residence_card_expiry"],
                "postal_code": f"{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}",
                "prefecture": rng.choice(list(PLACES)),
                "city": None, "address_line1": f"{rng.randint(1, 30)}-{rng.randint(1, 20)}",
                "employment_type": kind,
                "term_type": "indefinite" if rng.random() < 0.12 else "fixed",
                "hire_date": hire,
                "leave_date": self.today - dt.timedelta(days=10) if left else None,
                "status": "left" if left else "active",
                "bank_code": (bank := rng.choice(DEMO_BRANCHES))[0],
                "bank_branch_code": bank[1], "bank_account_type": "ordinary",
                "bank_account_number_enc": _seal(account, "employees.bank_account_number"),
                "bank_account_last4": account[-4:],
                "bank_account_holder_kana": person["name_kana"],
                "my_number_enc": _seal(my_number, "employees.my_number") if my_number else None,
                "my_number_last4": my_number[-4:] if my_number else None,
                "withholding_column": "kou", "conversion_exempt": False, "notes": "",
                **self._stamp(),
            }  # fmt: skip
            row["city"] = rng.choice(PLACES.get(row["prefecture"], ["市内"]))
            employees.append(row)
        self.rows["employees"] = employees
        for _ in range(max(1, self.n // 5)):
            person = self._person(taken)
            card = person.pop("card_number", None)
            self.rows["candidates"].append({
                "id": ids.take("candidates"),
                **{k: v for k, v in person.items() if k != "phone"}, "phone": person["phone"],
                "status": rng.choice(("new", "screening", "interview", "offered", "rejected")),
                "status_changed_at": self.now,
                "reception_date": self.today - dt.timedelta(days=rng.randint(0, 120)),
                "residence_card_number_enc": (
                    _seal(card, "candidates.residence_card_number") if card else None
                ),
                "residence_card_last4": card[-4:] if card else None,
                "licenses": [], "experience": [], "experience_notes": "", "family": [],
                "work_history": [], "notes": "", **self._stamp(),
            })  # fmt: skip
        return employees

    # --- contracts, assignments, rates ---------------------------------------------------------

    def placements(
        self, ids: _Ids, units: list[dict[str, Any]], employees: list[dict[str, Any]]
    ) -> None:
        rng = self.rng
        contracts = {}
        for unit in units:
            industry, work = INDUSTRIES[unit["industry"]]
            contract_id = ids.take("dispatch_contracts")
            bill = Decimal(rng.randrange(1600, 2400, 50))
            contract = {
                "id": contract_id, "contract_number": f"KK-{contract_id:06d}",
                "client_id": unit["client_id"], "site_id": unit["site_id"], "unit_id": unit["id"],
                "client_name": unit["client_name"], "site_name": unit["site_name"],
                "unit_name": unit["name"], "status": "active",
                "period_start": dt.date(2024, 4, 1), "period_end": dt.date(2027, 3, 31),
                "working_days": "月〜金（会社カレンダーによる）", "start_time": dt.time(8, 30),
                "end_time": dt.time(17, 30), "break_minutes": 60, "work_content": work,
                "responsibility_level": "役職なし",
                "work_place": f"{unit['site_name']} {unit['name']}",
                "headcount": 20, "supervisor_name": unit["supervisor_name"],
                "supervisor_department": unit["name"], "supervisor_title": "係長",
                "client_manager_name": self._japanese_name()[0],
                "agency_manager_name": self._japanese_name()[0], "overtime_hours_per_day": 4,
                "overtime_hours_per_month": 45, "overtime_hours_per_year": 360,
                "holiday_work_days_per_month": 2, "limited_to_exempt_workers": False,
                "limited_to_agreement_workers": True, "exemption_note": "",
                "default_hourly_bill": bill, "notes": f"{industry}",
                **self._stamp(),
            }  # fmt: skip
            self.rows["dispatch_contracts"].append(contract)
            contracts[unit["id"]] = (contract, unit)
        by_site: dict[int, list[dict[str, Any]]] = defaultdict(list)
        unit_ids = list(contracts)
        for employee in employees:
            if employee["employment_type"] != "dispatch" or rng.random() > 0.88:
                continue
            status = employee["residence_status"]
            residence = self._residence_limits(employee)
            if residence is None:
                continue
            contract, unit = contracts[rng.choice(unit_ids)]
            start = max(
                contract["period_start"],
                employee["hire_date"],
                dt.date(2024, 4, 1) + dt.timedelta(days=rng.randint(0, 900)),
            )
            if start > contract["period_end"] - dt.timedelta(days=30):
                start = contract["period_end"] - dt.timedelta(days=90)
            end = contract["period_end"]
            if employee["status"] == "left":
                end = max(start, employee["leave_date"] or start)
            permitted = employee["work_permitted_until"]
            if permitted is not None and permitted < start:
                continue  # the stay ends before the work would start: not assignable
            assignment = {
                "id": ids.take("assignments"), "contract_id": contract["id"],
                "employee_id": employee["id"], "client_id": unit["client_id"],
                "site_id": unit["site_id"], "unit_id": unit["id"],
                "contract_number": contract["contract_number"],
                "client_name": unit["client_name"], "site_name": unit["site_name"],
                "unit_name": unit["name"], "start_date": start, "end_date": end,
                "status": "ended" if employee["status"] == "left" else "active",
                "end_reason": "退職" if employee["status"] == "left" else "",
                "work_exemption": None, "exemption_note": "",
                "agency_qualified_for_field": False,
                "work_matches_status": status == ResidenceStatus.ENGINEER_HUMANITIES_INTERNATIONAL,
                "designation_permits_work": False, "supervised_dispatch_type": False,
                "student_enrolled": True, **residence, "allow_negative_margin": False,
                "notes": "", "_birth": employee["birth_date"],
                "_indefinite": employee["term_type"] == "indefinite",
                "_site_date": unit["site_conflict_date"], **self._stamp(),
            }  # fmt: skip
            by_site[unit["site_id"]].append(assignment)
            # At least the site prefecture's minimum wage on every day of the assignment
            # (最低賃金法13条): the highest amount taking effect by its last day.
            floor = self._minimum_wage_floor(unit["site_prefecture"], end)
            pay = Decimal(max(rng.randrange(1150, 1550, 10), -(-floor // 10) * 10))
            bill = contract["default_hourly_bill"]
            self._rate(assignment["id"], start, pay, bill)
            raise_on = start + dt.timedelta(days=365)
            if raise_on <= end and rng.random() < 0.6:
                self._rate(assignment["id"], raise_on, pay + 50, bill + 50)
        self._clocks(by_site)
        today = self.today
        for employee in employees:
            employee["current_client_id"] = employee["current_site_id"] = None
        placed = {e["id"]: e for e in employees}
        for rows in by_site.values():
            for row in rows:
                if row["start_date"] <= today <= row["end_date"] and row["status"] == "active":
                    placed[row["employee_id"]]["current_client_id"] = row["client_id"]
                    placed[row["employee_id"]]["current_site_id"] = row["site_id"]
                for key in ("_birth", "_indefinite", "_site_date"):
                    row.pop(key)
                self.rows["assignments"].append(row)

    def _minimum_wage_floor(self, prefecture: str, last_day: dt.date) -> int:
        amounts = self.minimum_wages.amounts(prefecture)
        return max((a.hourly_yen for a in amounts if a.sort_date <= last_day), default=0)

    def _residence_limits(self, employee: dict[str, Any]) -> dict[str, Any] | None:
        """What the assignment records from the dispatch permission; None when refused."""
        limits: dict[str, Any] = {
            "weekly_hours_limit": None, "vacation_daily_hours_limit": None,
            "permit_document_check": False,
        }  # fmt: skip
        if employee["residence_status"] is None:
            return limits
        status = ResidenceStatus(employee["residence_status"])
        decision = check_dispatch_permitted(
            status,
            work_matches_status=status is ResidenceStatus.ENGINEER_HUMANITIES_INTERNATIONAL,
            extra_activity_permission=ExtraActivityPermission(
                employee["extra_activity_permission"]
            ),
        )
        if not decision.allowed:
            return None
        limits.update(
            weekly_hours_limit=decision.weekly_hours_limit,
            vacation_daily_hours_limit=decision.long_vacation_daily_hours_limit,
            permit_document_check=decision.permit_document_check,
        )
        return limits

    def _rate(self, assignment_id: int, start: dt.date, pay: Decimal, bill: Decimal) -> None:
        self.rows["assignment_rates"].append({
            "id": len(self.rows["assignment_rates"]) + self._rate_base,
            "assignment_id": assignment_id, "effective_from": start,
            "hourly_pay": pay, "hourly_bill": bill, "overtime_pay_pct": Decimal(25),
            "late_night_pay_pct": Decimal(25), "holiday_pay_pct": Decimal(35),
            "overtime_bill_pct": Decimal(25), "late_night_bill_pct": Decimal(25),
            "holiday_bill_pct": Decimal(35), "note": "", "created_at": self.now,
        })  # fmt: skip

    def _clocks(self, by_site: dict[int, list[dict[str, Any]]]) -> None:
        """Both 抵触日 of every assignment, as the assignments service stores them."""
        for rows in by_site.values():
            site_periods = [StoredPeriod(r["start_date"], r["end_date"], False) for r in rows]
            by_person_unit: dict[tuple[int, int], list[StoredPeriod]] = defaultdict(list)
            for r in rows:
                by_person_unit[(r["employee_id"], r["unit_id"])].append(
                    StoredPeriod(r["start_date"], r["end_date"], False)
                )
            for r in rows:
                clocks = compute_clocks(
                    start=r["start_date"],
                    unit_periods=by_person_unit[(r["employee_id"], r["unit_id"])],
                    site_periods=site_periods,
                    client_site_date=r["_site_date"],
                    birth_date=r["_birth"],
                    indefinite_contract=r["_indefinite"],
                    work_exemption=None,
                )
                r.update(
                    exemption=clocks.exemption.value if clocks.exemption else None,
                    site_conflict_date=clocks.site.conflict_date,
                    individual_conflict_date=clocks.individual.conflict_date,
                    conflict_date=clocks.conflict_date,
                    conflict_kind=clocks.conflict_kind,
                )

    # --- housing ---------------------------------------------------------------------------------

    def housing(self, ids: _Ids, employees: list[dict[str, Any]]) -> None:
        """Apartments of 3 rooms; about 40 % of active employees live in one, never more
        occupants than a room's capacity."""
        rng = self.rng
        tenants = [e for e in employees if e["status"] == "active" and rng.random() < 0.4]
        rooms: list[dict[str, Any]] = []
        capacity_total = 0
        while capacity_total < len(tenants):
            prefecture = rng.choice(list(PLACES))
            city = rng.choice(PLACES[prefecture])
            apartment_id = ids.take("housing_apartments")
            name = f"ハイツ{city}{apartment_id}"
            self.rows["housing_apartments"].append({
                "id": apartment_id, "name": name, "name_key": search_key(name),
                "postal_code": f"{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}",
                "prefecture": prefecture, "city": city,
                "address_line1": f"{rng.randint(1, 30)}-{rng.randint(1, 20)}",
                "address_line2": "", "landlord_name": f"{rng.choice(FAMILY)[0]}不動産",
                "lease_start": dt.date(2022, 4, 1), "lease_end": None,
                "monthly_rent": None, "utilities_policy": "flat", "utilities_flat_monthly": 8000,
                "parking_spaces": 2, "parking_fee_monthly": 5000, "notes": "",
                **self._stamp(),
            })  # fmt: skip
            for r in range(3):
                capacity = rng.choice((1, 2, 2, 3, 4))
                room = {
                    "id": ids.take("housing_rooms"), "apartment_id": apartment_id,
                    "name": f"{r + 1}0{r + 1}号室", "capacity": capacity, "monthly_rent": None,
                    "rent_per_occupant": rng.randrange(20000, 45000, 1000), "notes": "",
                    **self._stamp(),
                }  # fmt: skip
                self.rows["housing_rooms"].append(room)
                rooms.append(room)
                capacity_total += capacity
        slots = [room for room in rooms for _ in range(room["capacity"])]
        for tenant, room in zip(tenants, slots, strict=False):
            move_in = max(tenant["hire_date"], dt.date(2022, 4, 1))
            self.rows["housing_occupancies"].append({
                "id": ids.take("housing_occupancies"), "employee_id": tenant["id"],
                "room_id": room["id"], "apartment_id": room["apartment_id"], "move_in": move_in,
                "move_out": None, "occupied_until": OPEN_END,
                "monthly_rent": room["rent_per_occupant"], "utilities_monthly": 8000,
                "parking": False, "parking_fee_monthly": 0, "notes": "", **self._stamp(),
            })  # fmt: skip

    # --- all -----------------------------------------------------------------------------------

    async def write(
        self, connection: AsyncConnection, *, payroll_cutoff_day: int = 0
    ) -> dict[str, int]:
        present = [t for t in TABLES if t in metadata.tables]
        ids = await _next_ids(connection, present)
        ids.next.update((await _next_ids(connection, ATTENDANCE_TABLES)).next)
        self._rate_base = ids.next["assignment_rates"]
        units = self.clients(ids)
        employees = self.people(ids)
        self.placements(ids, units, employees)
        self.housing(ids, employees)
        attendance = AttendanceRows(self.rng, self.today, self.now, payroll_cutoff_day, ids.take)
        attendance.build(self.rows["client_sites"], self.rows["assignments"])
        for table in TABLES:  # parents first: the tuple is in foreign-key order
            await _insert(connection, table, self.rows[table])
        for table, rows in attendance.tables().items():
            await _insert(connection, table, rows)
            self.rows[table] = rows
        await _reset_sequences(connection, [*present, *ATTENDANCE_TABLES])
        return {table: len(rows) for table, rows in self.rows.items()}


async def generate(
    connection: AsyncConnection, *, employees: int, today: dt.date, payroll_cutoff_day: int = 0
) -> dict[str, int]:
    """Insert demo data for ``employees`` employees; returns the row counts per table."""
    return await Generator(employees, today=today).write(
        connection, payroll_cutoff_day=payroll_cutoff_day
    )


async def has_employees(connection: AsyncConnection) -> bool:
    """Whether demo (or real) people exist already: the generator never adds to them."""
    table = metadata.tables["employees"]
    return (await connection.scalar(select(table.c.id).limit(1))) is not None
