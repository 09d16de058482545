"""search: place index rows per declared concern

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22

Adds ``search_place.concern`` ("" for the generic row, as ``search_online`` has) and
an index led by (term, concern), and writes the concern rows for the listings already
indexed, so search stays exact without a reindex.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_COLUMNS = "practitioner_id, location_id, term, lat, lon, lat_idx, lon_idx, venue_type, valid_until"


def upgrade():
    with op.batch_alter_table('search_place', schema=None) as batch_op:
        batch_op.add_column(sa.Column('concern', sa.String(length=80), nullable=False, server_default=''))
        batch_op.drop_index('ix_search_place_term_cell')
        batch_op.create_index('ix_search_place_term_concern_cell', ['term', 'concern', 'lat_idx', 'lon_idx'],
                              unique=False)
    # One row per declared concern beside each generic row (what index_rows now writes).
    op.execute(
        f"INSERT INTO search_place ({_COLUMNS}, concern) "
        f"SELECT {', '.join('sp.' + c.strip() for c in _COLUMNS.split(','))}, c.slug "
        "FROM search_place sp "
        "JOIN practitioner_concern pc ON pc.practitioner_id = sp.practitioner_id "
        "JOIN concern c ON c.id = pc.concern_id "
        "WHERE sp.concern = ''"
    )


def downgrade():
    op.execute("DELETE FROM search_place WHERE concern <> ''")
    with op.batch_alter_table('search_place', schema=None) as batch_op:
        batch_op.drop_index('ix_search_place_term_concern_cell')
        batch_op.create_index('ix_search_place_term_cell', ['term', 'lat_idx', 'lon_idx'], unique=False)
        batch_op.drop_column('concern')
