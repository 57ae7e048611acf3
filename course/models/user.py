"""People and their roles."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.models.identity import FieldClocks, Synced, clock_index
from course.models.types import UTCDateTime, str_enum, utcnow


class Role(enum.StrEnum):
    """What a person may do; a person can hold several roles."""

    LEARNER = "learner"
    TRAINER = "trainer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"
    #: The national legal expert: reviews and signs off content versions, verifies sources.
    LEGAL_REVIEWER = "legal_reviewer"


class Agency(enum.StrEnum):
    """The learner's institution, as the programme's reports break it down."""

    PROSECUTION = "prosecution"
    JUDICIARY = "judiciary"
    ADVOCACY = "advocacy"
    LAW_ENFORCEMENT = "law_enforcement"
    OTHER = "other"


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    NOT_STATED = "not_stated"


class AgeBand(enum.StrEnum):
    """Age in the bands donors' tables use; given voluntarily."""

    UNDER_25 = "under_25"
    FROM_25_TO_34 = "25_34"
    FROM_35_TO_44 = "35_44"
    FROM_45_TO_54 = "45_54"
    FROM_55 = "55_plus"
    NOT_STATED = "not_stated"


class Disability(enum.StrEnum):
    """Whether the person has a disability; given voluntarily, "prefer not to say" is always a choice."""

    YES = "yes"
    NO = "no"
    NOT_STATED = "not_stated"


class Velayat(enum.StrEnum):
    """The five velayats and the capital, which reports count separately."""

    AHAL = "ahal"
    BALKAN = "balkan"
    DASHOGUZ = "dashoguz"
    LEBAP = "lebap"
    MARY = "mary"
    ASHGABAT = "ashgabat"


def new_session_token() -> str:
    """A fresh token; changing it logs out every other session of the user."""
    return secrets.token_urlsafe(16)


class User(Synced, FieldClocks, UserMixin, db.Model):
    """An account. Usernames are stored lower-case so sign-in ignores case."""

    __tablename__ = "users"
    editable_fields = ("full_name", "email", "agency", "position", "gender", "age_band", "disability", "velayat",
                       "active", "locale", "password_hash", "must_change_password")
    __table_args__ = (CheckConstraint("username = lower(username)", name="username_lowercase"), clock_index("users"))

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    #: Set when someone else chose the password; the user must replace it at first sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Interface language chosen by the user; None means "from the browser".
    locale: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Part of the session cookie; rotated on password change to end other sessions.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Profile fields the programme's reports are broken down by.
    agency: Mapped[Agency | None] = mapped_column(str_enum(Agency, "agency"))
    position: Mapped[str] = mapped_column(String(200), default="")
    gender: Mapped[Gender] = mapped_column(str_enum(Gender, "gender"), default=Gender.NOT_STATED)
    age_band: Mapped[AgeBand] = mapped_column(str_enum(AgeBand, "age_band"), default=AgeBand.NOT_STATED,
                                              server_default=AgeBand.NOT_STATED.value)
    disability: Mapped[Disability] = mapped_column(str_enum(Disability, "disability"), default=Disability.NOT_STATED,
                                                   server_default=Disability.NOT_STATED.value)
    velayat: Mapped[Velayat | None] = mapped_column(str_enum(Velayat, "velayat"))
    #: Set when a coordinator found this account to be another person's (a suspected duplicate from a field
    #: laptop): its records moved there, and what its laptop sends later goes there too.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    # Roles are always needed together with the user (every permission check),
    # so they load in the same query.
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    @hybrid_property
    def display_name(self) -> str:
        """The name to show people: the full name, or the username for accounts that have none."""
        return self.full_name.strip() or self.username

    @display_name.inplace.expression
    @classmethod
    def _display_name_sql(cls):
        """The same rule in SQL, for reports and lists that read names by the thousand."""
        return func.coalesce(func.nullif(func.trim(cls.full_name), ""), cls.username)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sessions of inactive users
        return self.active

    #: The key of the session this object was loaded for (``course.auth.sessions``); not a column.
    session_key = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the "keep me signed in" cookie: the user, their token
        (changed to end every session) and the key of this one session (ended on sign-out)."""
        return f"{self.id}:{self.session_token}:{self.session_key or ''}"

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(db.Model):
    """One role held by one user."""

    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="role_rows")
