"""Every business module the app mounts, in dependency order: adding one is one line."""

from __future__ import annotations

from haken.modules.admin.module import module as admin
from haken.modules.audit.module import module as audit
from haken.modules.clients.module import module as clients
from haken.modules.identity.module import module as identity
from haken.modules.registry import Module

MODULES: list[Module] = [audit, identity, admin, clients]
