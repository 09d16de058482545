"""practitioner: the country they practise from, as declared

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05

Adds ``practitioner.country_code`` (ISO 3166-1 alpha-2, optional). A listing with no place
(online only) could not say which country it is in, so search listed it after the seeker's
own country's practitioners everywhere. Nothing to fill: no one has declared one yet, and
the search index's ``search_online.country`` stays right as it is.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('practitioner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('country_code', sa.String(length=2), nullable=True))


def downgrade():
    with op.batch_alter_table('practitioner', schema=None) as batch_op:
        batch_op.drop_column('country_code')
