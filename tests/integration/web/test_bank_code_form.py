"""The employee form shows a bank code refusal (zengin-code list) on its field."""

from __future__ import annotations

import re

import httpx

from tests.integration.employees.factories import create_employee
from tests.integration.web.conftest import PageLogin, csrf_token


async def test_the_form_shows_the_refusal_on_the_branch_field(
    client: httpx.AsyncClient, make_user, page_login: PageLogin, login
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    api = {"Authorization": (await login(coordinator["email"]))["Authorization"]}
    employee = await create_employee(client, api)
    await page_login(coordinator["email"])
    form = await client.get(f"/employees/{employee['id']}/edit")
    values = dict(
        re.findall(
            r'name="([a-z_0-9-]+)" type="(?:text|date|email|number)" value="([^"]*)"', form.text
        )
    )
    values.update(
        {
            "version": re.search(r'name="version" value="(\d+)"', form.text).group(1),  # type: ignore[union-attr]
            "csrf_token": csrf_token(form.text),
            "branch_code": "999",
            "account_number": "1234567",
        }
    )
    refused = await client.post(f"/employees/{employee['id']}", data=values)
    assert refused.status_code == 422, refused.text
    assert re.search(r'id="f-branch_code"[^>]*aria-invalid="true"', refused.text)
    assert "みずほ has no branch with the code 999." in refused.text
