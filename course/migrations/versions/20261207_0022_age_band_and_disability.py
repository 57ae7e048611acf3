"""age band and disability in the learner profile

Voluntary, with "prefer not to say" (stored as not_stated, like gender): donors' tables break figures down by
them (course.reports). The default stays on the columns: rows written without them (a laptop's older bundle,
a script) are "not stated", never refused.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 13:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

AGE_BANDS = ('under_25', '25_34', '35_44', '45_54', '55_plus', 'not_stated')
DISABILITY = ('yes', 'no', 'not_stated')


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('age_band', sa.Enum(*AGE_BANDS, name='age_band', native_enum=False,
                                                          create_constraint=True, length=20),
                                      nullable=False, server_default='not_stated'))
        batch_op.add_column(sa.Column('disability', sa.Enum(*DISABILITY, name='disability', native_enum=False,
                                                            create_constraint=True, length=20),
                                      nullable=False, server_default='not_stated'))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        # The enums' CHECK constraints first: SQLite's copy of the table would otherwise keep them.
        batch_op.drop_constraint(op.f('ck_users_disability'), type_='check')
        batch_op.drop_constraint(op.f('ck_users_age_band'), type_='check')
        batch_op.drop_column('disability')
        batch_op.drop_column('age_band')
