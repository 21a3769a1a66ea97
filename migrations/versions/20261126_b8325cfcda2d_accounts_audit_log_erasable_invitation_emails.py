"""staff accounts' one-time links, the audit log, and invitation e-mails that the purge can erase

Revision ID: b8325cfcda2d
Revises: a0f6a3682541
Create Date: 2026-11-26 01:41:41.574929

account_tokens holds the SHA-256 of invitation and password-reset links (single-use, expiring); audit_events the
log of exports and changes (no participant text); invitations.email becomes nullable so that `flask purge` can
erase the addresses of long-closed sessions while the invitation counts stay.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8325cfcda2d'
down_revision = 'a0f6a3682541'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('invitation', 'reset', name='tokenpurpose', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_account_tokens_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_tokens_token_hash'))
    )
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_events_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_action_created_dt', ['action', 'created_dt'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_created_dt'), ['created_dt'], unique=False)
        batch_op.create_index('ix_audit_events_user_id_created_dt', ['user_id', 'created_dt'], unique=False)

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.alter_column('email',
               existing_type=sa.VARCHAR(length=254),
               nullable=True)



def downgrade():
    # Erased addresses get a placeholder that can never receive mail (.invalid), so that NOT NULL holds again.
    op.execute("UPDATE invitations SET email = 'erased-' || id || '@example.invalid' WHERE email IS NULL")
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.alter_column('email',
               existing_type=sa.VARCHAR(length=254),
               nullable=False)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_user_id_created_dt')
        batch_op.drop_index(batch_op.f('ix_audit_events_created_dt'))
        batch_op.drop_index('ix_audit_events_action_created_dt')

    op.drop_table('audit_events')
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_tokens_user_id'))

    op.drop_table('account_tokens')
