"""sites may auto-approve only verified authors (issue #17)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 20:05:00

With auto_approve_verified_only, --auto-approve-after trusts an author only once they
confirmed their address (the reply notifications' double opt-in).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auto_approve_verified_only', sa.Boolean(),
                                      nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('auto_approve_verified_only')
