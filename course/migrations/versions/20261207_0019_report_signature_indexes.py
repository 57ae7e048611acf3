"""indexes for the coordinator reports' signature

The reports keep their figures while the latest change stamp of each large table they read stays the same
(course.reports.kept). An index on the stamp alone answers "the latest" by reading one end of it.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 10:00:00

"""
from alembic import op


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

INDEXES = (('users', 'clock'), ('enrolments', 'clock'), ('attendance', 'clock'),
           ('learner_summaries', 'refreshed_at'))


def upgrade():
    for table, column in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f'ix_{table}_{column}', [column], unique=False)


def downgrade():
    for table, column in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_{column}')
