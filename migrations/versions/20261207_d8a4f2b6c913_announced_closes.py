"""each session's closing is announced once (the session.closed webhook of a planned close)

Revision ID: d8a4f2b6c913
Revises: c5d2e8f1a7b3
Create Date: 2026-12-07 11:45:00

`training_sessions.close_announced_dt`: when the closing was announced. A closing already past at upgrade time is
marked as announced with its own time, so the upgrade sends no event for sessions closed long ago.
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8a4f2b6c913'
down_revision = 'c5d2e8f1a7b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('close_announced_dt', sa.DateTime(timezone=True), nullable=True))
    sessions = sa.table(
        'training_sessions',
        sa.column('id', sa.Integer()),
        sa.column('closes_dt', sa.DateTime(timezone=True)),
        sa.column('close_announced_dt', sa.DateTime(timezone=True)),
    )
    bind = op.get_bind()
    now = datetime.now(UTC)
    for session_id, closes_dt in bind.execute(sa.select(sessions.c.id, sessions.c.closes_dt)).all():
        if closes_dt is None:
            continue
        aware = closes_dt if closes_dt.tzinfo is not None else closes_dt.replace(tzinfo=UTC)
        if aware <= now:
            bind.execute(
                sessions.update().where(sessions.c.id == session_id).values(close_announced_dt=closes_dt)
            )


def downgrade():
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_column('close_announced_dt')
