"""comments are the outbox: the relay claims pending ones, and PostgreSQL wakes it

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 19:30:00

``queued_at`` is when a relay last handed the comment to the queue (NULL: not
yet); a pending comment whose claim is older than the claim age is handed on
again. On PostgreSQL a trigger NOTIFYs ``comments_pending`` whenever a comment
becomes pending, so the relay wakes at once instead of polling.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

NOTIFY_FUNCTION = """
CREATE FUNCTION notify_comments_pending() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('comments_pending', '');
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""
NOTIFY_TRIGGER = """
CREATE TRIGGER comments_pending_notify AFTER INSERT OR UPDATE OF status ON comments
FOR EACH ROW WHEN (NEW.status = 'pending') EXECUTE FUNCTION notify_comments_pending()
"""


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_comments_status_queued', ['status', 'queued_at', 'id'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(NOTIFY_FUNCTION)
        op.execute(NOTIFY_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER comments_pending_notify ON comments')
        op.execute('DROP FUNCTION notify_comments_pending()')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_status_queued')
        batch_op.drop_column('queued_at')
