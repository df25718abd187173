"""SQLAlchemy models of the tidy data model (DESIGN.md)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Region(Base):
    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(10), index=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    lat: Mapped[float | None] = mapped_column(Double)
    lon: Mapped[float | None] = mapped_column(Double)


class RegionAlias(Base):
    __tablename__ = "region_alias"
    __table_args__ = (UniqueConstraint("alias", "region_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    alias: Mapped[str] = mapped_column(String(200))
    alias_key: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20))


class Indicator(Base):
    __tablename__ = "indicator"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(16))
    additive: Mapped[bool] = mapped_column(Boolean)
    display_zh_factor: Mapped[float] = mapped_column(Double)
    display_zh_unit: Mapped[str] = mapped_column(String(32))
    display_en_factor: Mapped[float] = mapped_column(Double)
    display_en_unit: Mapped[str] = mapped_column(String(32))
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")


class Source(Base):
    __tablename__ = "source"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    title_zh: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text, default="")
    publisher: Mapped[str] = mapped_column(Text, default="")
    date: Mapped[dt.date | None] = mapped_column(Date)
    url: Mapped[str] = mapped_column(Text, default="")
    document: Mapped[str] = mapped_column(Text, default="")
    licence: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")


class Revision(Base):
    """One committed change of the data: the shipped load, an import or a rollback."""

    __tablename__ = "revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    author: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(Text, default="")
    file_sha256: Mapped[str] = mapped_column(String(64), default="")
    base_revision: Mapped[int | None] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="committed")
    note: Mapped[str] = mapped_column(Text, default="")


class Observation(Base):
    """A figure for an entity, an indicator and a period.

    Rows are never updated in place: a revision that changes a figure closes the old row
    (``rev_to``) and adds a new one, so any past revision can be shown again.
    """

    __tablename__ = "observation"
    __table_args__ = (
        Index("ix_observation_entity", "entity_type", "entity_code", "indicator_code"),
        Index("ix_observation_indicator_year", "indicator_code", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(10))
    entity_code: Mapped[str] = mapped_column(String(100))
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicator.code"))
    period: Mapped[str] = mapped_column(String(32))
    period_kind: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Double)
    qualifier: Mapped[str] = mapped_column(String(10), default="exact")
    value_as_written: Mapped[str] = mapped_column(Text, default="")
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    sentence: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="reported")
    note: Mapped[str] = mapped_column(Text, default="")
    rev_from: Mapped[int] = mapped_column(ForeignKey("revision.id"), index=True)
    rev_to: Mapped[int | None] = mapped_column(ForeignKey("revision.id"), index=True)


class Alliance(Base):
    __tablename__ = "alliance"

    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    host_region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    founded: Mapped[dt.date | None] = mapped_column(Date)
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    sentence: Mapped[str] = mapped_column(Text, default="")


class Organisation(Base):
    """A member of an alliance: an enterprise, university, institute, government or person."""

    __tablename__ = "organisation"
    __table_args__ = (UniqueConstraint("name_zh", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(20))


class Membership(Base):
    __tablename__ = "membership"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alliance_code: Mapped[str] = mapped_column(ForeignKey("alliance.code"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    title_zh: Mapped[str] = mapped_column(Text, default="")
    title_en: Mapped[str] = mapped_column(Text, default="")
    joined: Mapped[dt.date | None] = mapped_column(Date)
    left: Mapped[dt.date | None] = mapped_column(Date)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    sentence: Mapped[str] = mapped_column(Text, default="")
    # revisioned like observations: a change closes the row (rev_to) and adds the new state
    rev_from: Mapped[int] = mapped_column(ForeignKey("revision.id"))
    rev_to: Mapped[int | None] = mapped_column(ForeignKey("revision.id"))


class Event(Base):
    __tablename__ = "event"

    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    date: Mapped[dt.date | None] = mapped_column(Date)
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    sentence: Mapped[str] = mapped_column(Text, default="")


class SignedProject(Base):
    """A single signed investment project (签约项目); events carry the totals."""

    __tablename__ = "signed_project"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text, default="")
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    event_code: Mapped[str | None] = mapped_column(ForeignKey("event.code"))
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    investment: Mapped[float | None] = mapped_column(Double)
    qualifier: Mapped[str] = mapped_column(String(10), default="exact")
    sector: Mapped[str] = mapped_column(String(40), default="")
    stage: Mapped[str] = mapped_column(String(20), default="signed")
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    rev_from: Mapped[int] = mapped_column(ForeignKey("revision.id"))
    rev_to: Mapped[int | None] = mapped_column(ForeignKey("revision.id"))


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300), default="")
    role: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
