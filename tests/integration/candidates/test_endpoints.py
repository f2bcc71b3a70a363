"""Candidates over HTTP: 履歴書, pipeline, hire, duplicates, photo, scope, PII, counts."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import select, text

from haken.modules.audit.models import AuditEntry
from haken.modules.candidates.photos import PHOTO_MAX_BYTES, photo_dir
from haken.modules.candidates.schemas import TRANSITIONS, CandidateStatus
from haken.platform.cache import cache_bypass
from haken.platform.db import assert_num_queries, session_scope
from haken.platform.security import field_cipher
from tests.images import GPS_IFD, jpeg_with_gps, png, png_declaring
from tests.integration.employees.factories import (
    candidate_body,
    code_of,
    create_employee,
    today,
)

CARD = "XY87654321ZW"
PNG = png()
HIRE = {"employment_type": "dispatch", "term_type": "fixed", "hire_date": "2026-12-01"}


async def create_candidate(
    client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/candidates", headers=headers, json=candidate_body(**overrides)
    )
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


async def move(
    client: httpx.AsyncClient, headers: dict[str, str], candidate: dict[str, Any], *steps: str
) -> dict[str, Any]:
    for step in steps:
        response = await client.post(
            f"/api/candidates/{candidate['id']}/status",
            headers=headers,
            json={"status": step, "version": candidate["version"], "note": f"to {step}"},
        )
        assert response.status_code == 200, response.text
        candidate = response.json()["data"]
    return candidate


async def test_resume_round_trip_with_masked_card_and_ciphertext_at_rest(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    candidate = await create_candidate(client, coordinator)
    assert candidate["status"] == "new"
    assert candidate["residence_card_number_masked"] == "********21ZW"
    assert CARD not in str(candidate)
    assert candidate["licenses"][0] == {
        "kind": "forklift",
        "name": "",
        "acquired_on": "2022-06-01",
        "expires_on": None,
    }
    assert candidate["experience"] == ["forklift", "car_parts_line"]
    assert candidate["shoe_size_cm"] == "24.5"
    assert candidate["postal_code"] == "430-0901"
    assert candidate["emergency_contact"]["phone"] == "080-1111-2222"
    assert candidate["status_history"][0]["to_status"] == "new"
    assert candidate["reception_date"] == today().isoformat()
    async with app.state.database.engine.connect() as connection:
        stored = (
            await connection.execute(
                text("SELECT residence_card_number_enc FROM candidates WHERE id = :id"),
                {"id": candidate["id"]},
            )
        ).scalar_one()
    assert CARD not in stored
    assert field_cipher().decrypt(stored, context="candidates.residence_card_number") == CARD
    bad = await client.post(
        "/api/candidates", headers=coordinator, json=candidate_body(residence_card_number="12AB")
    )
    assert bad.status_code == 422


async def test_candidates_are_for_coordinators_and_above(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    candidate = await create_candidate(client, coordinator)
    for role in ("site_manager", "employee"):
        headers = await auth_headers(role)
        assert (await client.get("/api/candidates", headers=headers)).status_code == 403
        read = await client.get(f"/api/candidates/{candidate['id']}", headers=headers)
        assert read.status_code == 403
    assert (await client.get("/api/candidates/999999", headers=coordinator)).status_code == 404


@pytest.mark.parametrize("current", list(CandidateStatus))
async def test_transition_table_is_enforced(
    client: httpx.AsyncClient, auth_headers: Any, current: CandidateStatus
) -> None:
    """Every (current → target) pair: allowed exactly when TRANSITIONS says so; ``hired``
    never through the status endpoint."""
    coordinator = await auth_headers("coordinator")
    paths = {
        CandidateStatus.NEW: [],
        CandidateStatus.SCREENING: ["screening"],
        CandidateStatus.INTERVIEW: ["screening", "interview"],
        CandidateStatus.OFFERED: ["screening", "interview", "offered"],
        CandidateStatus.REJECTED: ["rejected"],
        CandidateStatus.WITHDRAWN: ["withdrawn"],
    }
    for target in CandidateStatus:
        candidate = await create_candidate(
            client, coordinator, name_romaji=f"Person {current.value} {target.value}"
        )
        if current is CandidateStatus.HIRED:
            candidate = await move(
                client, coordinator, candidate, "screening", "interview", "offered"
            )
            hired = await client.post(
                f"/api/candidates/{candidate['id']}/hire",
                headers=coordinator,
                json={**HIRE, "version": candidate["version"]},
            )
            assert hired.status_code == 201, hired.text
            candidate = hired.json()["data"]["candidate"]
        else:
            candidate = await move(client, coordinator, candidate, *paths[current])
        response = await client.post(
            f"/api/candidates/{candidate['id']}/status",
            headers=coordinator,
            json={"status": target.value, "version": candidate["version"]},
        )
        allowed = target in TRANSITIONS[current] and target is not CandidateStatus.HIRED
        if allowed:
            assert response.status_code == 200, (current, target, response.text)
            history = response.json()["data"]["status_history"]
            assert history[-1]["from_status"] == current.value
            assert history[-1]["to_status"] == target.value
        else:
            assert response.status_code == 409, (current, target)
            assert code_of(response) == "CANDIDATE_INVALID_TRANSITION"


async def test_hire_creates_the_employee_in_one_transaction(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    candidate = await create_candidate(client, coordinator)
    early = await client.post(
        f"/api/candidates/{candidate['id']}/hire",
        headers=coordinator,
        json={**HIRE, "version": candidate["version"]},
    )
    assert code_of(early) == "CANDIDATE_INVALID_TRANSITION"
    candidate = await move(client, coordinator, candidate, "screening", "interview", "offered")
    hired = await client.post(
        f"/api/candidates/{candidate['id']}/hire",
        headers=coordinator,
        json={
            **HIRE,
            "version": candidate["version"],
            "client_worker_id": "T-0042",
            "contract_periods": [{"start_date": "2026-12-01", "end_date": "2027-05-31"}],
        },
    )
    assert hired.status_code == 201, hired.text
    data = hired.json()["data"]
    employee, after = data["employee"], data["candidate"]
    assert after["status"] == "hired" and after["employee_id"] == employee["id"]
    assert employee["candidate_id"] == candidate["id"]
    assert employee["name_romaji"] == "Santos Maria" and employee["birth_date"] == "1998-09-30"
    assert employee["client_worker_id"] == "T-0042"
    assert employee["residence_card_number_masked"] == "********21ZW"
    assert len(employee["contract_periods"]) == 1
    request_id = hired.headers["x-request-id"]
    async with session_scope(app.state.database, write=True) as session:
        rows = (
            await session.scalars(select(AuditEntry).where(AuditEntry.request_id == request_id))
        ).all()
    assert {(row.entity_type, row.action) for row in rows} == {
        ("employee", "create"),
        ("candidate", "hire"),
    }
    admin = await auth_headers("admin")
    revealed = await client.post(
        f"/api/employees/{employee['id']}/reveal",
        headers=admin,
        json={"fields": ["residence_card_number"], "purpose": "雇用状況届出"},
    )
    assert revealed.json()["data"]["residence_card_number"] == CARD
    again = await client.post(
        f"/api/candidates/{candidate['id']}/hire",
        headers=coordinator,
        json={**HIRE, "version": after["version"]},
    )
    assert code_of(again) == "CANDIDATE_INVALID_TRANSITION"


async def test_hire_refuses_a_duplicate_and_writes_nothing(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    existing = await create_employee(
        client,
        coordinator,
        name_romaji="SANTOS  MARÍA",
        birth_date="1998-09-30",
        name_kana="まったく べつの よみ",
    )
    candidate = await create_candidate(client, coordinator)
    candidate = await move(client, coordinator, candidate, "screening", "interview", "offered")
    refused = await client.post(
        f"/api/candidates/{candidate['id']}/hire",
        headers=coordinator,
        json={**HIRE, "version": candidate["version"]},
    )
    assert refused.status_code == 409
    assert code_of(refused) == "EMPLOYEE_DUPLICATE"
    assert refused.json()["error"]["details"] == {
        "employee_id": existing["id"],
        "fields": ["name_romaji"],  # the error names its field (issue 14)
    }
    read = (await client.get(f"/api/candidates/{candidate['id']}", headers=coordinator)).json()
    assert read["data"]["status"] == "offered"
    assert read["data"]["version"] == candidate["version"]
    assert read["data"]["employee_id"] is None
    employees = (await client.get("/api/employees", headers=coordinator)).json()["data"]
    assert [row["id"] for row in employees] == [existing["id"]]


async def test_same_kana_is_not_a_duplicate(client: httpx.AsyncClient, auth_headers: Any) -> None:
    coordinator = await auth_headers("coordinator")
    await create_employee(
        client,
        coordinator,
        name_kana="サントス マリア",
        name_romaji="Santos Mariana",
        birth_date="1998-09-30",
    )
    candidate = await create_candidate(client, coordinator)
    candidate = await move(client, coordinator, candidate, "screening", "interview", "offered")
    hired = await client.post(
        f"/api/candidates/{candidate['id']}/hire",
        headers=coordinator,
        json={**HIRE, "version": candidate["version"]},
    )
    assert hired.status_code == 201, hired.text


async def test_stale_version_is_a_conflict(client: httpx.AsyncClient, auth_headers: Any) -> None:
    coordinator = await auth_headers("coordinator")
    candidate = await create_candidate(client, coordinator)
    first = await client.patch(
        f"/api/candidates/{candidate['id']}",
        headers=coordinator,
        json={"version": candidate["version"], "jlpt_level": "N2", "licenses": []},
    )
    assert first.status_code == 200, first.text
    assert first.json()["data"]["licenses"] == []
    stale = await client.patch(
        f"/api/candidates/{candidate['id']}",
        headers=coordinator,
        json={"version": candidate["version"], "jlpt_level": "N1"},
    )
    assert stale.status_code == 409 and code_of(stale) == "VERSION_CONFLICT"
    null_name = await client.patch(
        f"/api/candidates/{candidate['id']}",
        headers=coordinator,
        json={"version": first.json()["data"]["version"], "name_kana": None},
    )
    assert null_name.status_code == 422


async def test_photo_upload_checks_content_and_serves_it_back(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    candidate = await create_candidate(client, coordinator)
    url = f"/api/candidates/{candidate['id']}/photo"
    fake = await client.put(
        url,
        headers=coordinator,
        files={"file": ("photo.png", b"<html>not an image</html>", "image/png")},
        data={"version": str(candidate["version"])},
    )
    assert fake.status_code == 415 and code_of(fake) == "CANDIDATE_PHOTO_TYPE"
    huge = await client.put(
        url,
        headers=coordinator,
        files={"file": ("big.png", PNG + b"\x00" * PHOTO_MAX_BYTES, "image/png")},
        data={"version": str(candidate["version"])},
    )
    assert huge.status_code == 413 and code_of(huge) == "CANDIDATE_PHOTO_TOO_LARGE"
    assert (await client.get(url, headers=coordinator)).status_code == 404
    stored = await client.put(
        url,
        headers=coordinator,
        files={"file": ("../../etc/passwd.jpg", PNG, "image/jpeg")},
        data={"version": str(candidate["version"])},
    )
    assert stored.status_code == 200, stored.text
    assert stored.json()["data"]["has_photo"] is True
    served = await client.get(url, headers=coordinator)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"  # sniffed, not the client's claim
    with Image.open(io.BytesIO(served.content)) as image:  # re-encoded: same pixels
        assert image.format == "PNG" and image.size == (12, 8)
        assert image.convert("RGB").getpixel((0, 0)) == (200, 30, 30)
    files = list(photo_dir(Path(app.state.settings.data_dir)).iterdir())
    names = [f.name for f in files]
    assert all("passwd" not in name for name in names)
    assert any(name.endswith(".png") and len(name) == 36 for name in names)
    employee_headers = await auth_headers("employee")
    assert (await client.get(url, headers=employee_headers)).status_code == 403


async def _photo_file(app: Any, candidate_id: int) -> Path:
    async with session_scope(app.state.database, write=True) as session:
        name = (
            await session.execute(
                text("SELECT photo_file FROM candidates WHERE id = :id"), {"id": candidate_id}
            )
        ).scalar_one()
    return Path(name)


async def test_photo_upload_decodes_the_image_and_strips_its_metadata(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    candidate = await create_candidate(client, coordinator)
    url = f"/api/candidates/{candidate['id']}/photo"
    version = {"version": str(candidate["version"])}

    async def upload(content: bytes, name: str = "photo.png") -> httpx.Response:
        return await client.put(
            url, headers=coordinator, files={"file": (name, content, "image/png")}, data=version
        )

    # Magic bytes alone are not an image: a PNG header followed by a script is refused.
    forged = await upload(b"\x89PNG\r\n\x1a\n<script>alert(document.cookie)</script>")
    assert forged.status_code == 415 and code_of(forged) == "CANDIDATE_PHOTO_TYPE"
    truncated = await upload(PNG[: len(PNG) // 2])
    assert truncated.status_code == 415 and code_of(truncated) == "CANDIDATE_PHOTO_TYPE"
    # A small file declaring 20000 × 20000 pixels is refused before any pixel is decoded.
    bomb = await upload(png_declaring(20_000, 20_000))
    assert bomb.status_code == 413 and code_of(bomb) == "CANDIDATE_PHOTO_TOO_MANY_PIXELS"
    assert (await client.get(url, headers=coordinator)).status_code == 404  # nothing stored

    # A phone JPEG with a GPS position: stored and served without any EXIF.
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(GPS_IFD)  # the fixture does carry a position
    stored = await upload(original, "IMG_0001.jpg")
    assert stored.status_code == 200, stored.text
    served = await client.get(url, headers=coordinator)
    assert served.headers["content-type"] == "image/jpeg"
    name = (await _photo_file(app, candidate["id"])).name
    on_disk = [(photo_dir(Path(app.state.settings.data_dir)) / name).read_bytes()]
    for content in (served.content, *on_disk):
        assert b"Exif" not in content and b"PhoneMaker" not in content
        with Image.open(io.BytesIO(content)) as image:
            assert image.format == "JPEG" and image.size == (40, 30)
            assert dict(image.getexif()) == {}

    # A real PNG with a script appended: accepted, the appendix is gone.
    again = await client.put(
        url,
        headers=coordinator,
        files={"file": ("p.png", PNG + b"<script>alert(1)</script>", "image/png")},
        data={"version": str(stored.json()["data"]["version"])},
    )
    assert again.status_code == 200, again.text
    assert b"script" not in (await client.get(url, headers=coordinator)).content


async def test_delete_removes_an_unhired_candidate_and_archives_a_hired_one(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    rejected = await create_candidate(client, coordinator, name_romaji="Silva Ana")
    rejected = await move(client, coordinator, rejected, "rejected")
    gone = await client.delete(
        f"/api/candidates/{rejected['id']}?version={rejected['version']}", headers=coordinator
    )
    assert gone.json()["data"] == {"deleted": True, "candidate": None}
    assert (
        await client.get(f"/api/candidates/{rejected['id']}", headers=coordinator)
    ).status_code == 404
    hired = await create_candidate(client, coordinator)
    hired = await move(client, coordinator, hired, "screening", "interview", "offered")
    result = await client.post(
        f"/api/candidates/{hired['id']}/hire",
        headers=coordinator,
        json={**HIRE, "version": hired["version"]},
    )
    hired = result.json()["data"]["candidate"]
    archived = await client.delete(
        f"/api/candidates/{hired['id']}?version={hired['version']}", headers=coordinator
    )
    body = archived.json()["data"]
    assert body["deleted"] is False and body["candidate"]["archived_at"] is not None
    assert (await client.get("/api/candidates", headers=coordinator)).json()["data"] == []
    listed = await client.get("/api/candidates?include_archived=true", headers=coordinator)
    assert [row["id"] for row in listed.json()["data"]] == [hired["id"]]


async def test_personal_data_stays_out_of_audit_diffs(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    candidate = await create_candidate(client, coordinator)
    await client.patch(
        f"/api/candidates/{candidate['id']}",
        headers=coordinator,
        json={
            "version": candidate["version"],
            "residence_card_number": "QW11112222ER",
            "phone": "070-3333-4444",
        },
    )
    admin = await auth_headers("admin")
    revealed = await client.post(
        f"/api/candidates/{candidate['id']}/reveal",
        headers=admin,
        json={"fields": ["residence_card_number", "my_number"], "purpose": "在留カード確認"},
    )
    assert revealed.json()["data"] == {
        "my_number": None,
        "residence_card_number": "QW11112222ER",
        "bank_account_number": None,
    }
    async with session_scope(app.state.database, write=True) as session:
        rows = (
            await session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "candidate"))
        ).all()
    assert {row.action for row in rows} == {"create", "update", "reveal"}
    everything = " ".join(repr(row.changes) for row in rows)
    for value in (
        CARD,
        "QW11112222ER",
        "080-9876-5432",
        "070-3333-4444",
        "maria@test.example",
        "1998-09-30",
        "080-1111-2222",
        "曳馬1-2-3",
    ):
        assert value not in everything, value


async def test_search_filters_and_sorts(client: httpx.AsyncClient, auth_headers: Any) -> None:
    coordinator = await auth_headers("coordinator")
    maria = await create_candidate(client, coordinator)
    taro = await create_candidate(
        client,
        coordinator,
        name_kanji="鈴木 太郎",
        name_kana="スズキ タロウ",
        name_romaji="Suzuki Taro",
        nationality="JP",
        residence_status=None,
        residence_card_number=None,
        residence_card_expiry=None,
    )

    async def ids(query: str) -> list[int]:
        response = await client.get(f"/api/candidates?{query}", headers=coordinator)
        assert response.status_code == 200, response.text
        return [row["id"] for row in response.json()["data"]]

    assert await ids("q=すずき") == [taro["id"]]
    assert await ids("q=ｻﾝﾄｽ") == [maria["id"]]
    assert await ids("q=鈴木") == [taro["id"]]
    assert await ids("q=SANTOS%20m") == [maria["id"]]
    assert await ids("sort=newest") == [taro["id"], maria["id"]]
    assert await ids("sort=kana") == [maria["id"], taro["id"]]
    assert await ids("sort=romaji") == [maria["id"], taro["id"]]
    # The list pattern's values (issue 14): field ascending, -field descending.
    assert await ids("sort=-created") == [taro["id"], maria["id"]]
    assert await ids("sort=created") == [maria["id"], taro["id"]]
    assert await ids("sort=-kana") == [taro["id"], maria["id"]]
    assert await ids("sort=-romaji") == [taro["id"], maria["id"]]
    bogus = await client.get("/api/candidates?sort=oldest", headers=coordinator)
    assert bogus.status_code == 422
    assert await ids("nationality=jp") == [taro["id"]]
    assert await ids("residence_status=LONG_TERM_RESIDENT") == [maria["id"]]
    assert await ids("status=new") == [taro["id"], maria["id"]]
    assert await ids("status=offered") == []


async def test_residence_expiring_lists_open_candidates(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    now = today()
    soon = await create_candidate(
        client, coordinator, residence_card_expiry=(now + dt.timedelta(days=15)).isoformat()
    )
    expired = await create_candidate(
        client,
        coordinator,
        name_romaji="Silva Ana",
        residence_card_expiry=(now - dt.timedelta(days=3)).isoformat(),
    )
    withdrawn = await create_candidate(
        client,
        coordinator,
        name_romaji="Costa Rui",
        residence_card_expiry=(now + dt.timedelta(days=5)).isoformat(),
    )
    await move(client, coordinator, withdrawn, "withdrawn")
    await create_candidate(
        client,
        coordinator,
        name_romaji="Lima Eva",
        residence_card_expiry=(now + dt.timedelta(days=300)).isoformat(),
    )
    response = await client.get("/api/candidates/residence-expiring?days=30", headers=coordinator)
    rows = response.json()["data"]
    assert [row["id"] for row in rows] == [expired["id"], soon["id"]]
    assert [row["days_left"] for row in rows] == [-3, 15]
    assert {row["kind"] for row in rows} == {"candidate"}


@pytest.mark.parametrize("path", ["/api/candidates", "/api/candidates/residence-expiring?days=730"])
async def test_list_query_count_is_fixed_at_every_page(
    client: httpx.AsyncClient, auth_headers: Any, path: str
) -> None:
    """The principal (1) + the page (1), on the first page and after a cursor."""
    coordinator = await auth_headers("coordinator")
    for i in range(5):
        await create_candidate(client, coordinator, name_romaji=f"Candidate {chr(65 + i)}")
    separator = "&" if "?" in path else "?"
    with cache_bypass(), assert_num_queries(2):
        first = await client.get(f"{path}{separator}limit=2", headers=coordinator)
    assert first.status_code == 200, first.text
    cursor = first.json()["pagination"]["next_cursor"]
    assert cursor
    with cache_bypass(), assert_num_queries(2):
        second = await client.get(f"{path}{separator}limit=2&cursor={cursor}", headers=coordinator)
    assert second.status_code == 200
    assert len(second.json()["data"]) == 2
    with cache_bypass(), assert_num_queries(2):  # the total rides along in the same statement
        counted = await client.get(f"{path}{separator}limit=2&count=true", headers=coordinator)
    assert counted.json()["pagination"]["total"] == 5
