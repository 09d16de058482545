"""matching: phrases and relevance weights an admin removed, so loading the defaults
again does not put them back

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'matching_removed',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('concern_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('phrase', 'relevance')", name=op.f('ck_matching_removed_known_kind')),
        sa.ForeignKeyConstraint(['concern_id'], ['concern.id'], name=op.f('fk_matching_removed_concern_id_concern'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_matching_removed')),
        sa.UniqueConstraint('concern_id', 'kind', 'key', name=op.f('uq_matching_removed_concern_id'))
    )


def downgrade():
    op.drop_table('matching_removed')
