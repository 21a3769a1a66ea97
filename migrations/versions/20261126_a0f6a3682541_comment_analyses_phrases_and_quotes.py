"""comment analyses, phrases and quotes

Revision ID: a0f6a3682541
Revises: ca69aee6938b
Create Date: 2026-11-26 01:30:02.170168

Each free-text answer gets one stored analysis (tone and its cues, masked text, folded search text, the analysis
version) and one row per key phrase (with its response and tone, covered by an index), so that pages and theme
counts read stored results with GROUP BY. The quotes table holds communication staff's status and edited text per
answer. Existing answers are analysed by `flask --app feedback analyse`, to run once after this upgrade.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a0f6a3682541'
down_revision = 'ca69aee6938b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('comment_analyses',
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('tone', sa.String(length=10), nullable=False),
    sa.Column('cues', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('masked_text', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('word_count', sa.SmallInteger(), nullable=False),
    sa.Column('has_personal_data', sa.Boolean(), nullable=False),
    sa.Column('is_quotable', sa.Boolean(), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('analysed_dt', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("tone IN ('positive', 'negative', 'mixed', 'neutral')", name=op.f('ck_comment_analyses_tone_label')),
    sa.CheckConstraint('word_count >= 0', name=op.f('ck_comment_analyses_word_count_positive')),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_comment_analyses_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_comment_analyses_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('answer_id', name=op.f('pk_comment_analyses'))
    )
    with op.batch_alter_table('comment_analyses', schema=None) as batch_op:
        batch_op.create_index('ix_comment_analyses_is_quotable_tone', ['is_quotable', 'tone'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_analyses_response_id'), ['response_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_analyses_version'), ['version'], unique=False)

    op.create_table('quotes',
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('new', 'shortlisted', 'approved', 'rejected', name='quotestatus', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('status_by_id', sa.Integer(), nullable=True),
    sa.Column('status_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('edited_by_id', sa.Integer(), nullable=True),
    sa.Column('edited_dt', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_quotes_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['edited_by_id'], ['users.id'], name=op.f('fk_quotes_edited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['status_by_id'], ['users.id'], name=op.f('fk_quotes_status_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('answer_id', name=op.f('pk_quotes'))
    )
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotes_status'), ['status'], unique=False)

    op.create_table('comment_phrases',
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('phrase_key', sa.String(length=200), nullable=False),
    sa.Column('phrase', sa.String(length=200), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('tone', sa.String(length=10), nullable=False),
    sa.CheckConstraint("tone IN ('positive', 'negative', 'mixed', 'neutral')", name=op.f('ck_comment_phrases_tone_label')),
    sa.ForeignKeyConstraint(['answer_id'], ['comment_analyses.answer_id'], name=op.f('fk_comment_phrases_answer_id_comment_analyses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_comment_phrases_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('answer_id', 'phrase_key', name=op.f('pk_comment_phrases'))
    )
    with op.batch_alter_table('comment_phrases', schema=None) as batch_op:
        batch_op.create_index('ix_comment_phrases_phrase_key_answer_id', ['phrase_key', 'answer_id'], unique=False)
        batch_op.create_index('ix_comment_phrases_themes', ['response_id', 'phrase_key', 'phrase', 'tone'], unique=False)



def downgrade():
    with op.batch_alter_table('comment_phrases', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_phrases_themes')
        batch_op.drop_index('ix_comment_phrases_phrase_key_answer_id')

    op.drop_table('comment_phrases')
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quotes_status'))

    op.drop_table('quotes')
    with op.batch_alter_table('comment_analyses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_analyses_version'))
        batch_op.drop_index(batch_op.f('ix_comment_analyses_response_id'))
        batch_op.drop_index('ix_comment_analyses_is_quotable_tone')

    op.drop_table('comment_analyses')
