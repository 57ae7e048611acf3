"""translation reviews: a native speaker marks one language of a content version as reviewed

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 21:00:00

"""
from alembic import op
import sqlalchemy as sa

import course.models.types


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

KINDS = ('course', 'module', 'quiz', 'sources', 'provisions')


def upgrade():
    op.create_table('translation_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum(*KINDS, name='content_kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('content_id', sa.String(length=100), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', course.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_translation_reviews_reviewer_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['snapshot_id'], ['content_snapshots.id'], name=op.f('fk_translation_reviews_snapshot_id_content_snapshots'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_translation_reviews')),
    sa.UniqueConstraint('snapshot_id', 'language', name=op.f('uq_translation_reviews_snapshot_id_language'))
    )
    with op.batch_alter_table('translation_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_translation_reviews_content_id'), ['content_id'], unique=False)


def downgrade():
    with op.batch_alter_table('translation_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_translation_reviews_content_id'))
    op.drop_table('translation_reviews')
