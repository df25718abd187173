"""The store: SQLAlchemy models, the one engine per process, revisions and queries."""
