"""Catalog errors of the housing area (HOUSING_)."""

from __future__ import annotations

from haken.platform.errors import HakenError


class RoomFullError(HakenError):
    code = "HOUSING_ROOM_FULL"
    status_code = 409
    message_en = "The room holds {capacity}; it would be over capacity during this stay."
    message_ja = "この部屋の定員は {capacity} 名です。この期間に定員を超えます。"


class EmployeeAlreadyHousedError(HakenError):
    code = "HOUSING_EMPLOYEE_ALREADY_HOUSED"
    status_code = 409
    message_en = "The employee already lives in company housing during this period."
    message_ja = "この社員はこの期間に既に社宅に入居しています。"


class ParkingFullError(HakenError):
    code = "HOUSING_PARKING_FULL"
    status_code = 409
    message_en = "All {spaces} parking spaces of the apartment are taken during this stay."
    message_ja = "この期間、社宅の駐車場（{spaces} 台分）に空きがありません。"


class MoveOutBeforeMoveInError(HakenError):
    code = "HOUSING_MOVE_OUT_BEFORE_MOVE_IN"
    status_code = 422
    fields = ("move_out",)
    message_en = "The move-out date is before the move-in date."
    message_ja = "退去日が入居日より前です。"


class AlreadyMovedOutError(HakenError):
    code = "HOUSING_ALREADY_MOVED_OUT"
    status_code = 409
    message_en = "This stay already has a move-out date."
    message_ja = "この入居は既に退去済みです。"


class RoomArchivedError(HakenError):
    code = "HOUSING_ROOM_ARCHIVED"
    status_code = 409
    message_en = "The room or its apartment is archived; nobody can move in."
    message_ja = "この部屋（または社宅）はアーカイブ済みのため入居できません。"


class ApartmentArchivedError(HakenError):
    code = "HOUSING_APARTMENT_ARCHIVED"
    status_code = 409
    message_en = "The apartment is archived; restore it before adding rooms."
    message_ja = "この社宅はアーカイブ済みです。部屋を追加する前に復元してください。"


class CapacityBelowOccupantsError(HakenError):
    code = "HOUSING_CAPACITY_BELOW_OCCUPANTS"
    status_code = 409
    fields = ("capacity",)
    message_en = "The room has more occupants now or later than the new capacity."
    message_ja = "現在または今後の入居者数が新しい定員を超えます。"


class UnknownEmployeeError(HakenError):
    code = "HOUSING_EMPLOYEE_UNKNOWN"
    status_code = 422
    message_en = "No such employee, or the employee has left."
    message_ja = "社員が存在しないか、退職済みです。"
