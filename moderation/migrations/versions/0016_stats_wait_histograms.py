"""stats_hours: waits as log-bucketed histograms, and whole UTC days rolled up as one row

Revision ID: 0016
Revises: 0015

At 1,000,000 comments the dashboard's 90 days unnested 174,000 waits from 2,160 hour rows and
sorted them for exact percentiles (137 ms of 157); moves and top reasons unnested the same
2,160 rows (17 ms each). A roll-up now spans an hour or a whole UTC day (``hours``: 1 or 24,
part of the key; a period by day reads its whole days from day rows) and keeps its waits as a
histogram: bins of 2 % (review/rollups.py ``wait_bin``) with the count and the sum of the
waits (microseconds) in each. The roll-ups are a cache: upgrading and downgrading empty them.
The triggers forget a change's day row as well as its hour row.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# the hour's and the day's row (an hour starting at midnight is both starts: that one is
# forgotten with its day, which only costs rolling it up again)
FORGET = "DELETE FROM stats_hours WHERE site_id = {row}.site_id AND hour IN (" \
         "date_trunc('hour', {row}.created_at, 'UTC'), date_trunc('day', {row}.created_at, 'UTC'));"
FORGET_0015 = "DELETE FROM stats_hours WHERE site_id = {row}.site_id " \
              "AND hour = date_trunc('hour', {row}.created_at, 'UTC');"
CHANGE = """
CREATE OR REPLACE FUNCTION stats_hours_forget_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN {old} END IF;
    IF TG_OP <> 'DELETE' THEN {new} END IF;
    RETURN NULL;
END $$;
"""
REASONS = """
CREATE OR REPLACE FUNCTION stats_hours_forget_reasons() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stats_hours USING status_changes
    WHERE status_changes.comment_id = NEW.id AND status_changes.to_status = 'held'
      AND stats_hours.site_id = status_changes.site_id
      AND stats_hours.hour {match};
    RETURN NULL;
END $$;
"""
MATCH = "IN (date_trunc('hour', status_changes.created_at, 'UTC'), " \
        "date_trunc('day', status_changes.created_at, 'UTC'))"
MATCH_0015 = "= date_trunc('hour', status_changes.created_at, 'UTC')"


def _array(item):
    return sa.JSON().with_variant(postgresql.ARRAY(item), 'postgresql')


def _triggers(forget: str, match: str) -> str:
    return (CHANGE.format(old=forget.format(row='OLD'), new=forget.format(row='NEW'))
            + REASONS.format(match=match))


def _create(spans: list, waits: list) -> None:
    """stats_hours anew (a cache: nothing in it is kept), with the key and the waits given."""
    op.drop_table('stats_hours')
    op.create_table(
        'stats_hours',
        sa.Column('site_id', sa.String(length=64), nullable=False),
        sa.Column('hour', sa.DateTime(timezone=True), nullable=False),
        *spans,
        sa.Column('move_from', _array(sa.String(length=16)), nullable=False),
        sa.Column('move_to', _array(sa.String(length=16)), nullable=False),
        sa.Column('move_actor', _array(sa.String(length=120)), nullable=False),
        sa.Column('move_count', _array(sa.Integer()), nullable=False),
        *waits,
        sa.Column('held_checks', _array(sa.String()), nullable=False),
        sa.Column('held_comments', _array(sa.Integer()), nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id']),
        sa.PrimaryKeyConstraint('site_id', 'hour', *(span.name for span in spans)),
    )


def upgrade():
    _create([sa.Column('hours', sa.SmallInteger(), nullable=False)], [
        sa.Column('wait_bins', _array(sa.Integer()), nullable=False),
        sa.Column('wait_counts', _array(sa.Integer()), nullable=False),
        sa.Column('wait_micros', _array(sa.BigInteger()), nullable=False),
        sa.Column('decided', sa.Integer(), nullable=False),
        sa.Column('wait_cuts', _array(sa.Float()), nullable=True)])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(_triggers(FORGET, MATCH))


def downgrade():
    _create([], [sa.Column('waits', _array(sa.Float()), nullable=False)])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(_triggers(FORGET_0015, MATCH_0015))
