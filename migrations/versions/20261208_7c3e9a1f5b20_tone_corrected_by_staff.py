"""a comment's tone can be checked and corrected by staff, and the correction outlives re-analyses

Revision ID: 7c3e9a1f5b20
Revises: d8a4f2b6c913
Create Date: 2026-12-08 01:00:00

`quotes.tone` (with who and when): the tone staff confirmed or set by hand. `comment_analyses.analysed_tone`: the
analysis' own verdict, kept beside `tone` (the one pages and figures count) so a correction can be taken back
without re-analysing; `comment_analyses.tone_uncertain`: the model was unsure (« à vérifier »). Existing analyses
get their own tone as their analysed tone and are not flagged until `flask analyse` re-analyses them (the analysis
version changed with this).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "7c3e9a1f5b20"
down_revision = "d8a4f2b6c913"
branch_labels = None
depends_on = None

TONES = "('positive', 'negative', 'mixed', 'neutral')"


def upgrade():
    with op.batch_alter_table("comment_analyses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("analysed_tone", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("tone_uncertain", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE comment_analyses SET analysed_tone = tone")
    with op.batch_alter_table("comment_analyses", schema=None) as batch_op:
        batch_op.alter_column("analysed_tone", existing_type=sa.String(length=10), nullable=False)
        batch_op.create_check_constraint(op.f("ck_comment_analyses_analysed_tone_label"), f"analysed_tone IN {TONES}")
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tone", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("tone_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("tone_dt", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_quotes_tone_by_id_users"), "users", ["tone_by_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_check_constraint(op.f("ck_quotes_tone_label"), f"tone IS NULL OR tone IN {TONES}")


def downgrade():
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_quotes_tone_label"), type_="check")
        batch_op.drop_constraint(op.f("fk_quotes_tone_by_id_users"), type_="foreignkey")
        batch_op.drop_column("tone_dt")
        batch_op.drop_column("tone_by_id")
        batch_op.drop_column("tone")
    with op.batch_alter_table("comment_analyses", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_comment_analyses_analysed_tone_label"), type_="check")
        batch_op.drop_column("tone_uncertain")
        batch_op.drop_column("analysed_tone")
