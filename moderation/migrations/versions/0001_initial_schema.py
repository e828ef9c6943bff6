"""sites, threads, comments, status log

Revision ID: 0001
Revises: -
Create Date: 2026-11-28 13:21:54.733881

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sites',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('allowed_origins', sa.JSON(), nullable=False),
    sa.Column('flood_interval_seconds', sa.Integer(), nullable=False),
    sa.Column('max_links', sa.Integer(), nullable=False),
    sa.Column('blocked_words', sa.JSON(), nullable=False),
    sa.Column('held_words', sa.JSON(), nullable=False),
    sa.Column('premoderate', sa.Boolean(), nullable=False),
    sa.Column('edit_window_seconds', sa.Integer(), nullable=False),
    sa.Column('score_thresholds', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sites'))
    )
    op.create_table('threads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=512), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('url', sa.String(length=2048), nullable=True),
    sa.Column('closed', sa.Boolean(), nullable=False),
    sa.Column('published_version', sa.Integer(), nullable=False),
    sa.Column('approved_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_threads_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_threads')),
    sa.UniqueConstraint('site_id', 'key', name=op.f('uq_threads_site_id'))
    )
    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('site_id', sa.String(length=64), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=80), nullable=False),
    sa.Column('email_ciphertext', sa.LargeBinary(), nullable=True),
    sa.Column('email_digest', sa.String(length=64), nullable=True),
    sa.Column('author_url', sa.String(length=2048), nullable=True),
    sa.Column('author_token_digest', sa.String(length=64), nullable=False),
    sa.Column('ip_digest', sa.String(length=64), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_digest', sa.String(length=64), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('honeypot_filled', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'held', 'spam', 'rejected', 'deleted', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('spam_score', sa.Double(), nullable=True),
    sa.Column('toxicity_score', sa.Double(), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('model_versions', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['comments.id'], name=op.f('fk_comments_parent_id_comments')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_comments_site_id_sites')),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_comments_thread_id_threads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments')),
    sa.UniqueConstraint('public_id', name=op.f('uq_comments_public_id'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index('ix_comments_author_created', ['email_digest', 'created_at'], unique=False)
        batch_op.create_index('ix_comments_ip_created', ['ip_digest', 'created_at'], unique=False)
        batch_op.create_index('ix_comments_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index('ix_comments_thread_author_body', ['thread_id', 'email_digest', 'body_digest'], unique=False)
        batch_op.create_index('ix_comments_thread_status_created', ['thread_id', 'status', 'created_at', 'id'], unique=False)

    op.create_table('status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_status_changes_comment_id_comments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_changes'))
    )
    with op.batch_alter_table('status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_changes_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_status_changes_created_at'), ['created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_status_changes_created_at'))
        batch_op.drop_index(batch_op.f('ix_status_changes_comment_id'))

    op.drop_table('status_changes')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_thread_status_created')
        batch_op.drop_index('ix_comments_thread_author_body')
        batch_op.drop_index('ix_comments_status_created')
        batch_op.drop_index('ix_comments_ip_created')
        batch_op.drop_index('ix_comments_author_created')

    op.drop_table('comments')
    op.drop_table('threads')
    op.drop_table('sites')
