"""comments never handed on: a partial index in id order, for the relay's claim

Revision ID: 0019
Revises: 0018

The relay claims the oldest never-handed-on comments, a batch at a time, in id order. On the
(status, queued_at, id) index PostgreSQL reads every such comment and sorts them to take
100, since it does not count ``queued_at IS NULL`` as fixing the order: with a backlog of
13,000 (the worker stopped a while, or a burst), each claim read 13,000 entries, so draining
a backlog cost its square. This index holds only those comments, in id order, and a claim
stops after its batch.
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

UNCLAIMED = sa.text("status = 'pending' AND queued_at IS NULL")


def upgrade():
    op.create_index('ix_comments_unclaimed', 'comments', ['id'], postgresql_where=UNCLAIMED,
                    sqlite_where=UNCLAIMED)


def downgrade():
    op.drop_index('ix_comments_unclaimed', table_name='comments')
