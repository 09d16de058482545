"""denormalised search index and urgent-outcome counter

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_profile',
    sa.Column('practitioner_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('modalities', sa.JSON(), nullable=False),
    sa.Column('techniques', sa.JSON(), nullable=False),
    sa.Column('concerns', sa.JSON(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('min_price', sa.Integer(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('offers_online', sa.Boolean(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('indexed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioner.id'], name=op.f('fk_search_profile_practitioner_id_practitioner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('practitioner_id', name=op.f('pk_search_profile'))
    )
    op.create_table('search_place',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practitioner_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=80), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat_idx', sa.Integer(), nullable=False),
    sa.Column('lon_idx', sa.Integer(), nullable=False),
    sa.Column('venue_type', sa.String(length=32), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_search_place_location_id_location'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioner.id'], name=op.f('fk_search_place_practitioner_id_practitioner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_place'))
    )
    with op.batch_alter_table('search_place', schema=None) as batch_op:
        batch_op.create_index('ix_search_place_term_cell', ['term', 'lat_idx', 'lon_idx'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_place_practitioner_id'), ['practitioner_id'], unique=False)

    op.create_table('search_online',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practitioner_id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=80), nullable=False),
    sa.Column('concern', sa.String(length=80), nullable=False),
    sa.Column('price_factor', sa.Float(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioner.id'], name=op.f('fk_search_online_practitioner_id_practitioner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_online'))
    )
    with op.batch_alter_table('search_online', schema=None) as batch_op:
        batch_op.create_index('ix_search_online_list', ['term', 'concern', 'price_factor', 'practitioner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_online_practitioner_id'), ['practitioner_id'], unique=False)

    op.create_table('urgent_outcome',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('red_flag', sa.String(length=40), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'red_flag', name=op.f('pk_urgent_outcome'))
    )
    # Derived data: existing listings are indexed by `flask search reindex`.


def downgrade():
    op.drop_table('urgent_outcome')
    with op.batch_alter_table('search_online', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_online_practitioner_id'))
        batch_op.drop_index('ix_search_online_list')

    op.drop_table('search_online')
    with op.batch_alter_table('search_place', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_place_practitioner_id'))
        batch_op.drop_index('ix_search_place_term_cell')

    op.drop_table('search_place')
    op.drop_table('search_profile')
