"""The model of remembered header mappings (store/mappings.py), kept apart from store/models.py."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.models import Base


class HeaderMapping(Base):
    """A header a user mapped to an indicator, for sheets of one layout (``signature``)."""

    __tablename__ = "header_mapping"
    __table_args__ = (UniqueConstraint("signature", "header_text"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signature: Mapped[str] = mapped_column(String(64), index=True)
    header_text: Mapped[str] = mapped_column(String(300))
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicator.code"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
