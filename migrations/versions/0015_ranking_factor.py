"""ranking_factor: how much each factor of the ranking counts, as admins set it

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05

Admins could edit how well each therapy fits each concern, but not how much distance,
price, a declared concern or a shared language count next to that fit: those were
constants in the code. One row per factor an admin changed; none means the packaged
default, so there is nothing to fill.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ranking_factor',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('value', sa.Float(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('value >= 0', name=op.f('ck_ranking_factor_value_not_negative')),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_ranking_factor')),
    )


def downgrade():
    op.drop_table('ranking_factor')
