"""search: where each online practitioner is based, so a seeker's own country comes first

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05

Adds ``search_online.country`` (the practitioner's first location's country code, ""
when unknown) and an index led by (term, concern, country) in price order, and fills the
column for the listings already indexed, so search stays exact without a reindex.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('search_online', schema=None) as batch_op:
        batch_op.add_column(sa.Column('country', sa.String(length=2), nullable=False, server_default=''))
    # As Practitioner.home_country: the first location's (lowest id) country code.
    op.execute(
        "UPDATE search_online SET country = COALESCE(("
        "SELECT l.country_code FROM location l WHERE l.practitioner_id = search_online.practitioner_id "
        "ORDER BY l.id LIMIT 1), '')"
    )
    op.create_index('ix_search_online_country_list', 'search_online',
                    ['term', 'concern', 'country', 'price_factor', 'practitioner_id'], unique=False)


def downgrade():
    op.drop_index('ix_search_online_country_list', table_name='search_online')
    with op.batch_alter_table('search_online', schema=None) as batch_op:
        batch_op.drop_column('country')
