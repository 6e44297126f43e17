"""api tokens table: several named tokens per user, with last use and revocation

Revision ID: b3f1c9d2e4a7
Revises: 7c41d2a9e5b0
Create Date: 2026-12-06 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3f1c9d2e4a7'
down_revision = '7c41d2a9e5b0'
branch_labels = None
depends_on = None


def upgrade():
    tokens = op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('length(name) > 0', name=op.f('ck_api_tokens_name_not_empty')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_api_tokens_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash')),
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    # The one token a user could have had so far keeps working, now as a named token. The old
    # column stays, emptied: dropping it would make SQLite rebuild the users table, and dropping
    # the old table with foreign keys on would cascade to every row that points at a user.
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('api_token_hash', sa.String),
                     sa.column('created_at', sa.DateTime(timezone=True)))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(users.c.id, users.c.api_token_hash, users.c.created_at)
        .where(users.c.api_token_hash.is_not(None))).all()
    if rows:
        op.bulk_insert(tokens, [{'user_id': user_id, 'name': 'token', 'token_hash': token_hash,
                                 'created_at': created_at}
                                for user_id, token_hash, created_at in rows])
        bind.execute(users.update().values(api_token_hash=None))


def downgrade():
    # Tokens issued since are dropped with the table; the users' old column is back in use.
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))
    op.drop_table('api_tokens')
