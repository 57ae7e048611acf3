"""follow-up questionnaire answers

Learners answer a questionnaire some months after their cohort's last day (modules/follow-up.yaml); a trainer
may type in a paper copy (course.follow_up).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 14:00:00

"""
import sqlalchemy as sa
from alembic import op

from course.models.types import UTCDateTime

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'follow_up_responses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('wave', sa.Integer(), nullable=False),
        sa.Column('form_id', sa.String(length=100), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('submitted_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('entered_by_id', sa.Integer(), nullable=True),
        sa.Column('clock', sa.String(length=40), server_default='', nullable=False),
        sa.Column('uid', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_follow_up_responses_cohort_id_cohorts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'],
                                name=op.f('fk_follow_up_responses_entered_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_follow_up_responses_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_responses')),
        sa.UniqueConstraint('uid', name=op.f('uq_follow_up_responses_uid')),
        sa.UniqueConstraint('user_id', 'cohort_id', 'wave', name=op.f('uq_follow_up_responses_user_id_cohort_id_wave')),
    )
    with op.batch_alter_table('follow_up_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_responses_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_responses_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ix_follow_up_responses_user_id_clock', ['user_id', 'clock'], unique=False)


def downgrade():
    op.drop_table('follow_up_responses')
