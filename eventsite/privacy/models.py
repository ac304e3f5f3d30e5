"""An organisation's retention periods (eventsite.privacy.retention)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eventsite.db import Base, UTCDateTime, utcnow


class RetentionSetting(Base):
    """An organisation's own period for one retention step; without a row the step's default holds."""

    __tablename__ = "retention_settings"
    __table_args__ = (
        UniqueConstraint("organisation_id", "step"),
        CheckConstraint("period >= 0", name="period_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    #: The retention step's name (eventsite.personal_data.RetentionStep.name).
    step: Mapped[str] = mapped_column(String(60))
    #: In the step's unit (days, months or years).
    period: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: The administrator who set it; None once that account is deleted.
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
