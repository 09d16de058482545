"""practitioner: gender, stated only if they choose to

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05

Seekers often ask for a woman (or a man) to treat them ("a female physio", "lady massage
therapist"), and nothing in a listing said. Adds ``practitioner.gender`` (optional: woman,
man or non_binary) and the search index's copy, ``search_profile.gender``, which the
ranking reads with the rest of a profile. Nothing to fill: no one has stated one yet.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('practitioner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gender', sa.Enum('woman', 'man', 'non_binary', name='gender',
                                                        native_enum=False, length=32), nullable=True))
    with op.batch_alter_table('search_profile', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gender', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('search_profile', schema=None) as batch_op:
        batch_op.drop_column('gender')
    with op.batch_alter_table('practitioner', schema=None) as batch_op:
        batch_op.drop_column('gender')
