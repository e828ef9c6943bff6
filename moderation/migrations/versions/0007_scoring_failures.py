"""comments count the scoring runs that raised on them

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-14 12:00:00

A comment whose checks raise no longer fails its whole batch: it stays pending
for a retry, and its third failure holds it for a moderator (scoring_error).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scoring_failures', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_column('scoring_failures')
