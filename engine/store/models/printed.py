"""Printed forms: the number each form of a case was given on its first print, and the
administrators' wordings of the forms."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from engine.store.db import Base
from engine.store.db import UTCDateTime
from engine.store.db import utcnow


class PrintedDocument(Base):
    """One numbered form of one case: printing it again keeps its number, so the paper copy,
    the PDF in an e-mail and a reprint are the same document."""

    __tablename__ = "printed_documents"
    __table_args__ = (UniqueConstraint("case_id", "form_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))  # the unique's lead
    form_key: Mapped[str] = mapped_column(String(40))
    number: Mapped[str] = mapped_column(String(40), unique=True)
    first_printed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_printed_by: Mapped[str] = mapped_column(String(80))
    last_printed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    prints: Mapped[int] = mapped_column(Integer, default=1)


class FormTemplate(Base):
    """An administrator's wording of a printed form; without a row the shipped template prints."""

    __tablename__ = "form_templates"
    form_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(80))
