"""Full-text search documents for professionals and services.

The table holds folded text (see ``alora_core.booking.search.model.fold``); each database
indexes it with its own full-text search, made here and not part of the application's
``metadata``:

- PostgreSQL: the generated column ``tsv`` (``simple`` configuration; name, keywords and body
  weighted A, B and C) and its GIN index;
- SQLite: the FTS5 table ``search_fts`` with ``search_documents`` as external content (its
  integer ``id`` is the rowid), kept in step by three triggers. A later migration that
  rebuilds ``search_documents`` (batch mode) must create the triggers again.

Revision ID: 0012_search
Revises: 0011_files
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0012_search"
down_revision: str | Sequence[str] | None = "0011_files"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the column types in adapters/sqlalchemy/types.py.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

POSTGRES_TSV = """
ALTER TABLE search_documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple'::regconfig, name_text), 'A')
    || setweight(to_tsvector('simple'::regconfig, keyword_text), 'B')
    || setweight(to_tsvector('simple'::regconfig, body_text), 'C')
) STORED
"""
POSTGRES_TSV_INDEX = "CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv)"

SQLITE_FTS = """
CREATE VIRTUAL TABLE search_fts USING fts5(
    name_text, keyword_text, body_text,
    content = 'search_documents', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
)
"""
_ADD = (
    "INSERT INTO search_fts (rowid, name_text, keyword_text, body_text) "
    "VALUES (new.id, new.name_text, new.keyword_text, new.body_text);"
)
_DROP = (
    "INSERT INTO search_fts (search_fts, rowid, name_text, keyword_text, body_text) "
    "VALUES ('delete', old.id, old.name_text, old.keyword_text, old.body_text);"
)
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN {_ADD} END",
    f"CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN {_DROP} END",
    f"CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN {_DROP} {_ADD} END",
)


def upgrade() -> None:
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("ref_id", sa.Uuid(), nullable=False),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("categories", JSON, nullable=False),
        sa.Column("category_keys", sa.String(), nullable=False),
        sa.Column("name_text", sa.String(), nullable=False),
        sa.Column("keyword_text", sa.String(), nullable=False),
        sa.Column("body_text", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_search_documents"),
        sa.UniqueConstraint("ref_id", name="uq_search_documents_ref_id"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_TSV)
        op.execute(POSTGRES_TSV_INDEX)
    else:
        op.execute(SQLITE_FTS)
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for trigger in ("search_documents_ai", "search_documents_ad", "search_documents_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_documents")  # with its generated column and index on PostgreSQL
