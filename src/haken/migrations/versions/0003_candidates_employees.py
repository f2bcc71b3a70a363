"""candidates and employees

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-28 16:30:00

Written by hand with only the candidates/employees tables (other areas' migrations branch
from 0001 too; ``upgrade heads`` applies both). Adds the foreign key users.employee_id →
employees.id that 0001 left for this migration. Name keys use the "C" collation on
PostgreSQL so that ``LIKE 'key%'`` and ``ORDER BY key`` use the same b-tree index.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
KEY = sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql")
TS = sa.DateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", ID, autoincrement=True, nullable=False)


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def _names() -> list[sa.Column]:
    return [
        sa.Column("name_kanji", sa.String(length=100), nullable=True),
        sa.Column("name_kana", sa.String(length=100), nullable=False),
        sa.Column("name_romaji", sa.String(length=100), nullable=False),
        sa.Column("kanji_key", KEY, nullable=True),
        sa.Column("kana_key", KEY, nullable=False),
        sa.Column("romaji_key", KEY, nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("gender", sa.String(length=12), nullable=False),
        sa.Column("nationality", sa.String(length=2), nullable=False),
    ]


def _residence_and_contact() -> list[sa.Column]:
    return [
        sa.Column("residence_status", sa.String(length=40), nullable=True),
        sa.Column("residence_card_number_enc", sa.Text(), nullable=True),
        sa.Column("residence_card_last4", sa.String(length=4), nullable=True),
        sa.Column("residence_card_expiry", sa.Date(), nullable=True),
        sa.Column("extra_activity_permission", sa.String(length=12), nullable=False),
        sa.Column("extra_activity_weekly_hours", sa.SmallInteger(), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("postal_code", sa.String(length=8), nullable=True),
        sa.Column("prefecture", sa.String(length=2), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("address_line1", sa.String(length=200), nullable=True),
        sa.Column("address_line2", sa.String(length=200), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "candidates",
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("status_changed_at", TS, nullable=False),
        sa.Column("reception_date", sa.Date(), nullable=False),
        sa.Column("arrival_date", sa.Date(), nullable=True),
        *_names(),
        sa.Column("marital_status", sa.String(length=12), nullable=True),
        *_residence_and_contact(),
        sa.Column("jlpt_level", sa.String(length=4), nullable=True),
        sa.Column("japanese_conversation", sa.String(length=12), nullable=True),
        sa.Column("licenses", sa.JSON(), nullable=False),
        sa.Column("experience", sa.JSON(), nullable=False),
        sa.Column("experience_notes", sa.Text(), nullable=False),
        sa.Column("uniform_size", sa.String(length=6), nullable=True),
        sa.Column("shoe_size_cm", sa.Numeric(precision=3, scale=1), nullable=True),
        sa.Column("commute_method", sa.String(length=20), nullable=True),
        sa.Column("commute_minutes", sa.SmallInteger(), nullable=True),
        sa.Column("emergency_contact", sa.JSON(), nullable=True),
        sa.Column("family", sa.JSON(), nullable=False),
        sa.Column("work_history", sa.JSON(), nullable=False),
        sa.Column("photo_file", sa.String(length=64), nullable=True),
        sa.Column("photo_content_type", sa.String(length=20), nullable=True),
        sa.Column("employee_id", sa.BigInteger(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("archived_at", TS, nullable=True),
        _id(),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidates")),
        sa.UniqueConstraint("employee_id", name=op.f("uq_candidates_employee_id")),
    )
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.create_index("ix_candidates_created", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_candidates_kana", ["kana_key", "id"], unique=False)
        batch_op.create_index("ix_candidates_romaji", ["romaji_key", "id"], unique=False)
        batch_op.create_index("ix_candidates_kanji", ["kanji_key"], unique=False)
        batch_op.create_index("ix_candidates_status", ["status", "created_at", "id"], unique=False)
        batch_op.create_index(
            "ix_candidates_nationality", ["nationality", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_candidates_residence_status", ["residence_status", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_candidates_card_expiry", ["residence_card_expiry", "id"], unique=False
        )

    op.create_table(
        "candidate_status_history",
        sa.Column("candidate_id", ID, nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("changed_at", TS, nullable=False),
        sa.Column("changed_by", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        _id(),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_candidate_status_history_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_status_history")),
    )
    with op.batch_alter_table("candidate_status_history", schema=None) as batch_op:
        batch_op.create_index(
            "ix_candidate_status_history_candidate",
            ["candidate_id", "changed_at", "id"],
            unique=False,
        )

    op.create_table(
        "employees",
        sa.Column("candidate_id", ID, nullable=True),
        sa.Column("employee_number", sa.String(length=20), nullable=True),
        *_names(),
        *_residence_and_contact(),
        sa.Column("renewal_applied_on", sa.Date(), nullable=True),
        sa.Column("renewal_decided_on", sa.Date(), nullable=True),
        sa.Column("work_permitted_until", sa.Date(), nullable=True),
        sa.Column("employment_type", sa.String(length=12), nullable=False),
        sa.Column("term_type", sa.String(length=12), nullable=False),
        sa.Column("hire_date", sa.Date(), nullable=False),
        sa.Column("leave_date", sa.Date(), nullable=True),
        sa.Column("leave_reason", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("client_worker_id", sa.String(length=40), nullable=True),
        sa.Column("current_client_id", sa.BigInteger(), nullable=True),
        sa.Column("current_site_id", sa.BigInteger(), nullable=True),
        sa.Column("bank_code", sa.String(length=4), nullable=True),
        sa.Column("bank_branch_code", sa.String(length=3), nullable=True),
        sa.Column("bank_account_type", sa.String(length=10), nullable=True),
        sa.Column("bank_account_number_enc", sa.Text(), nullable=True),
        sa.Column("bank_account_last4", sa.String(length=4), nullable=True),
        sa.Column("bank_account_holder_kana", sa.String(length=60), nullable=True),
        sa.Column("my_number_enc", sa.Text(), nullable=True),
        sa.Column("my_number_last4", sa.String(length=4), nullable=True),
        sa.Column("withholding_column", sa.String(length=4), nullable=False),
        sa.Column("conversion_exempt", sa.Boolean(), nullable=False),
        sa.Column("conversion_right_date", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("archived_at", TS, nullable=True),
        _id(),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_employees_candidate_id_candidates"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employees")),
        sa.UniqueConstraint("candidate_id", name=op.f("uq_employees_candidate_id")),
        sa.UniqueConstraint("employee_number", name=op.f("uq_employees_employee_number")),
        sa.UniqueConstraint("romaji_key", "birth_date", name="uq_employees_romaji_birth"),
    )
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.create_index("ix_employees_kana", ["kana_key", "id"], unique=False)
        batch_op.create_index("ix_employees_romaji", ["romaji_key", "id"], unique=False)
        batch_op.create_index("ix_employees_kanji", ["kanji_key"], unique=False)
        batch_op.create_index("ix_employees_created", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_employees_hire", ["hire_date", "id"], unique=False)
        batch_op.create_index("ix_employees_status", ["status", "kana_key"], unique=False)
        batch_op.create_index(
            "ix_employees_employment_type", ["employment_type", "kana_key"], unique=False
        )
        batch_op.create_index("ix_employees_term_type", ["term_type", "kana_key"], unique=False)
        batch_op.create_index("ix_employees_client", ["current_client_id"], unique=False)
        batch_op.create_index("ix_employees_site", ["current_site_id"], unique=False)
        batch_op.create_index("ix_employees_nationality", ["nationality"], unique=False)
        batch_op.create_index("ix_employees_residence_status", ["residence_status"], unique=False)
        batch_op.create_index("ix_employees_client_worker", ["client_worker_id"], unique=False)
        batch_op.create_index(
            "ix_employees_permitted_until", ["work_permitted_until", "id"], unique=False
        )

    op.create_table(
        "employee_contract_periods",
        sa.Column("employee_id", ID, nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        _id(),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_employee_contract_periods_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employee_contract_periods")),
    )
    with op.batch_alter_table("employee_contract_periods", schema=None) as batch_op:
        batch_op.create_index(
            "ix_employee_contract_periods_employee", ["employee_id", "start_date"], unique=False
        )

    op.create_table(
        "employee_dependants",
        sa.Column("employee_id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_kana", sa.String(length=100), nullable=True),
        sa.Column("relationship", sa.String(length=12), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("disability", sa.String(length=8), nullable=False),
        sa.Column("cohabiting", sa.Boolean(), nullable=False),
        sa.Column("income_within_limit", sa.Boolean(), nullable=False),
        _id(),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_employee_dependants_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employee_dependants")),
    )
    with op.batch_alter_table("employee_dependants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_employee_dependants_employee", ["employee_id", "id"], unique=False
        )

    # The two links that close the cycle, added once both tables exist.
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f("fk_candidates_employee_id_employees"),
            "employees",
            ["employee_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f("fk_users_employee_id_employees"),
            "employees",
            ["employee_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_users_employee_id_employees"), type_="foreignkey")
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_candidates_employee_id_employees"), type_="foreignkey")
    op.drop_table("employee_dependants")
    op.drop_table("employee_contract_periods")
    op.drop_table("employees")
    op.drop_table("candidate_status_history")
    op.drop_table("candidates")
