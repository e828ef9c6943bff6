"""moderators' digest, a site's sender address, outbox-backed notification mail (issue #17)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 08:00:00

Sites: the sender of their mail, their moderators' addresses (sealed like emails), when
a digest is due (held queue older or larger than a threshold) and when the last went out.
Subscriptions: when a relay should next publish an owed confirmation or reply email, so
a job refused by a broker that was away is published again instead of lost.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_from', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('moderator_emails_ciphertext', sa.LargeBinary(),
                                      nullable=True))
        batch_op.add_column(sa.Column('digest_held_age_seconds', sa.Integer(), nullable=False,
                                      server_default='3600'))
        batch_op.add_column(sa.Column('digest_held_count', sa.Integer(), nullable=False,
                                      server_default='20'))
        batch_op.add_column(sa.Column('digest_interval_seconds', sa.Integer(), nullable=False,
                                      server_default='14400'))
        batch_op.add_column(sa.Column('digest_sent_at', sa.DateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmation_due_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('replies_due_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index('ix_subscriptions_confirmation_due_at', ['confirmation_due_at'])
        batch_op.create_index('ix_subscriptions_replies_due_at', ['replies_due_at'])


def downgrade():
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.drop_index('ix_subscriptions_replies_due_at')
        batch_op.drop_index('ix_subscriptions_confirmation_due_at')
        batch_op.drop_column('replies_due_at')
        batch_op.drop_column('confirmation_due_at')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        for column in ('digest_sent_at', 'digest_interval_seconds', 'digest_held_count',
                       'digest_held_age_seconds', 'moderator_emails_ciphertext', 'mail_from'):
            batch_op.drop_column(column)
