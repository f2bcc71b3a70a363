"""Labels of apartments, rooms and stays (their forms' labels), for the audit log."""

from __future__ import annotations

from haken.modules.housing.service import housing_service
from haken.web.i18n import N_
from haken.web.registry import RecordLabels, registry

APARTMENT_FIELDS = {
    "name": N_("Apartment name"),
    "landlord_name": N_("Landlord"),
    "monthly_rent": N_("Rent paid to the landlord (yen a month)"),
    "utilities_policy": N_("Utilities"),
    "utilities_flat_monthly": N_("Utilities per occupant (yen a month)"),
    "parking_spaces": N_("Parking spaces"),
    "parking_fee_monthly": N_("Parking fee (yen a month)"),
}
ROOM_FIELDS = {
    "name": N_("Room"),
    "apartment_id": N_("Apartment"),
    "capacity": N_("Beds"),
    "rent_per_occupant": N_("Rent per occupant (yen a month)"),
}
OCCUPANCY_FIELDS = {
    "apartment_id": N_("Apartment"),
    "room_id": N_("Room"),
    "move_in": N_("Move-in date"),
    "move_out": N_("Move-out date"),
    "monthly_rent": N_("Rent (yen a month)"),
    "utilities_monthly": N_("Utilities (yen a month)"),
    "parking": N_("Uses a parking space"),
    "parking_fee_monthly": N_("Parking fee (yen a month)"),
}


def register_labels() -> None:
    registry.add_record_labels(
        "housing_apartment",
        RecordLabels(
            N_("Apartment"),
            APARTMENT_FIELDS,
            "/housing/{id}",
            names=housing_service.apartment_names,
        ),
    )
    registry.add_record_labels("housing_room", RecordLabels(N_("Room"), ROOM_FIELDS))
    registry.add_record_labels(
        "housing_occupancy", RecordLabels(N_("Housing stay"), OCCUPANCY_FIELDS)
    )
