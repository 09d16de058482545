"""booking: per-practitioner stamps that retire the next openings web processes keep in memory

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'availability_stamp',
        sa.Column('practitioner_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('stamp', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('practitioner_id', name=op.f('pk_availability_stamp')),
    )


def downgrade():
    op.drop_table('availability_stamp')
