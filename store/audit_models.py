"""The audit log (auth/audit.py): who did what, when, from where. Kept apart from models.py."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from store.models import Base


class AuditEvent(Base):
    """One upload, commit, rollback, login (or failed one), logout or user change."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))  # UTC
    user_name: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    remote_addr: Mapped[str] = mapped_column(String(64), default="")
