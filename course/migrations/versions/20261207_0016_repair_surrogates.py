"""answers that hold half of a UTF-16 pair are repaired

Before the autosave refused them, a JSON body could bring an unpaired surrogate (``"\\ud800"``) into a typed
answer; Python stores it, but no page can write it out as UTF-8, so the learner's attempt and result pages failed
for good. Each such character becomes U+FFFD (the replacement character), the rest of the answer stays.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 02:30:00

"""
import json
import re

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

LONE_SURROGATE = re.compile('[\ud800-\udfff]')
answers = sa.table('attempt_answers', sa.column('id', sa.Integer), sa.column('response', sa.Text))


def _repaired(value):
    if isinstance(value, str):
        return LONE_SURROGATE.sub('\ufffd', value)
    if isinstance(value, list):
        return [_repaired(item) for item in value]
    if isinstance(value, dict):
        return {_repaired(key): _repaired(item) for key, item in value.items()}
    return value


def upgrade():
    connection = op.get_bind()
    text = sa.cast(answers.c.response, sa.Text)
    # Only answers whose stored JSON holds a \u escape of the surrogate range (\ud800 to \udfff) are read.
    suspects = connection.execute(sa.select(answers.c.id, text).where(
        sa.func.lower(text).like('%\\ud8%', escape='!') | sa.func.lower(text).like('%\\ud9%', escape='!')
        | sa.func.lower(text).like('%\\uda%', escape='!') | sa.func.lower(text).like('%\\udb%', escape='!')
        | sa.func.lower(text).like('%\\udc%', escape='!') | sa.func.lower(text).like('%\\udd%', escape='!')
        | sa.func.lower(text).like('%\\ude%', escape='!') | sa.func.lower(text).like('%\\udf%', escape='!'))).all()
    placeholder = 'CAST(:response AS JSON)' if connection.dialect.name == 'postgresql' else ':response'
    for answer_id, stored in suspects:
        value = json.loads(stored)
        repaired = _repaired(value)
        if repaired != value:
            connection.execute(sa.text(f'UPDATE attempt_answers SET response = {placeholder} WHERE id = :id'),
                               {'response': json.dumps(repaired), 'id': answer_id})


def downgrade():
    pass  # the broken characters are not worth bringing back
