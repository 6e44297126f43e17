"""index assignments by user and document

Revision ID: 7c41d2a9e5b0
Revises: 0e5d522ec803
Create Date: 2026-11-28 01:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7c41d2a9e5b0'
down_revision = '0e5d522ec803'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assignments_user_document',
                              ['user_id', 'document_id', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_assignments_user_document')
