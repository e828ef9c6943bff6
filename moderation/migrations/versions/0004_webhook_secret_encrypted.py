"""webhook signing secrets encrypted at rest

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 04:45:00

The secrets are sealed with the app's EMAIL_ENCRYPTION_KEYS (Flask-Migrate runs
migrations inside the app, so its keys are at hand) and opened again on downgrade.
"""
from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

sites = sa.table('sites', sa.column('id', sa.String), sa.column('webhook_secret', sa.String),
                 sa.column('webhook_secret_ciphertext', sa.LargeBinary))


def _privacy():
    return current_app.extensions['privacy']


def _copy(source: str, target: str, convert) -> None:
    """Fill column ``target`` with ``convert`` of each site's ``source``."""
    connection = op.get_bind()
    for site_id, value in connection.execute(
            sa.select(sites.c.id, sites.c[source]).where(sites.c[source].is_not(None))).all():
        connection.execute(
            sites.update().where(sites.c.id == site_id).values({target: convert(value)}))


def upgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('webhook_secret_ciphertext', sa.LargeBinary(), nullable=True))
    _copy('webhook_secret', 'webhook_secret_ciphertext', _privacy().seal_secret)
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('webhook_secret')


def downgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('webhook_secret', sa.String(length=128), nullable=True))
    _copy('webhook_secret_ciphertext', 'webhook_secret', _privacy().open_secret)
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('webhook_secret_ciphertext')
