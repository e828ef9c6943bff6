"""the relay polls: no NOTIFY per pending comment

Revision ID: 0017
Revises: 0016

Migration 0008's trigger sent ``NOTIFY comments_pending`` with every comment that became
pending. A notifying transaction takes a lock that PostgreSQL holds until its commit is
flushed (it keeps notifications in commit order), so concurrent submissions committed one at
a time instead of sharing their WAL flushes: 8 clients inserting as a submission does ran
at 515-824 transactions/s with the trigger, 1,062-1,368/s without (issue #16). The relay
now makes a pass every 0.2 s (moderation/outbox/relay.py), as long as it waited for the
comments after a wake-up to join the same batch.
"""
from alembic import op


revision = '0017'
down_revision = '0016'
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
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER comments_pending_notify ON comments')
        op.execute('DROP FUNCTION notify_comments_pending()')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(NOTIFY_FUNCTION)
        op.execute(NOTIFY_TRIGGER)
