"""payments: orders that ended unpaid with their PaymentIntent still open (Stripe was
unreachable), for the reconcile job to cancel

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intent_left_open', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index('ix_order_intent_left_open', ['intent_left_open'], unique=False,
                              postgresql_where=sa.text('intent_left_open'), sqlite_where=sa.text('intent_left_open'))


def downgrade():
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_index('ix_order_intent_left_open', postgresql_where=sa.text('intent_left_open'),
                            sqlite_where=sa.text('intent_left_open'))
        batch_op.drop_column('intent_left_open')

