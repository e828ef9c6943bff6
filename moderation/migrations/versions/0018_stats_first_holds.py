"""stats_hours: held comments counted per check by the hour of their previous hold, not as pairs

Revision ID: 0018
Revises: 0017

The top reasons of 90 days unnested 22,000 (check, comment) pairs from their roll-ups and
counted distinct comments (13 ms of the dashboard's 40 at 1,000,000 comments). A comment held
twice in a period counts once, where it was first held in it; so a roll-up now keeps, per
check, how many comments it held by the hour of each one's previous hold (``held_since``,
NULL for none, nearly all), and a period adds up those whose previous hold is before it. A
hold's previous one is another row's: a status change into held inserted late, updated or
deleted now forgets every roll-up holding its comment (as a rewrite of its reasons does). The
roll-ups are a cache: upgrading and downgrading empty them.
"""
from alembic import context, op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

FORGET_HOLDS = """
CREATE FUNCTION stats_hours_forget_holds(comment integer) RETURNS void LANGUAGE sql AS $$
    DELETE FROM stats_hours USING status_changes
    WHERE status_changes.comment_id = comment AND status_changes.to_status = 'held'
      AND stats_hours.site_id = status_changes.site_id
      AND stats_hours.hour IN (date_trunc('hour', status_changes.created_at, 'UTC'),
                               date_trunc('day', status_changes.created_at, 'UTC'));
$$;
CREATE OR REPLACE FUNCTION stats_hours_forget_reasons() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stats_hours_forget_holds(NEW.id);
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION stats_hours_forget_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        {old}
        IF OLD.to_status = 'held' THEN PERFORM stats_hours_forget_holds(OLD.comment_id); END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        {new}
        IF NEW.to_status = 'held' THEN PERFORM stats_hours_forget_holds(NEW.comment_id); END IF;
    END IF;
    RETURN NULL;
END $$;
"""


def _array(item):
    return sa.JSON().with_variant(postgresql.ARRAY(item), 'postgresql')


def _0016():
    return context.script.get_revision('0016').module


def upgrade():
    op.execute('DELETE FROM stats_hours')
    with op.batch_alter_table('stats_hours') as table:
        table.drop_column('held_comments')
        table.add_column(sa.Column('held_since', _array(sa.DateTime(timezone=True)),
                                   nullable=False))
        table.add_column(sa.Column('held_counts', _array(sa.Integer()), nullable=False))
    if op.get_bind().dialect.name == 'postgresql':
        forget = _0016().FORGET
        op.execute(FORGET_HOLDS.format(old=forget.format(row='OLD'),
                                       new=forget.format(row='NEW')))


def downgrade():
    op.execute('DELETE FROM stats_hours')
    with op.batch_alter_table('stats_hours') as table:
        table.drop_column('held_counts')
        table.drop_column('held_since')
        table.add_column(sa.Column('held_comments', _array(sa.Integer()), nullable=False))
    if op.get_bind().dialect.name == 'postgresql':
        earlier = _0016()
        op.execute(earlier._triggers(earlier.FORGET, earlier.MATCH))
        op.execute('DROP FUNCTION stats_hours_forget_holds(integer)')
