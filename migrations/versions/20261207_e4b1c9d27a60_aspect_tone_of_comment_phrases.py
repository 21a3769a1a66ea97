"""each comment phrase carries the tone of the clauses that mention it

Revision ID: e4b1c9d27a60
Revises: 4e1f0a7c9b2d
Create Date: 2026-12-07 05:10:00

Themes are now aspects of a comment, each with its own tone (« salle : critiquée dans 27 commentaires, saluée
dans 4 »): `comment_phrases.aspect_tone`, counted with GROUP BY (key, aspect tone) over the covering index.
Existing rows get their comment's tone until `flask --app feedback analyse` re-analyses them (the analysis
version changed with the rules, so it does).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4b1c9d27a60'
down_revision = '4e1f0a7c9b2d'
branch_labels = None
depends_on = None

TONES = "aspect_tone IN ('positive', 'negative', 'mixed', 'neutral')"


def upgrade():
    with op.batch_alter_table('comment_phrases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('aspect_tone', sa.String(length=10), nullable=True))
    op.execute("UPDATE comment_phrases SET aspect_tone = tone")
    with op.batch_alter_table('comment_phrases', schema=None) as batch_op:
        batch_op.alter_column('aspect_tone', existing_type=sa.String(length=10), nullable=False)
        batch_op.create_check_constraint(op.f('ck_comment_phrases_aspect_tone_label'), TONES)
        batch_op.drop_index('ix_comment_phrases_themes')
        batch_op.create_index(
            'ix_comment_phrases_themes', ['response_id', 'phrase_key', 'phrase', 'aspect_tone'], unique=False
        )


def downgrade():
    with op.batch_alter_table('comment_phrases', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_phrases_themes')
        batch_op.create_index('ix_comment_phrases_themes', ['response_id', 'phrase_key', 'phrase', 'tone'], unique=False)
        batch_op.drop_constraint(op.f('ck_comment_phrases_aspect_tone_label'), type_='check')
        batch_op.drop_column('aspect_tone')
