"""subscriptions: addresses that asked a site for reply notifications (issue #17)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 19:55:00

Double opt-in: the sealed address and its HMAC, when the confirmation was last sent
(at most one an hour), when it was confirmed, unsubscribed or found undeliverable,
and up to which reply it was notified.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.String(length=64), nullable=False),
        sa.Column('email_digest', sa.String(length=64), nullable=False),
        sa.Column('email_ciphertext', sa.LargeBinary(), nullable=False),
        sa.Column('confirmation_sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('unsubscribed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('undeliverable_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('notified_through', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_notified_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('site_id', 'email_digest'),
    )


def downgrade():
    op.drop_table('subscriptions')
