"""The apartment lists' sorts (apartments, occupancy): one enum of fields, each on an index
``(column, id) WHERE archived_at IS NULL`` (the archived list reads its own small index)."""

from __future__ import annotations

from enum import StrEnum

from haken.modules.housing.models import Apartment
from haken.platform.sorting import Sorting


class ApartmentSortField(StrEnum):
    NAME = "name"
    CREATED = "created"


APARTMENT_SORTING = Sorting(
    "ApartmentSort",
    ApartmentSortField,
    {
        ApartmentSortField.NAME: (Apartment.name_key,),  # ix_housing_apartments_active_name
        # ix_housing_apartments_active_created
        ApartmentSortField.CREATED: (Apartment.created_at,),
    },
    tiebreak=Apartment.id,
    default="name",
)
ApartmentSort = APARTMENT_SORTING.param
"""The API's ``sort``: ``name``, ``-name``, ``created``, ``-created`` (the values it had)."""
