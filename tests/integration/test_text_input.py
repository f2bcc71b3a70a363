"""Text input is normalised in one place (haken.platform.schemas), on SQLite and PostgreSQL.

Walks every write route's request body (a new module cannot forget the normalising base),
then stores names with NUL, an ANSI escape, a right-to-left override and zero-width
characters through the API and reads back what was stored.
"""

from __future__ import annotations

import types
import typing
from typing import Any

import httpx
from fastapi import UploadFile
from pydantic import BaseModel

from haken.platform.routes import iter_routes
from haken.platform.schemas import INVALID_CHARACTER, InputModel

# Bodies that carry no text a user types: an uploaded file's bytes, a form's integer.
NON_TEXT_BODIES: tuple[type, ...] = (UploadFile, int)


def _models_in(annotation: Any) -> set[type[BaseModel]]:
    """Every Pydantic model an annotation mentions (Optional, list[...], dict[..., ...])."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found = {annotation}
        for field in annotation.model_fields.values():
            found |= _models_in(field.annotation)
        return found
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    if origin is not None or isinstance(annotation, types.UnionType):
        return set().union(*(_models_in(arg) for arg in typing.get_args(annotation)))
    return set()


async def test_every_write_body_and_its_nested_models_inherit_the_normalising_base(app) -> None:
    checked = 0
    for route in iter_routes(app):
        for body in route.body_types:
            where = f"{sorted(route.methods)} {route.path}"
            if isinstance(body, type) and issubclass(body, NON_TEXT_BODIES):
                continue
            models = _models_in(body)
            assert models, f"{where}: body {body!r} is not a model; declare an InputModel"
            for model in models:
                assert issubclass(model, InputModel), (
                    f"{where}: {model.__name__} must inherit haken.platform.schemas.InputModel"
                )
                checked += 1
    assert checked >= 40  # the walk really saw the bodies (clients, people, housing …)


async def test_a_client_name_is_stored_without_invisible_characters(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    created = await client.post(
        "/api/clients",
        headers=headers,
        json={
            "name": "\ufeff株式会社\u202eテスト\u200b工業\u2066",
            "name_kana": "テスト\u200dコウギョウ",
            "prefecture": "23",
            "notes": "一行目\r\n二行目\tタブ",
        },
    )
    assert created.status_code == 201, created.text
    client_id = created.json()["data"]["id"]
    stored = (await client.get(f"/api/clients/{client_id}", headers=headers)).json()["data"]
    assert stored["name"] == "株式会社テスト工業"
    assert stored["name_kana"] == "テストコウギョウ"
    assert stored["notes"] == "一行目\n二行目\tタブ"
    # A search term goes through the same normaliser (controls dropped, not refused).
    found = await client.get("/api/clients", headers=headers, params={"q": "テスト\x00\u202e"})
    assert found.status_code == 200, found.text
    assert [row["id"] for row in found.json()["data"]] == [client_id]


async def test_a_nul_or_an_ansi_escape_is_refused_naming_the_field_and_nothing_is_written(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    for field, value, code_point in [
        ("name", "悪い\x00会社", "U+0000"),
        ("notes", "\x1b[31mred\x1b[0m", "U+001B"),
        ("city", "豊田市\x85", "U+0085"),
    ]:
        body = {"name": "株式会社テスト", "prefecture": "23", field: value}
        refused = await client.post("/api/clients", headers=headers, json=body)
        assert refused.status_code == 422, refused.text
        error = refused.json()["error"]
        assert error["code"] == "VALIDATION_FAILED"
        assert [(d["loc"], d["code"]) for d in error["details"]] == [(field, INVALID_CHARACTER)]
        assert code_point in error["details"][0]["message"]
    listed = await client.get("/api/clients", headers=headers)
    assert listed.json()["data"] == []


async def test_a_candidate_keeps_japanese_and_composes_combining_marks(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    created = await client.post(
        "/api/candidates",
        headers=headers,
        json={
            "name_kanji": "佐々木\u200b\u202e髙橋",
            "name_kana": "ささき\u3099",  # combining dakuten: き + ゛ → ぎ
            "name_romaji": "Jose\u0301 Nguye\u0302\u0303n",
            "birth_date": "1995-05-05",
            "family": [{"name": "田中\u2067花子", "relationship": "妹"}],
        },
    )
    assert created.status_code == 201, created.text
    candidate = created.json()["data"]
    stored = (await client.get(f"/api/candidates/{candidate['id']}", headers=headers)).json()
    data = stored["data"]
    assert data["name_kanji"] == "佐々木髙橋"
    assert data["name_kana"] == "ささぎ"
    assert data["name_romaji"] == "José Nguyễn"
    assert data["family"][0]["name"] == "田中花子"  # nested models are normalised too
    refused = await client.patch(
        f"/api/candidates/{candidate['id']}",
        headers=headers,
        json={
            "version": data["version"],
            "work_history": [{"company": "A\x00", "start_month": "2020-01"}],
        },
    )
    assert refused.status_code == 422, refused.text
    [detail] = refused.json()["error"]["details"]
    assert detail["code"] == INVALID_CHARACTER and detail["loc"].startswith("work_history")
