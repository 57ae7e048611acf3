"""sections finished sooner than they can be read

A section counts as read only when it was open long enough to read it (``course.learn.pace``); a quicker
"Next" is kept here, one row a section, for the trainer's dashboard.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa

from course.models.types import UTCDateTime


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reading_skims',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('module_id', sa.String(length=100), nullable=False),
        sa.Column('section_id', sa.String(length=100), nullable=False),
        sa.Column('seconds', sa.Integer(), nullable=False),
        sa.Column('needed', sa.Integer(), nullable=False),
        sa.Column('times', sa.Integer(), nullable=False),
        sa.Column('at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reading_skims_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reading_skims')),
        sa.UniqueConstraint('user_id', 'module_id', 'section_id',
                            name=op.f('uq_reading_skims_user_id_module_id_section_id')),
    )
    with op.batch_alter_table('reading_skims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reading_skims_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('reading_skims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reading_skims_user_id'))
    op.drop_table('reading_skims')
