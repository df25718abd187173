"""Alembic environment: runs on the connection the app hands over, or on DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from settings import load_settings
from store.audit_models import AuditEvent  # noqa: F401  (audit_event on Base.metadata)
from store.mapping_models import HeaderMapping  # noqa: F401  (header_mapping on Base.metadata)
from store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with create_engine(load_settings().database_url).connect() as conn:
        _run(conn)
        conn.commit()
