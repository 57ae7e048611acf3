"""Which velayats a coordinator may see. No rows: the coordinator is national and sees all of them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models.types import str_enum
from course.models.user import Velayat


class CoordinatorScope(db.Model):
    __tablename__ = "coordinator_scopes"
    __table_args__ = (UniqueConstraint("user_id", "velayat"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    velayat: Mapped[Velayat] = mapped_column(str_enum(Velayat, "velayat"))
