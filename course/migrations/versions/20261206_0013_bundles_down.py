"""bundles down: the keys and numbers a central server needs to send bundles to a field laptop

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 22:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('box_public_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('down_sequence', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('this_device', schema=None) as batch_op:
        batch_op.add_column(sa.Column('box_private_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('centre_verify_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_sequence', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('pulled_sequence', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('this_device', schema=None) as batch_op:
        batch_op.drop_column('pulled_sequence')
        batch_op.drop_column('acknowledged_sequence')
        batch_op.drop_column('centre_verify_key')
        batch_op.drop_column('box_private_key')
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_column('down_sequence')
        batch_op.drop_column('box_public_key')
