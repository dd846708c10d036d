"""Links that let a customer act on a case without an account (issue 15: signed, expiring,
one purpose each, revocable by staff). The token in the link is signed; this row is what makes
it valid — expiry, withdrawal and use are checked here, so staff can end a link at once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from engine.store.db import Base
from engine.store.db import UTCDateTime
from engine.store.db import utcnow


class CustomerLink(Base):
    __tablename__ = "customer_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # track, or task: answer one customer step
    # The customer's step a task link answers; the link is spent once it is answered.
    work_item_id: Mapped[int | None] = mapped_column(ForeignKey("work_items.id"))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
