"""learners' reports of questions they think are wrong

A learner reports a question of their own submitted attempt with a comment; the legal reviewer reads the reports
with the question's statistics and closes each with a note (course.review.question_reports). Synced.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 15:40:00

"""
import sqlalchemy as sa
from alembic import op

from course.models.types import UTCDateTime

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'question_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('quiz_id', sa.String(length=100), nullable=False),
        sa.Column('quiz_hash', sa.String(length=64), nullable=False),
        sa.Column('question_id', sa.String(length=100), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('reported_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('closed_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.Column('reviewer_note', sa.Text(), server_default='', nullable=False),
        sa.Column('clock', sa.String(length=40), server_default='', nullable=False),
        sa.Column('uid', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'],
                                name=op.f('fk_question_reports_attempt_id_quiz_attempts'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_question_reports_closed_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_question_reports_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_question_reports')),
        sa.UniqueConstraint('uid', name=op.f('uq_question_reports_uid')),
        sa.UniqueConstraint('attempt_id', 'question_id', name=op.f('uq_question_reports_attempt_id_question_id')),
    )
    with op.batch_alter_table('question_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_reports_quiz_id'), ['quiz_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_reports_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('question_reports')
