"""quizzes trainers build for their cohort from the question bank

A trainer composes a quiz from the signed-off questions of the bank, sets its options within the course's bounds
and opens it to one cohort (course.trainer_quizzes). The quiz version is kept in the row, so attempts pinned to
it are graded by the same engine, here and wherever the row is synced.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 19:00:00

"""
import sqlalchemy as sa
from alembic import op

from course.models.types import UTCDateTime

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'trainer_quizzes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('quiz_id', sa.String(length=100), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('state', sa.Enum('draft', 'open', 'closed', name='trainer_quiz_state', native_enum=False,
                                   create_constraint=True, length=20), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('sources', sa.JSON(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('opened_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('closed_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('clock', sa.String(length=40), server_default='', nullable=False),
        sa.Column('uid', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_trainer_quizzes_cohort_id_cohorts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_trainer_quizzes_author_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_trainer_quizzes')),
        sa.UniqueConstraint('quiz_id', name=op.f('uq_trainer_quizzes_quiz_id')),
        sa.UniqueConstraint('uid', name=op.f('uq_trainer_quizzes_uid')),
    )
    with op.batch_alter_table('trainer_quizzes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trainer_quizzes_cohort_id'), ['cohort_id'], unique=False)


def downgrade():
    op.drop_table('trainer_quizzes')
