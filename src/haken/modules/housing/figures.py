"""The housing area's dashboard figures (haken.platform.figures): beds in active rooms and the
people living there today, per apartment. Unexecuted statements over this area's tables; the
table rules tell the dashboard of every write."""

from __future__ import annotations

from sqlalchemy import func, select

from haken.modules.housing.models import Apartment, Occupancy, Room
from haken.platform.cache import invalidate_on_write
from haken.platform.figures import DASHBOARD_TAG, FigureScope, Rows, figure_row

for _model in (Apartment, Room, Occupancy):
    invalidate_on_write(_model, row_tags=lambda _row: (DASHBOARD_TAG,), bulk_tags=(DASHBOARD_TAG,))


def rows(scope: FigureScope) -> list[Rows]:
    """Coordinators and up only (the dashboard asks only for them)."""
    occupied = (
        select(func.count())
        .where(
            Occupancy.room_id == Room.id,
            Occupancy.move_in <= scope.today,
            Occupancy.occupied_until >= scope.today,
        )
        .correlate(Room)
        .scalar_subquery()
    )
    beds = (
        select(
            Room.apartment_id.label("apartment_id"),
            Apartment.name.label("name"),
            Room.capacity.label("capacity"),
            occupied.label("occupied"),
        )
        .join(Apartment, Apartment.id == Room.apartment_id)
        .where(Room.archived_at.is_(None), Apartment.archived_at.is_(None))
        .subquery()
    )
    return [
        figure_row(
            "housing_capacity",
            func.sum(beds.c.capacity),
            key=beds.c.apartment_id,
            label=func.max(beds.c.name),
        ).group_by(beds.c.apartment_id),
        figure_row(
            "housing_occupied",
            func.sum(beds.c.occupied),
            key=beds.c.apartment_id,
            label=func.max(beds.c.name),
        ).group_by(beds.c.apartment_id),
    ]
