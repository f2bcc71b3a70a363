"""Web pages of the regional minimum wages: the amounts by fiscal year and prefecture, and
the form through which an admin enters a new fiscal year (47 rows). The home page says when
the current fiscal year's amounts are still missing after October 1."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.minimum_wage import PREFECTURE_CODES, fiscal_year_of
from haken.modules.minimum_wages.auth import MinimumWagesRead, MinimumWagesWrite
from haken.modules.minimum_wages.labels import register_labels
from haken.modules.minimum_wages.schemas import AmountIn, FiscalYearCreate, FiscalYearRead
from haken.modules.minimum_wages.service import minimum_wages_service
from haken.platform.access import Principal, Role
from haken.platform.deps import SessionDep
from haken.platform.errors import NotFoundError
from haken.platform.jptext import PREFECTURES
from haken.platform.ratelimit import admin_limit, default_limit
from haken.web.csrf import CsrfProtected
from haken.web.forms import FormRejected, FormState, parse_rows, save_form
from haken.web.i18n import N_, gettext_
from haken.web.registry import NavItem, Panel, registry
from haken.web.render import confirmation, flash, redirect, render

router = APIRouter(prefix="/minimum-wages", include_in_schema=False)
FiscalYearPath = Annotated[int, Path(ge=2000, le=2100)]


def _today(request: Request) -> dt.date:
    return dt.datetime.now(ZoneInfo(request.app.state.settings.timezone)).date()


@router.get("", dependencies=[Depends(default_limit)])
async def amounts(
    request: Request,
    principal: MinimumWagesRead,
    session: SessionDep,
    fiscal_year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Any:
    """The fiscal years known and one year's amounts (the newest by default)."""
    years = await minimum_wages_service.list_years(session)
    shown: FiscalYearRead | None = None
    chosen = fiscal_year or (years[0].fiscal_year if years else None)
    if chosen is not None:
        try:
            shown = await minimum_wages_service.get_year(session, fiscal_year=chosen)
        except NotFoundError:
            shown = None
    return render(
        request,
        "minimum_wages/list.html",
        {
            "years": years,
            "shown": shown,
            "prefectures": PREFECTURES,
            "can_edit": principal.is_at_least(Role.ADMIN),
        },
    )


async def _new_form(
    request: Request, session: AsyncSession, state: FormState[Any], status_code: int = 200
) -> Any:
    table = await minimum_wages_service.table(session)
    fiscal_year = fiscal_year_of(_today(request))
    previous = {
        code: table.in_force(code, dt.date(fiscal_year + 1, 3, 31)) for code in PREFECTURE_CODES
    }
    return render(
        request,
        "minimum_wages/form.html",
        {
            "form": state,
            "codes": [(int(code), code, PREFECTURES[code]) for code in PREFECTURE_CODES],
            "previous": previous,
        },
        status_code=status_code,
    )


@router.get("/new", dependencies=[Depends(default_limit)])
async def new_year(request: Request, _principal: MinimumWagesWrite, session: SessionDep) -> Any:
    today = _today(request)
    state: FormState[Any] = FormState(values={"fiscal_year": str(fiscal_year_of(today))})
    return await _new_form(request, session, state)


@router.post("", dependencies=[Depends(admin_limit)])
async def add_year(
    request: Request, principal: MinimumWagesWrite, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    state, _rows = parse_rows(FiscalYearCreate, await request.form(), "amounts", AmountIn)
    saved = await save_form(
        state, lambda data: minimum_wages_service.add_year(session, principal, data=data)
    )
    if not state.ok or saved is None:
        raise FormRejected(await _new_form(request, session, state, status_code=422))
    flash(
        request,
        "success",
        gettext_("The FY%(year)s minimum wages were saved.", year=saved.fiscal_year),
    )
    return redirect(request, f"/minimum-wages?fiscal_year={saved.fiscal_year}")


@router.get("/{fiscal_year:int}/delete", dependencies=[Depends(default_limit)])
async def confirm_delete_year(
    request: Request,
    principal: MinimumWagesWrite,
    session: SessionDep,
    fiscal_year: FiscalYearPath,
) -> Any:
    """The confirmation step: removing an entered year is one more deliberate click."""
    await minimum_wages_service.get_year(session, fiscal_year=fiscal_year)  # 404 if absent
    return confirmation(
        request,
        title=gettext_("Remove the FY%(year)s minimum wages", year=fiscal_year),
        question=gettext_(
            "The amounts entered for FY%(year)s are removed for every prefecture.", year=fiscal_year
        ),
        consequences=[
            gettext_("Placements are then checked against the shipped tables only."),
        ],
        action=f"/minimum-wages/{fiscal_year}/delete",
        button=gettext_("Remove FY%(year)s", year=fiscal_year),
        cancel=f"/minimum-wages?fiscal_year={fiscal_year}",
    )


@router.post("/{fiscal_year:int}/delete", dependencies=[Depends(admin_limit)])
async def delete_year(
    request: Request,
    principal: MinimumWagesWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    fiscal_year: FiscalYearPath,
) -> Any:
    await minimum_wages_service.delete_year(session, principal, fiscal_year=fiscal_year)
    message = gettext_("The FY%(year)s minimum wages were removed.", year=fiscal_year)
    flash(request, "success", message)
    return redirect(request, "/minimum-wages")


# --- the home page: the current fiscal year's amounts are missing ---------------------------------


async def _missing_panel(
    request: Request, session: AsyncSession, principal: Principal
) -> dict[str, Any] | None:
    missing = await minimum_wages_service.missing_current_year(session, today=_today(request))
    if missing is None:
        return None
    return {"fiscal_year": missing, "can_edit": principal.is_at_least(Role.ADMIN)}


def register_web() -> None:
    register_labels()
    registry.add_nav(
        NavItem(
            "minimum_wages",
            N_("Minimum wages"),
            "/minimum-wages",
            minimum=Role.COORDINATOR,
            order=70,
        )
    )
    registry.add_home_panel(
        Panel(
            "minimum_wage_missing",
            "minimum_wages/_home_missing.html",
            _missing_panel,
            minimum=Role.COORDINATOR,
            order=35,
        )
    )
