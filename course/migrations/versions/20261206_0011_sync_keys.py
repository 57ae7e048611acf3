"""sync keys: a uid (UUIDv7) on every record a laptop can create and the centre must receive

Existing rows get a new uid each, in the migration itself, so a database that already holds a
programme's records migrates without losing or merging anything.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 21:20:00

"""
from alembic import op
import sqlalchemy as sa

from course.models.identity import new_uid, random_uid


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

TABLES = ('users', 'enrolments', 'cohorts', 'cohort_trainers', 'trainer_standings', 'session_days', 'attendance',
          'quiz_attempts', 'attempt_answers', 'section_reads', 'practice_assessments', 'evaluation_submissions',
          'certificates', 'audit_events')
BATCH = 5000


def _backfill(table):
    """Give every existing row its own uid, a batch of updates at a time."""
    bind = op.get_bind()
    rows = sa.table(table, sa.column('id', sa.Integer), sa.column('uid', sa.String))
    ids = [row.id for row in bind.execute(sa.select(rows.c.id))]
    update = rows.update().where(rows.c.id == sa.bindparam('row_id')).values(uid=sa.bindparam('new_uid'))
    make = random_uid if table == 'evaluation_submissions' else new_uid  # a submission must not carry a time
    for start in range(0, len(ids), BATCH):
        bind.execute(update, [{'row_id': row_id, 'new_uid': make()} for row_id in ids[start:start + BATCH]])


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('uid', sa.String(length=36), nullable=True))
        _backfill(table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('uid', existing_type=sa.String(length=36), nullable=False)
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_uid'), ['uid'])


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_uid'), type_='unique')
            batch_op.drop_column('uid')
