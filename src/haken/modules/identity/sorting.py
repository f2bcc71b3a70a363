"""The user list's sorts: one enum of fields, each walked by an index.

``registered`` is the primary key alone (ids are given in registration order); ``email`` is
the unique index on ``users.email`` (unique, so the id tie-break never decides)."""

from __future__ import annotations

from enum import StrEnum

from haken.modules.identity.models import User
from haken.platform.sorting import Sorting


class UserSortField(StrEnum):
    REGISTERED = "registered"
    EMAIL = "email"


USER_SORTING = Sorting(
    "UserSort",
    UserSortField,
    {UserSortField.REGISTERED: (), UserSortField.EMAIL: (User.email,)},
    tiebreak=User.id,
    default="registered",
)
UserSort = USER_SORTING.param
