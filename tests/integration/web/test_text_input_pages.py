"""Page forms validate with the API's schemas, so their text is normalised the same way."""

from __future__ import annotations

import re

import httpx
import pytest
from pydantic import BaseModel
from starlette.datastructures import FormData

from haken.web.forms import parse_form
from tests.integration.web.conftest import PageLogin, csrf_token


async def test_a_form_with_a_control_character_is_re_rendered_with_the_field_error(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="ja")
    await page_login(coordinator["email"])
    token = csrf_token((await client.get("/clients/new")).text)
    refused = await client.post(
        "/clients", data={"name": "株式会社\x1bテスト", "prefecture": "23", "csrf_token": token}
    )
    assert refused.status_code == 422, refused.text
    assert re.search(r'id="f-name"[^>]*aria-invalid="true"', refused.text)
    assert "使用できない文字 (U+001B) を削除してください。" in refused.text
    created = await client.post(
        "/clients",
        data={"name": "株式会社\u202eテスト\u200b", "prefecture": "23", "csrf_token": token},
    )
    assert created.status_code == 303, created.text
    detail = await client.get(created.headers["location"])
    assert "株式会社テスト" in detail.text and "\u202e" not in detail.text


def test_parse_form_refuses_a_schema_that_does_not_normalise() -> None:
    class Plain(BaseModel):
        name: str

    with pytest.raises(TypeError, match="InputModel"):
        parse_form(Plain, FormData({"name": "x"}))
