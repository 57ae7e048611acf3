"""legal review: provisions snapshots, the legal reviewer role, sign-offs, verified sources, certificates' legal basis

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 20:30:00

"""
from alembic import op
import sqlalchemy as sa

import course.models.types


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

OLD_KINDS = ('course', 'module', 'quiz', 'sources')
NEW_KINDS = (*OLD_KINDS, 'provisions')
OLD_ROLES = ('learner', 'trainer', 'coordinator', 'admin')
NEW_ROLES = (*OLD_ROLES, 'legal_reviewer')


def _kind(values):
    return sa.Enum(*values, name='content_kind', native_enum=False, create_constraint=True, length=16)


def _role(values):
    return sa.Enum(*values, name='role', native_enum=False, create_constraint=True, length=20)


def _widen_check(table, column, old_type, new_type, constraint):
    """Replace the CHECK of an enum column: SQLite copies the table, PostgreSQL alters it in place."""
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(constraint), type_='check')
            batch_op.alter_column(column, existing_type=old_type, type_=new_type, existing_nullable=False)
        return
    op.drop_constraint(op.f(constraint), table, type_='check')
    op.create_check_constraint(op.f(constraint), table, sa.column(column).in_(new_type.enums))


def upgrade():
    _widen_check('content_snapshots', 'kind', _kind(OLD_KINDS), _kind(NEW_KINDS), 'ck_content_snapshots_content_kind')
    _widen_check('content_items', 'kind', _kind(OLD_KINDS), _kind(NEW_KINDS), 'ck_content_items_content_kind')
    _widen_check('user_roles', 'role', _role(OLD_ROLES), _role(NEW_ROLES), 'ck_user_roles_role')

    op.create_table('content_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', _kind(NEW_KINDS), nullable=False),
    sa.Column('content_id', sa.String(length=100), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.Enum('signed_off', 'returned', name='review_decision', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', course.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_content_reviews_reviewer_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['snapshot_id'], ['content_snapshots.id'], name=op.f('fk_content_reviews_snapshot_id_content_snapshots'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_reviews'))
    )
    with op.batch_alter_table('content_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_reviews_content_id'), ['content_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_content_reviews_snapshot_id'), ['snapshot_id'], unique=False)

    op.create_table('content_review_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('part_key', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['content_reviews.id'], name=op.f('fk_content_review_notes_review_id_content_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_review_notes'))
    )
    with op.batch_alter_table('content_review_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_review_notes_review_id'), ['review_id'], unique=False)

    op.create_table('source_verifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.String(length=100), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', course.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_source_verifications_verified_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_verifications'))
    )
    with op.batch_alter_table('source_verifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_verifications_source_id'), ['source_id'], unique=False)

    op.create_table('certificate_legal_bases',
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('citation', sa.String(length=201), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_certificate_legal_bases_certificate_id_certificates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('certificate_id', 'citation', name=op.f('pk_certificate_legal_bases'))
    )


def downgrade():
    op.drop_table('certificate_legal_bases')
    with op.batch_alter_table('source_verifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_verifications_source_id'))
    op.drop_table('source_verifications')
    with op.batch_alter_table('content_review_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_review_notes_review_id'))
    op.drop_table('content_review_notes')
    with op.batch_alter_table('content_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_reviews_snapshot_id'))
        batch_op.drop_index(batch_op.f('ix_content_reviews_content_id'))
    op.drop_table('content_reviews')
    _widen_check('user_roles', 'role', _role(NEW_ROLES), _role(OLD_ROLES), 'ck_user_roles_role')
    _widen_check('content_items', 'kind', _kind(NEW_KINDS), _kind(OLD_KINDS), 'ck_content_items_content_kind')
    _widen_check('content_snapshots', 'kind', _kind(NEW_KINDS), _kind(OLD_KINDS), 'ck_content_snapshots_content_kind')
