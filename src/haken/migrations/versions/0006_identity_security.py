"""identity security: sealed outbox bodies, delivery state, failures of unknown e-mails

Revision ID: 0006_identity_security
Revises: 0005
Create Date: 2026-12-20 10:00:00

Expand-only. ``outbox_emails.body`` stays for the previous release but every existing
body is blanked here: it held password-reset links in clear (issue 13, item 1). New
mail is sealed in ``body_enc``; a later contract migration drops ``body``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_identity_security"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_enc", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("state", sa.String(length=20), server_default="held", nullable=False)
        )
        batch_op.create_index(
            "ix_outbox_emails_recipient", ["to_address", "kind", "created_at"], unique=False
        )
    # Readable one-time links must not survive the upgrade.
    op.execute(sa.text("UPDATE outbox_emails SET body = ''"))

    op.create_table(
        "login_failures",
        sa.Column("email_digest", sa.String(length=64), nullable=False),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("locked_until", TS, nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("email_digest", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_failures_updated_at"), ["updated_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failures_updated_at"))
    op.drop_table("login_failures")
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_emails_recipient")
        batch_op.drop_column("state")
        batch_op.drop_column("body_enc")
