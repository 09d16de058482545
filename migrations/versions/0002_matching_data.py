"""concern phrases, relevance weights (admin-editable matching data)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('matching_data_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_matching_data_version_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matching_data_version'))
    )
    op.create_table('concern_phrase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('weight >= 0 AND weight <= 1', name=op.f('ck_concern_phrase_weight_in_range')),
    sa.ForeignKeyConstraint(['concern_id'], ['concern.id'], name=op.f('fk_concern_phrase_concern_id_concern'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concern_phrase')),
    sa.UniqueConstraint('concern_id', 'text', name=op.f('uq_concern_phrase_concern_id'))
    )
    op.create_table('relevance_weight',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.Integer(), nullable=False),
    sa.Column('term_slug', sa.String(length=80), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('weight >= 0 AND weight <= 1', name=op.f('ck_relevance_weight_weight_in_range')),
    sa.ForeignKeyConstraint(['concern_id'], ['concern.id'], name=op.f('fk_relevance_weight_concern_id_concern'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relevance_weight')),
    sa.UniqueConstraint('concern_id', 'term_slug', name=op.f('uq_relevance_weight_concern_id'))
    )


def downgrade():
    op.drop_table('relevance_weight')
    op.drop_table('concern_phrase')
    op.drop_table('matching_data_version')
