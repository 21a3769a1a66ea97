"""trainer reviews: « Le regard de l'intervenant·e », one per session and speaker, apart from the responses

Revision ID: 5e473e68a836
Revises: e4b1c9d27a60
Create Date: 2026-12-07 05:58:27

A table of its own rather than rows in `responses`, so that no score query can ever count a trainer's opinion.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e473e68a836'
down_revision = 'e4b1c9d27a60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('trainer_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('speaker_id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'], name=op.f('fk_trainer_reviews_questionnaire_id_questionnaires')),
    sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'], name=op.f('fk_trainer_reviews_session_id_training_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['speaker_id'], ['speakers.id'], name=op.f('fk_trainer_reviews_speaker_id_speakers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainer_reviews')),
    sa.UniqueConstraint('session_id', 'speaker_id', name=op.f('uq_trainer_reviews_session_id_speaker_id'))
    )
    with op.batch_alter_table('trainer_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trainer_reviews_session_id'), ['session_id'], unique=False)



def downgrade():
    with op.batch_alter_table('trainer_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trainer_reviews_session_id'))

    op.drop_table('trainer_reviews')
