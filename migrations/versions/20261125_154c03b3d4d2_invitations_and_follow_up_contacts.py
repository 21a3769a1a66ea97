"""invitations and follow-up contacts

Revision ID: 154c03b3d4d2
Revises: 73e5ed759e51
Create Date: 2026-11-25 23:00:51.734570

E-mail distribution: personal single-use invitation links (only the SHA-256 of their tokens is stored) and
the addresses left on the thank-you page for the follow-up questionnaire, kept apart from the responses.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '154c03b3d4d2'
down_revision = '73e5ed759e51'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('followup_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('followup_key', sa.String(length=32), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'], name=op.f('fk_followup_contacts_session_id_training_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_contacts')),
    sa.UniqueConstraint('followup_key', name=op.f('uq_followup_contacts_followup_key')),
    sa.UniqueConstraint('session_id', 'email', name=op.f('uq_followup_contacts_session_id_email'))
    )
    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('reminder_token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_used', sa.Boolean(), nullable=False),
    sa.Column('used_dt', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('reminded_dt IS NULL OR sent_dt IS NOT NULL', name=op.f('ck_invitations_reminded_after_sent')),
    sa.CheckConstraint('used_dt IS NULL OR is_used', name=op.f('ck_invitations_used_dt_only_when_used')),
    sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'], name=op.f('fk_invitations_session_id_training_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('reminder_token_hash', name=op.f('uq_invitations_reminder_token_hash')),
    sa.UniqueConstraint('session_id', 'email', name=op.f('uq_invitations_session_id_email')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )


def downgrade():
    op.drop_table('invitations')
    op.drop_table('followup_contacts')
