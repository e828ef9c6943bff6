"""status changes carry their comment's site and submission time: the dashboard joins nothing

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 08:10:00

GET /api/v1/moderation/stats joined every log row of a period to its comment to learn its
site and submission time (p99 0.24 s to 2.7 s at 1,000,000 comments on PostgreSQL). Both
never change, so each row now keeps a copy, and one index, (site_id, to_status, created_at)
carrying from_status, actor, comment_created_at and comment_id, replaces (created_at,
to_status, ...): a site's moves, decisions and waits are read from it alone, and the top
reasons visit only the comments held.

The copy is filled by id range, BATCH rows a statement, each committed on its own (the
service keeps appending to the log meanwhile); then, with appends held off by a lock, rows
written in between by the previous code are filled too and the columns become NOT NULL.
"""
from alembic import context, op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

BATCH = 50_000
FILL = sa.text("""
    UPDATE status_changes SET site_id = comments.site_id,
                              comment_created_at = comments.created_at
    FROM comments
    WHERE comments.id = status_changes.comment_id AND status_changes.site_id IS NULL
      AND status_changes.id >= :low AND status_changes.id < :high""")


def upgrade():
    with op.batch_alter_table('status_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('comment_created_at', sa.DateTime(timezone=True),
                                      nullable=True))
    connection = op.get_bind()
    end = (connection.scalar(sa.text("SELECT max(id) FROM status_changes")) or 0) + 1
    with context.get_context().autocommit_block():
        for low in range(0, end, BATCH):
            connection.execute(FILL, {"low": low, "high": low + BATCH})
    if connection.dialect.name == "postgresql":
        op.execute("LOCK TABLE status_changes IN SHARE ROW EXCLUSIVE MODE")
    connection.execute(FILL, {"low": 0, "high": 2**62})  # appended during the batches
    with op.batch_alter_table('status_changes', schema=None) as batch_op:
        batch_op.alter_column('site_id', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('comment_created_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.drop_index('ix_status_changes_moves')
        batch_op.create_index('ix_status_changes_site_moves',
                              ['site_id', 'to_status', 'created_at'],
                              postgresql_include=['from_status', 'actor', 'comment_created_at',
                                                 'comment_id'])


def downgrade():
    with op.batch_alter_table('status_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_status_changes_site_moves')
        batch_op.create_index('ix_status_changes_moves',
                              ['created_at', 'to_status', 'from_status', 'comment_id'],
                              postgresql_include=['actor'])
        batch_op.drop_column('comment_created_at')
        batch_op.drop_column('site_id')
