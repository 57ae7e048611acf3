"""parallel pre/post-test forms taken both ways, and the gain per learning objective

``enrolments.form_order``: which form a learner takes first, set at enrolment so each cohort is split in halves;
enrolments made before keep "ab", the order every learner followed until then. ``quiz_attempts.counts_as``: the
test an attempt stands for when a learner takes the other form in its place. ``learner_summaries.form_order`` and
``objective_gains`` are derived: they are filled at the next recount of the summaries (``course init`` after the
content changed, as the course.yaml that turns the forms on does, or ``course refresh-summaries``).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 15:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_order', sa.Enum('ab', 'ba', name='form_order', native_enum=False,
                                                            create_constraint=True, length=2),
                                      nullable=False, server_default='ab'))
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counts_as', sa.String(length=100), nullable=True))
    with op.batch_alter_table('learner_summaries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_order', sa.String(length=2), nullable=True))
    op.create_table(
        'objective_gains',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.String(length=100), nullable=False),
        sa.Column('objective', sa.String(length=100), nullable=False),
        sa.Column('pre_percent', sa.Float(), nullable=True),
        sa.Column('post_percent', sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_objective_gains_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'course_id', 'objective', name=op.f('pk_objective_gains')),
    )


def downgrade():
    op.drop_table('objective_gains')
    with op.batch_alter_table('learner_summaries', schema=None) as batch_op:
        batch_op.drop_column('form_order')
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_column('counts_as')
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_enrolments_form_order'), type_='check')
        batch_op.drop_column('form_order')
