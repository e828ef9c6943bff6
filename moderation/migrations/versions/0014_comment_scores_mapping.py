"""comments keep their model scores in one scores mapping

Revision ID: 0014
Revises: 0013

One column per model (spam_score, toxicity_score) meant a migration for every new
model; the models are declared once in models/registry.py, and a comment keeps
each one's score under its name. The way down restores the two columns from it.
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

COLUMNS = {'spam': 'spam_score', 'toxicity': 'toxicity_score'}
BATCH = 1000


def _rewrite(select, values):
    """Run ``values(row)`` over the selected rows, writing each result in batches."""
    connection = op.get_bind()
    comments = sa.table('comments', sa.column('id', sa.Integer), sa.column('scores', sa.JSON),
                        *(sa.column(name, sa.Float) for name in COLUMNS.values()))
    update = comments.update().where(comments.c.id == sa.bindparam('row_id'))
    rows = connection.execute(select(comments)).mappings().all()
    for start in range(0, len(rows), BATCH):
        batch = [{'row_id': row['id'], **values(row)} for row in rows[start:start + BATCH]]
        if batch:
            connection.execute(update.values({key: sa.bindparam(key) for key in batch[0]
                                              if key != 'row_id'}), batch)


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scores', sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))
    _rewrite(lambda c: sa.select(c.c.id, *(c.c[name] for name in COLUMNS.values())).where(
                 sa.or_(*(c.c[name].isnot(None) for name in COLUMNS.values()))),
             lambda row: {'scores': {model: row[name] for model, name in COLUMNS.items()
                                     if row[name] is not None}})
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.alter_column('scores', server_default=None)
        for name in COLUMNS.values():
            batch_op.drop_column(name)


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        for name in COLUMNS.values():
            batch_op.add_column(sa.Column(name, sa.Float(), nullable=True))
    _rewrite(lambda c: sa.select(c.c.id, c.c.scores),
             lambda row: {name: _scores(row['scores']).get(model)
                          for model, name in COLUMNS.items()})
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_column('scores')


def _scores(stored):
    return json.loads(stored) if isinstance(stored, str) else stored or {}
