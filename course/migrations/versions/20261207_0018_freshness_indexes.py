"""indexes for the cohort dashboard's freshness check

The dashboard asks, on every view, for the count and latest clock of each table's rows of its learners. An
index on (user_id, clock) answers that from the index alone; without it PostgreSQL read every row.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 09:00:00

"""
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

TABLES = ('section_reads', 'quiz_attempts', 'certificates', 'attendance')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f'ix_{table}_user_id_clock', ['user_id', 'clock'], unique=False)


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_user_id_clock')
