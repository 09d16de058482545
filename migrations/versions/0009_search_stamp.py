"""search: per-block stamps that retire the place rows web processes keep in memory

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'search_stamp',
        sa.Column('block_lat', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('block_lon', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('stamp', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('block_lat', 'block_lon', name=op.f('pk_search_stamp')),
    )


def downgrade():
    op.drop_table('search_stamp')
