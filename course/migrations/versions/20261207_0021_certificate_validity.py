"""certificates that lapse and are renewed

A track may give its certificate a validity period; a refresher renews it (course.certificates.validity).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 13:00:00

"""
import sqlalchemy as sa
from alembic import op

from course.models.types import UTCDateTime

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_until', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('renewed_at', UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('renewed_at')
        batch_op.drop_column('valid_until')
