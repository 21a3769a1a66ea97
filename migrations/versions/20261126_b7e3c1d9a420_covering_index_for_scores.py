"""responses carry their session's date; covering indexes for the score aggregates

Revision ID: b7e3c1d9a420
Revises: 455f63b464dd
Create Date: 2026-11-26 01:10:00

Every score page counts a period's first answers (overall level, recommendation, profile) per session:
with the session's date on the response and these columns in two indexes (by session, by period), the
database reads one range of an index and never the response rows themselves.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e3c1d9a420'
down_revision = '455f63b464dd'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_date', sa.Date(), nullable=True))
    op.execute(
        "UPDATE responses SET session_date = "
        "(SELECT start_date FROM training_sessions WHERE training_sessions.id = responses.session_id)"
    )
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.alter_column('session_date', existing_type=sa.Date(), nullable=False)
        batch_op.create_index(
            'ix_responses_scores', ['session_id', 'is_followup', 'overall_level', 'recommendation', 'profile']
        )
        batch_op.create_index(
            'ix_responses_period_scores',
            ['session_date', 'is_followup', 'session_id', 'overall_level', 'recommendation', 'profile'],
        )
        batch_op.drop_index('ix_responses_session_id_overall_level')


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index('ix_responses_session_id_overall_level', ['session_id', 'overall_level'])
        batch_op.drop_index('ix_responses_period_scores')
        batch_op.drop_index('ix_responses_scores')
        batch_op.drop_column('session_date')
