"""attendance lists (émargement): one keyed hash per person and session, never a name

Revision ID: ca69aee6938b
Revises: b7e3c1d9a420
Create Date: 2026-11-26 01:17:10

The catalogue import fills training_sessions (participants_present, half_days) and needs no new column; the
attendance lists are a new table whose primary key (session_id, person_hash) makes a re-import change nothing.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ca69aee6938b'
down_revision = 'b7e3c1d9a420'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'attendances',
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('person_hash', sa.String(length=64), nullable=False),
        sa.CheckConstraint('length(person_hash) = 64', name=op.f('ck_attendances_person_hash_length')),
        sa.ForeignKeyConstraint(
            ['session_id'],
            ['training_sessions.id'],
            name=op.f('fk_attendances_session_id_training_sessions'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('session_id', 'person_hash', name=op.f('pk_attendances')),
    )


def downgrade():
    op.drop_table('attendances')
