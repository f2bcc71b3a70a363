"""Client companies (派遣先), their sites (事業所), organisational units (組織単位), contacts.

What the Worker Dispatch Act needs on these records (JP_DISPATCH.md §1.1, §1.5–1.6;
JP_LABOR.md §7.1) and where it lives:

* site: name, address, phone (contract item 3); the 派遣先責任者 with department, title and
  phone (item 11); the client's complaint handler (item 8); the date dispatch to the site
  began and the extension hearings (意見聴取) from which the site 抵触日 is computed
  (Art. 40-2), stored as ``conflict_date`` so that lists and alerts can sort and filter on it;
* unit: its name and the title of its head (item 3: 組織単位), and the 指揮命令者 with
  department, title and phone (item 4);
* client: the 登録番号 of the qualified-invoice system, checked against the 法人番号.

Search keys (``*_key``) hold :func:`haken.platform.jptext.search_key` of the name; on
PostgreSQL they use the "C" collation so that one b-tree serves both ``LIKE 'x%'`` and
``ORDER BY``. Archived rows have ``archived_at`` set (the one archive convention,
``platform.repository``); the lists' indexes are partial: unarchived rows only.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from haken.platform.db import Base, BigIntPK, IdMixin, TimestampMixin, UTCDateTime, VersionedMixin
from haken.platform.jptext import SEARCH_KEY_MAX
from haken.platform.repository import ArchivedAtMixin, active_index, archived_index

# Byte-wise collation on PostgreSQL: prefix LIKE and ORDER BY on one plain b-tree index.
SearchKey = String(SEARCH_KEY_MAX).with_variant(String(SEARCH_KEY_MAX, collation="C"), "postgresql")


class AddressMixin:
    postal_code: Mapped[str | None] = mapped_column(String(8), nullable=True)
    prefecture: Mapped[str | None] = mapped_column(String(2), nullable=True)
    city: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    address_line1: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    address_line2: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)


class Client(IdMixin, TimestampMixin, VersionedMixin, ArchivedAtMixin, AddressMixin, Base):
    """A client company (派遣先); the address is the head office (請求先)."""

    __tablename__ = "clients"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_kana: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # corporation: has a 法人番号; individual: sole proprietor or unincorporated association.
    entity_kind: Mapped[str] = mapped_column(String(20), nullable=False, default="corporation")
    corporate_number: Mapped[str | None] = mapped_column(String(13), nullable=True, unique=True)
    invoice_registration_number: Mapped[str | None] = mapped_column(String(14), nullable=True)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    name_key: Mapped[str] = mapped_column(SearchKey, nullable=False)
    kana_key: Mapped[str | None] = mapped_column(SearchKey, nullable=True)
    # The reading when known (五十音順), else the folded name: what "sort by name" uses.
    sort_key: Mapped[str] = mapped_column(SearchKey, nullable=False)

    __table_args__ = (
        active_index("ix_clients_active_sort", "sort_key", "id"),
        active_index("ix_clients_active_created", "created_at", "id"),
        active_index("ix_clients_active_pref_sort", "prefecture", "sort_key", "id"),
        active_index("ix_clients_active_pref_created", "prefecture", "created_at", "id"),
        archived_index("ix_clients_archived"),
        # A searched total (name or kana prefix) reads this narrow index, not the table;
        # archived_at is listed so that SQLite takes it as covering.
        active_index("ix_clients_active_keys", "name_key", "kana_key", "archived_at"),
        Index("ix_clients_name_key", "name_key", "id"),
        Index("ix_clients_kana_key", "kana_key", "id"),
    )


class ClientSite(IdMixin, TimestampMixin, VersionedMixin, ArchivedAtMixin, AddressMixin, Base):
    """A site (事業所) of a client: the unit of the site 3-year limit."""

    __tablename__ = "client_sites"

    client_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("clients.id", ondelete="RESTRICT"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_key: Mapped[str] = mapped_column(SearchKey, nullable=False)
    # 派遣先責任者 (contract item 11).
    manager_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    manager_department: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    manager_title: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    manager_phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # 派遣先の苦情処理申出先 (contract item 8).
    complaint_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    complaint_department: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    complaint_title: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    complaint_phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # Site 抵触日 inputs and the date computed from them (labor.dispatch.site_conflict_date).
    dispatch_started_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    conflict_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # The client's own employees at the site (則35条3項: a 派遣先管理台帳 is needed above 5 with
    # the dispatched workers); None = unknown, treated as "ledger required".
    own_employees: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (
        active_index("ix_client_sites_client_active_name", "client_id", "name_key", "id"),
        active_index("ix_client_sites_client_active_created", "client_id", "created_at", "id"),
        # archived_at listed: a searched total takes it as covering on SQLite.
        active_index("ix_client_sites_active_name", "name_key", "id", "archived_at"),
        active_index("ix_client_sites_active_created", "created_at", "id"),
        active_index("ix_client_sites_active_pref_name", "prefecture", "name_key", "id"),
        active_index("ix_client_sites_active_pref_created", "prefecture", "created_at", "id"),
        active_index("ix_client_sites_active_conflict", "conflict_date", "id"),
        archived_index("ix_client_sites_archived"),
    )


class SiteExtension(IdMixin, Base):
    """One extension of the site limit after a hearing (意見聴取) of the majority union or
    representative (Art. 40-2(3)-(4)); append-only history."""

    __tablename__ = "client_site_extensions"

    site_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("client_sites.id", ondelete="CASCADE"), nullable=False
    )
    hearing_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    months: Mapped[int] = mapped_column(Integer, nullable=False)
    # 過半数労働組合 or 過半数代表者 heard, and the opinion they gave.
    heard_party: Mapped[str] = mapped_column(String(200), nullable=False)
    opinion: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (Index("ix_client_site_extensions_site", "site_id", "hearing_date", "id"),)


class ClientUnit(IdMixin, TimestampMixin, VersionedMixin, ArchivedAtMixin, Base):
    """An organisational unit (組織単位) of a site: the unit of the individual 3-year limit.

    ``client_id`` repeats the site's client (a site never changes client) so that lists and
    placements filter by client without a join.
    """

    __tablename__ = "client_units"

    site_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("client_sites.id", ondelete="RESTRICT"), nullable=False
    )
    client_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("clients.id", ondelete="RESTRICT"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_key: Mapped[str] = mapped_column(SearchKey, nullable=False)
    head_title: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    # 指揮命令者 (contract item 4).
    supervisor_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    supervisor_department: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    supervisor_title: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    supervisor_phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (
        active_index("ix_client_units_site_active_name", "site_id", "name_key", "id"),
        active_index("ix_client_units_site_active_created", "site_id", "created_at", "id"),
        active_index("ix_client_units_client_active_name", "client_id", "name_key", "id"),
        active_index("ix_client_units_client_active_created", "client_id", "created_at", "id"),
        active_index("ix_client_units_active_name", "name_key", "id"),
        active_index("ix_client_units_active_created", "created_at", "id"),
        archived_index("ix_client_units_archived"),
    )


class ClientContact(IdMixin, TimestampMixin, VersionedMixin, Base):
    """A person to talk to at the client (sales, billing, the site)."""

    __tablename__ = "client_contacts"

    client_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    name_kana: Mapped[str | None] = mapped_column(String(100), nullable=True)
    name_key: Mapped[str] = mapped_column(SearchKey, nullable=False)
    department: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    title: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="other")
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    is_primary: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (
        Index("ix_client_contacts_client_name", "client_id", "name_key", "id"),
        Index("ix_client_contacts_client_created", "client_id", "created_at", "id"),
    )
