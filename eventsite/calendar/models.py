"""The secret key behind a person's "mine tilmeldinger" calendar feed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsite.db import Base, UTCDateTime, utcnow
from eventsite.registration.models import Person, new_token_key


class PersonalFeedKey(Base):
    """One per person who has been sent a feed link; replacing the key revokes it."""

    __tablename__ = "personal_feed_keys"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    #: Secret part of the signed feed link.
    key: Mapped[str] = mapped_column(String(32), default=new_token_key)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship()
