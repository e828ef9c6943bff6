"""the author's edit cap; duplicates are found by address, not by email

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-14 11:00:00

Comments count their author's recent edits (COMMENT_EDIT_LIMIT), so an author token
cannot buy unlimited re-scoring. The duplicate check matches the same text from the
same address (IP digest) instead of the same email, so its index changes with it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recent_edits', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('recent_edits_since', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.drop_index('ix_comments_thread_author_body')
        batch_op.create_index('ix_comments_thread_body_address',
                              ['thread_id', 'body_digest', 'ip_digest'], unique=False)


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_thread_body_address')
        batch_op.create_index('ix_comments_thread_author_body',
                              ['thread_id', 'email_digest', 'body_digest'], unique=False)
        batch_op.drop_column('recent_edits_since')
        batch_op.drop_column('recent_edits')
