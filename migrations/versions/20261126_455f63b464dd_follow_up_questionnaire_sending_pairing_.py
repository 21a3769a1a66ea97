"""follow-up questionnaire: training settings, sending and pairing

Revision ID: 455f63b464dd
Revises: 869b50c82ef2
Create Date: 2026-11-26 00:44:42.499928

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '455f63b464dd'
down_revision = '869b50c82ef2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('followup_contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('questionnaire_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('reminder_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('sent_dt', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reminded_dt', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('is_used', sa.Boolean(), server_default=sa.false(), nullable=False))
        # Erased once the follow-up is sent and reminded, or after the retention period.
        batch_op.alter_column('email', existing_type=sa.VARCHAR(length=254), nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_followup_contacts_reminder_token_hash'), ['reminder_token_hash'])
        batch_op.create_unique_constraint(batch_op.f('uq_followup_contacts_token_hash'), ['token_hash'])
        batch_op.create_foreign_key(
            batch_op.f('fk_followup_contacts_questionnaire_id_questionnaires'), 'questionnaires', ['questionnaire_id'], ['id']
        )
        batch_op.create_check_constraint(
            op.f('ck_followup_contacts_reminded_after_sent'), 'reminded_dt IS NULL OR sent_dt IS NOT NULL'
        )
        batch_op.create_check_constraint(op.f('ck_followup_contacts_used_after_sent'), 'NOT is_used OR sent_dt IS NOT NULL')

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_followup_collected', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('followup_key', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('is_followup', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_unique_constraint(
            batch_op.f('uq_responses_followup_key_is_followup'), ['followup_key', 'is_followup']
        )
        batch_op.create_check_constraint(
            op.f('ck_responses_followup_has_key'), 'NOT is_followup OR followup_key IS NOT NULL'
        )

    with op.batch_alter_table('trainings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('followup_family', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('followup_delay_days', sa.Integer(), server_default='90', nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_trainings_followup_delay_range'), 'followup_delay_days BETWEEN 1 AND 730'
        )


def downgrade():
    with op.batch_alter_table('trainings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_trainings_followup_delay_range'), type_='check')
        batch_op.drop_column('followup_delay_days')
        batch_op.drop_column('followup_family')

    # Follow-up answers have no place in the older schema.
    op.execute("DELETE FROM answers WHERE response_id IN (SELECT id FROM responses WHERE is_followup)")
    op.execute("DELETE FROM responses WHERE is_followup")
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_responses_followup_has_key'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_responses_followup_key_is_followup'), type_='unique')
        batch_op.drop_column('is_followup')
        batch_op.drop_column('followup_key')

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_column('is_followup_collected')

    # Contacts whose e-mail was erased cannot be kept: the older schema requires one.
    op.execute("DELETE FROM followup_contacts WHERE email IS NULL")
    with op.batch_alter_table('followup_contacts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_followup_contacts_used_after_sent'), type_='check')
        batch_op.drop_constraint(op.f('ck_followup_contacts_reminded_after_sent'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_followup_contacts_questionnaire_id_questionnaires'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_followup_contacts_token_hash'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_followup_contacts_reminder_token_hash'), type_='unique')
        batch_op.alter_column('email', existing_type=sa.VARCHAR(length=254), nullable=False)
        batch_op.drop_column('is_used')
        batch_op.drop_column('reminded_dt')
        batch_op.drop_column('sent_dt')
        batch_op.drop_column('reminder_token_hash')
        batch_op.drop_column('token_hash')
        batch_op.drop_column('questionnaire_id')
