"""The client list's sorts: one enum of fields, each on an index ``(column, id)``
of the unarchived rows (partial: ``WHERE archived_at IS NULL``)."""

from __future__ import annotations

from enum import StrEnum

from haken.modules.clients.models import Client
from haken.platform.sorting import Sorting


class ClientSortField(StrEnum):
    NAME = "name"
    CREATED = "created"


CLIENT_SORTING = Sorting(
    "ClientSort",
    ClientSortField,
    {
        # ix_clients_active_sort / ix_clients_active_pref_sort
        ClientSortField.NAME: (Client.sort_key,),
        # ix_clients_active_created / ix_clients_active_pref_created
        ClientSortField.CREATED: (Client.created_at,),
    },
    tiebreak=Client.id,
    default="name",
)
ClientSort = CLIENT_SORTING.param
"""The API's ``sort``: ``name``, ``-name``, ``created``, ``-created`` (the values it had)."""
