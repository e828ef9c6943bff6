"""webhook deliveries name their comment instead of storing its content; random delivery ids

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-14 10:00:00

A delivery row kept the event's whole body (the author's name, link and comment
text), which an erasure then had to hunt down. It now keeps the comment id and
the announced status, and webhooks.deliver builds the body when it sends. Each
row also gets a random public id for X-Moderation-Delivery. Downgrading rebuilds
bodies with ids and status only: the content is not kept, so it cannot return.
"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

deliveries = sa.table('webhook_deliveries', sa.column('id', sa.Integer),
                      sa.column('event', sa.String), sa.column('payload', sa.JSON),
                      sa.column('public_id', sa.String), sa.column('comment_id', sa.Integer),
                      sa.column('status', sa.String), sa.column('site_id', sa.String))
comments = sa.table('comments', sa.column('id', sa.Integer), sa.column('public_id', sa.String))


def upgrade():
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('comment_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=True))
    connection = op.get_bind()
    ids = dict(connection.execute(sa.select(comments.c.public_id, comments.c.id)).all())
    for row_id, payload in connection.execute(
            sa.select(deliveries.c.id, deliveries.c.payload)).all():
        comment = payload.get('comment', {})
        if comment.get('id') not in ids:
            connection.execute(deliveries.delete().where(deliveries.c.id == row_id))
            continue
        connection.execute(deliveries.update().where(deliveries.c.id == row_id).values(
            public_id=secrets.token_urlsafe(12), comment_id=ids[comment['id']],
            status=comment.get('status', '')))
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.alter_column('public_id', existing_type=sa.String(length=32), nullable=False)
        batch_op.alter_column('comment_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('status', existing_type=sa.String(length=16), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_webhook_deliveries_public_id'),
                                          ['public_id'])
        batch_op.create_foreign_key(batch_op.f('fk_webhook_deliveries_comment_id_comments'),
                                    'comments', ['comment_id'], ['id'])
        batch_op.drop_column('payload')


def downgrade():
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payload', sa.JSON(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(
        deliveries.c.id, deliveries.c.event, deliveries.c.site_id, deliveries.c.status,
        comments.c.public_id).join(comments, comments.c.id == deliveries.c.comment_id)).all()
    for row_id, event, site_id, status, public_id in rows:
        connection.execute(deliveries.update().where(deliveries.c.id == row_id).values(
            payload={'event': event, 'site': site_id,
                     'comment': {'id': public_id, 'status': status}}))
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.alter_column('payload', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_webhook_deliveries_comment_id_comments'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_webhook_deliveries_public_id'), type_='unique')
        batch_op.drop_column('status')
        batch_op.drop_column('comment_id')
        batch_op.drop_column('public_id')
