"""devices and sync: the register of field laptops, the bundles received from them, their conflicts, and this device

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 21:40:00

"""
from alembic import op
import sqlalchemy as sa

import course.models.types


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('this_device',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_uid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=8), nullable=False),
    sa.Column('signing_key', sa.String(length=64), nullable=False),
    sa.Column('centre_public_key', sa.String(length=64), nullable=False),
    sa.Column('centre_url', sa.String(length=500), nullable=False),
    sa.Column('joined_at', course.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_sequence', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_this_device'))
    )
    op.create_table('devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=8), nullable=False),
    sa.Column('verify_key', sa.String(length=64), nullable=False),
    sa.Column('registered_at', course.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', course.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_sequence', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_devices_registered_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_devices')),
    sa.UniqueConstraint('prefix', name=op.f('uq_devices_prefix')),
    sa.UniqueConstraint('uid', name=op.f('uq_devices_uid'))
    )
    op.create_table('sync_bundles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('received_at', course.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('added', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_sync_bundles_device_id_devices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_bundles')),
    sa.UniqueConstraint('device_id', 'sequence', name=op.f('uq_sync_bundles_device_id_sequence'))
    )
    op.create_index(op.f('ix_sync_bundles_device_id'), 'sync_bundles', ['device_id'], unique=False)
    op.create_table('sync_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('field', 'suspected_duplicate', name='conflict_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('bundle_id', sa.Integer(), nullable=False),
    sa.Column('table_name', sa.String(length=64), nullable=False),
    sa.Column('record_uid', sa.String(length=36), nullable=False),
    sa.Column('other_uid', sa.String(length=36), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('settled_at', course.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['bundle_id'], ['sync_bundles.id'], name=op.f('fk_sync_conflicts_bundle_id_sync_bundles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_conflicts'))
    )
    op.create_index(op.f('ix_sync_conflicts_bundle_id'), 'sync_conflicts', ['bundle_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_sync_conflicts_bundle_id'), table_name='sync_conflicts')
    op.drop_table('sync_conflicts')
    op.drop_index(op.f('ix_sync_bundles_device_id'), table_name='sync_bundles')
    op.drop_table('sync_bundles')
    op.drop_table('devices')
    op.drop_table('this_device')
