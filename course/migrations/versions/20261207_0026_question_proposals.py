"""cases and questions trainers propose from practice

A trainer proposes an anonymised case with its question and expected answer; the legal reviewer edits it,
accepts it into the bank or returns it with a comment (course.review.proposals). Synced.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 16:20:00

"""
import sqlalchemy as sa
from alembic import op

from course.models.types import UTCDateTime

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'question_proposals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('module_id', sa.String(length=100), server_default='', nullable=False),
        sa.Column('scenario', sa.Text(), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('status', sa.Enum('submitted', 'returned', 'accepted', name='proposal_status', native_enum=False,
                                    create_constraint=True, length=20), nullable=False),
        sa.Column('reviewer_comment', sa.Text(), server_default='', nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('submitted_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('clock', sa.String(length=40), server_default='', nullable=False),
        sa.Column('uid', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_question_proposals_author_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_question_proposals_decided_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_question_proposals')),
        sa.UniqueConstraint('uid', name=op.f('uq_question_proposals_uid')),
    )
    with op.batch_alter_table('question_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_proposals_author_id'), ['author_id'], unique=False)


def downgrade():
    op.drop_table('question_proposals')
