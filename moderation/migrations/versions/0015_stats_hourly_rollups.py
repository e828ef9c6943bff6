"""stats_hours: the dashboard's roll-ups of completed hours, forgotten when their hour changes

Revision ID: 0015
Revises: 0014

GET /api/v1/moderation/stats read every move of its period from status_changes: 30 days took
about 200 ms of PostgreSQL CPU at 1,000,000 comments. A completed hour never changes in the
normal course (moves are written at now), so review/rollups.py keeps each one rolled up. On
PostgreSQL, triggers delete a site's hour when something changes it afterwards: a status change
inserted (dated more than 5 minutes in the past), updated or deleted in it, or a held
comment's reasons rewritten; the next request rolls it up again. SQLite gets the table only
(its dashboard reads the log).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

FORGET_HOUR = "DELETE FROM stats_hours WHERE site_id = {row}.site_id " \
              "AND hour = date_trunc('hour', {row}.created_at, 'UTC');"
TRIGGERS = f"""
CREATE FUNCTION stats_hours_forget_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN {FORGET_HOUR.format(row='OLD')} END IF;
    IF TG_OP <> 'DELETE' THEN {FORGET_HOUR.format(row='NEW')} END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER stats_hours_late_insert AFTER INSERT ON status_changes FOR EACH ROW
    WHEN (NEW.created_at < now() - interval '5 minutes')
    EXECUTE FUNCTION stats_hours_forget_change();
CREATE TRIGGER stats_hours_rewrite AFTER UPDATE OR DELETE ON status_changes FOR EACH ROW
    EXECUTE FUNCTION stats_hours_forget_change();
CREATE FUNCTION stats_hours_forget_reasons() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stats_hours USING status_changes
    WHERE status_changes.comment_id = NEW.id AND status_changes.to_status = 'held'
      AND stats_hours.site_id = status_changes.site_id
      AND stats_hours.hour = date_trunc('hour', status_changes.created_at, 'UTC');
    RETURN NULL;
END $$;
CREATE TRIGGER stats_hours_reasons AFTER UPDATE OF reasons ON comments FOR EACH ROW
    WHEN (OLD.reasons::text IS DISTINCT FROM NEW.reasons::text)
    EXECUTE FUNCTION stats_hours_forget_reasons();
"""
DROP_TRIGGERS = """
DROP TRIGGER stats_hours_reasons ON comments;
DROP TRIGGER stats_hours_rewrite ON status_changes;
DROP TRIGGER stats_hours_late_insert ON status_changes;
DROP FUNCTION stats_hours_forget_reasons();
DROP FUNCTION stats_hours_forget_change();
"""


def _array(item):
    return sa.JSON().with_variant(postgresql.ARRAY(item), 'postgresql')


def upgrade():
    op.create_table(
        'stats_hours',
        sa.Column('site_id', sa.String(length=64), nullable=False),
        sa.Column('hour', sa.DateTime(timezone=True), nullable=False),
        sa.Column('move_from', _array(sa.String(length=16)), nullable=False),
        sa.Column('move_to', _array(sa.String(length=16)), nullable=False),
        sa.Column('move_actor', _array(sa.String(length=120)), nullable=False),
        sa.Column('move_count', _array(sa.Integer()), nullable=False),
        sa.Column('waits', _array(sa.Float()), nullable=False),
        sa.Column('held_checks', _array(sa.String()), nullable=False),
        sa.Column('held_comments', _array(sa.Integer()), nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id']),
        sa.PrimaryKeyConstraint('site_id', 'hour'),
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(TRIGGERS)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(DROP_TRIGGERS)
    op.drop_table('stats_hours')
