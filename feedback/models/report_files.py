"""Report files prepared by the job queue: the DOCX or XLSX of a scope too large to build inside a request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from feedback.db import Model, UTCDateTime, utcnow
from feedback.models.users import Role

#: A file's states: waiting for (or in the hands of) a worker, ready to download, or failed (the page says so).
REPORT_FILE_STATES = ("pending", "ready", "failed")


class ReportFile(Model):
    """One requested download: who asked (and with which role), for which scope and format, and the file once made.

    It is fetched by the person who asked, or by another account of the same role (the same report: same scope,
    same disclosure threshold); it expires a day after it was asked for and the queue then deletes it."""

    __tablename__ = "report_files"
    __table_args__ = (Index("ix_report_files_request", "user_id", "file_format", "min_answers"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda e: [r.value for r in e])
    )
    #: "docx" or "xlsx".
    file_format: Mapped[str] = mapped_column(String(4))
    #: The report's scope as URL parameters (JSON of Scope.to_args()), sorted: the same scope, the same text.
    scope_args: Mapped[str] = mapped_column(Text)
    #: The disclosure threshold of the person who asked (0 for admins): part of what the file shows.
    min_answers: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="pending")
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: The report's title (the file's name is made from it) and the rows it holds, for the download's audit line.
    title: Mapped[str | None] = mapped_column(String(300))
    rows: Mapped[int | None]
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Taken by a worker (a claim older than QUEUE_CLAIM_SECONDS belongs to a dead one: the file is made again).
    claimed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ready_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    def __repr__(self) -> str:
        return f"<ReportFile {self.id} {self.file_format} {self.status}>"
