"""Notes: the example of an owned resource, showing how authorisation is done.

Authentication says who is asking; it does not say what they may touch. Every read
and write of a note goes through the queries below, which put the owner in the WHERE
clause, so another user's note is indistinguishable from a missing one (404, never
403, which would confirm that the id exists). Pages and the JSON API both use these.
"""

from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .user import utcnow

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 10_000


class Note(db.Model):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "body": self.body,
            "created_at": _rfc3339(self.created_at),
            "updated_at": _rfc3339(self.updated_at),
        }


def _rfc3339(moment: datetime) -> str:
    # SQLite keeps no offset, and hands back the UTC time that was stored without one: a
    # client would read it as its own local time. PostgreSQL hands it back in the
    # server's time zone, which need not be UTC: every answer says UTC, the same way.
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def notes_of(owner_id: int) -> list[Note]:
    return list(
        db.session.scalars(
            select(Note).where(Note.owner_id == owner_id).order_by(Note.updated_at.desc())
        )
    )


def owned_note(note_id: int, owner_id: int) -> Note | None:
    """The note if `owner_id` owns it; None if it is missing OR someone else's."""
    return db.session.scalar(select(Note).where(Note.id == note_id, Note.owner_id == owner_id))


def create_note(owner_id: int, title: str, body: str) -> Note:
    note = Note(owner_id=owner_id, title=title, body=body)
    db.session.add(note)
    db.session.commit()
    return note


def update_note(note: Note, title: str, body: str) -> Note:
    note.title = title
    note.body = body
    db.session.commit()
    return note


def delete_note(note: Note) -> None:
    db.session.delete(note)
    db.session.commit()
