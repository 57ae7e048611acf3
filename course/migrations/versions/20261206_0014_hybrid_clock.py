"""hybrid clock and what sync needs besides

Every synced record's last-change stamp, per-field stamps of editable records, bundles since the last
acknowledgement, the content versions each laptop holds, people merged by a coordinator, the laptop a cohort
was run on.

On the central server existing rows get the empty stamp (older than any change). On a field laptop they are
stamped with the time of the upgrade and the laptop's prefix: whatever the laptop changed before the upgrade and
has not sent yet (an attempt submitted since its last bundle) is then later than the centre's copy, and its
first bundle after the upgrade, which holds everything, brings it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 23:30:00

"""
import time

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

CLOCKED = ('users', 'cohorts', 'cohort_trainers', 'trainer_standings', 'enrolments', 'session_days', 'attendance',
           'section_reads', 'quiz_attempts', 'attempt_answers', 'practice_assessments', 'certificates',
           'audit_events')
EDITABLE = ('users', 'cohorts', 'certificates', 'trainer_standings')


def upgrade():
    for name in CLOCKED:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(sa.Column('clock', sa.String(length=40), nullable=False, server_default=''))
            if name in EDITABLE:
                batch_op.add_column(sa.Column('field_clocks', sa.JSON(), nullable=False, server_default='{}'))
            if name == 'cohorts':
                batch_op.add_column(sa.Column('device_prefix', sa.String(length=8), nullable=False, server_default=''))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_merged_into_id_users'), 'users', ['merged_into_id'], ['id'],
                                    ondelete='SET NULL')
    with op.batch_alter_table('this_device', schema=None) as batch_op:
        batch_op.add_column(sa.Column('written_clocks', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_versions', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('seen_clock', sa.String(length=40), nullable=False, server_default=''))
    op.create_table(
        'hybrid_clock',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('value', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_hybrid_clock')),
    )
    _stamp_a_laptops_records()


def _stamp_a_laptops_records():
    connection = op.get_bind()
    prefix = connection.scalar(sa.text('SELECT prefix FROM this_device LIMIT 1'))
    if not prefix:
        return
    now = f"{time.time_ns() // 1_000_000:016d}.00000.{prefix}"
    for name in CLOCKED:
        connection.execute(sa.text(f'UPDATE {name} SET clock = :now'), {'now': now})  # noqa: S608 (fixed names)
    connection.execute(sa.text('INSERT INTO hybrid_clock (id, value) VALUES (1, :now)'), {'now': now})


def downgrade():
    op.drop_table('hybrid_clock')
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_column('seen_clock')
        batch_op.drop_column('content_versions')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_merged_into_id_users'), type_='foreignkey')
        batch_op.drop_column('merged_into_id')
    with op.batch_alter_table('this_device', schema=None) as batch_op:
        batch_op.drop_column('written_clocks')
    for name in reversed(CLOCKED):
        with op.batch_alter_table(name, schema=None) as batch_op:
            if name == 'cohorts':
                batch_op.drop_column('device_prefix')
            if name in EDITABLE:
                batch_op.drop_column('field_clocks')
            batch_op.drop_column('clock')
