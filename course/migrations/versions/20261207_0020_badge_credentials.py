"""Open Badges credentials of the certificates

Each certificate of the central server is also an Open Badges 3.0 credential, signed once and kept as signed
(course.credentials).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 12:30:00

"""
import sqlalchemy as sa
from alembic import op

from course.models.types import UTCDateTime

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'badge_credentials',
        sa.Column('certificate_id', sa.Integer(), nullable=False),
        sa.Column('credential_id', sa.String(length=100), nullable=False),
        sa.Column('key_name', sa.String(length=32), nullable=False),
        sa.Column('token', sa.Text(), nullable=False),
        sa.Column('signed_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'],
                                name=op.f('fk_badge_credentials_certificate_id_certificates'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('certificate_id', name=op.f('pk_badge_credentials')),
        sa.UniqueConstraint('credential_id', name=op.f('uq_badge_credentials_credential_id')),
    )


def downgrade():
    op.drop_table('badge_credentials')
