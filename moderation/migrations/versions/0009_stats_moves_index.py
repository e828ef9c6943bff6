"""the dashboard reads the status-change log by time from one covering index

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 19:20:00

GET /api/v1/moderation/stats counts the moves of a period by status and actor: on
PostgreSQL an index-only scan of (created_at, to_status, from_status, comment_id)
carrying actor, instead of a heap visit per log row.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_status_changes_moves', 'status_changes',
                    ['created_at', 'to_status', 'from_status', 'comment_id'],
                    postgresql_include=['actor'])


def downgrade():
    op.drop_index('ix_status_changes_moves', table_name='status_changes')
