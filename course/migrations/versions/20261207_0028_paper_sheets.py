"""answer sheets for quizzes taken on paper

A trainer prints one answer sheet per learner for a quiz (course.paper); the sheet fixes the questions, their
order and the content version, and keying it in makes an ordinary graded attempt, once.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 21:00:00

"""
import sqlalchemy as sa
from alembic import op

from course.models.types import UTCDateTime

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'paper_sheets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=16), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('quiz_id', sa.String(length=100), nullable=False),
        sa.Column('quiz_hash', sa.String(length=64), nullable=False),
        sa.Column('counts_as', sa.String(length=100), nullable=True),
        sa.Column('layout', sa.JSON(), nullable=False),
        sa.Column('print_layout', sa.JSON(), nullable=True),
        sa.Column('printed_by_id', sa.Integer(), nullable=True),
        sa.Column('printed_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('attempt_id', sa.Integer(), nullable=True),
        sa.Column('keyed_by_id', sa.Integer(), nullable=True),
        sa.Column('keyed_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('clock', sa.String(length=40), server_default='', nullable=False),
        sa.Column('uid', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_paper_sheets_cohort_id_cohorts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_paper_sheets_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['printed_by_id'], ['users.id'], name=op.f('fk_paper_sheets_printed_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'],
                                name=op.f('fk_paper_sheets_attempt_id_quiz_attempts'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['keyed_by_id'], ['users.id'], name=op.f('fk_paper_sheets_keyed_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_sheets')),
        sa.UniqueConstraint('number', name=op.f('uq_paper_sheets_number')),
        sa.UniqueConstraint('attempt_id', name=op.f('uq_paper_sheets_attempt_id')),
        sa.UniqueConstraint('uid', name=op.f('uq_paper_sheets_uid')),
    )
    with op.batch_alter_table('paper_sheets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_sheets_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paper_sheets_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('paper_sheets')
