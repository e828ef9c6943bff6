"""review: moderators, bans, risk, row version

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 13:26:41.516618

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.String(length=64), nullable=False),
    sa.Column('email_digest', sa.String(length=64), nullable=False),
    sa.Column('moderator', sa.String(length=80), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_bans_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bans')),
    sa.UniqueConstraint('site_id', 'email_digest', name=op.f('uq_bans_site_id'))
    )
    op.create_table('moderators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('site_id', sa.String(length=64), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_moderators_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderators')),
    sa.UniqueConstraint('name', name=op.f('uq_moderators_name')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_moderators_token_digest'))
    )
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auto_approve_after', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('erasure_mode', sa.String(length=16), nullable=False, server_default='anonymise'))

    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('risk', sa.Double(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('decided_by', sa.String(length=120), nullable=True))
        batch_op.create_index('ix_comments_queue_risk', ['site_id', 'status', 'risk', 'id'], unique=False)
        batch_op.create_index('ix_comments_site_author_status', ['site_id', 'email_digest', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('erasure_mode')
        batch_op.drop_column('auto_approve_after')

    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_column('decided_by')
        batch_op.drop_index('ix_comments_site_author_status')
        batch_op.drop_index('ix_comments_queue_risk')
        batch_op.drop_column('version')
        batch_op.drop_column('risk')

    op.drop_table('moderators')
    op.drop_table('bans')
