"""report files prepared by the job queue

Revision ID: c5d2e8f1a7b3
Revises: 7a3f5c2e9d14
Create Date: 2026-12-07 11:30:00

The report's DOCX and XLSX of a large scope are made by `flask queue-worker`: one row per file asked for, with the
file itself once it is ready; deleted a day after it was asked for (REPORT_FILE_HOURS).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5d2e8f1a7b3'
down_revision = '7a3f5c2e9d14'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('admin', 'manager', 'communication', 'trainer', name='role', native_enum=False, create_constraint=False, length=20), nullable=False),
    sa.Column('file_format', sa.String(length=4), nullable=False),
    sa.Column('scope_args', sa.Text(), nullable=False),
    sa.Column('min_answers', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=True),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ready_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_files_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_files'))
    )
    with op.batch_alter_table('report_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_files_expires_dt'), ['expires_dt'], unique=False)
        batch_op.create_index('ix_report_files_request', ['user_id', 'file_format', 'min_answers'], unique=False)


def downgrade():
    with op.batch_alter_table('report_files', schema=None) as batch_op:
        batch_op.drop_index('ix_report_files_request')
        batch_op.drop_index(batch_op.f('ix_report_files_expires_dt'))
    op.drop_table('report_files')
