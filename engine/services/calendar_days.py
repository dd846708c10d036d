"""Admin overrides of the working calendar, and warnings about years without holiday data."""

from __future__ import annotations

from datetime import date

from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.store.context import EngineContext
from engine.store.models import CalendarDay


def set_day(ctx: EngineContext, actor: Actor, day: date, is_workday: bool, note: str = "") -> None:
    require(actor, Permission.MANAGE_CALENDAR)
    with ctx.uow(write=True) as uow:
        row = uow.session.get(CalendarDay, day) or CalendarDay(day=day)
        row.is_workday, row.note = is_workday, note
        uow.session.add(row)
        uow.commit()
    ctx.forget_reference_data()


def calendar_warnings(ctx: EngineContext, actor: Actor, today: date) -> list[str]:
    """Name the current or next year when neither the holiday package nor an override covers it."""
    require(actor, Permission.MANAGE_CALENDAR)
    with ctx.uow() as uow:
        calendar = ctx.calendar(uow.session)
    return [
        f"no public-holiday data for {year}: deadlines in {year} count Monday–Friday only "
        "until the holidays are entered as calendar overrides or the chinesecalendar package is updated"
        for year in calendar.missing_years(today)
    ]
