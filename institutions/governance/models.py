"""Council governance records: bodies and seats, meetings, motions, ballots, resolutions, minutes.

Member ids everywhere are user ids (``users.id``): a person may sit on several councils and
hold successive seats on one, and the tally (``tally.py``) counts people, not seats.

Ballots and resolutions form one hash chain per institution (``chain.py``); ``ChainHead``
holds the chain's newest hash and sequence and is the row locked while a record is appended.
Records that must never change once written (ballots, resolutions, signatures, frozen papers,
locked minutes, decided motions) are guarded by ORM events; a direct SQL UPDATE is still
possible, and that is what ``flask governance verify`` exists to detect.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.base import NO_VALUE

from core.auth.models import User
from core.extensions import db
from core.files import StoredFile
from core.i18n import Msg, from_json, msg
from core.models import Money, TimestampMixin, UTCDateTime, utcnow
from institutions.governance.numbering import format_resolution_number


class GovernanceError(ValueError):
    """A refused governance action; the message says why, in Chinese."""


class _Labelled(StrEnum):
    @property
    def label(self) -> str:
        return str(_LABELS[type(self)][self])

    @property
    def label_message(self) -> Any:
        """The label untranslated (a lazy string), to store as an id in a message."""
        return _LABELS[type(self)][self]

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Return {value: label} in the current locale: translate a table once, not per row."""
        return {member.value: str(label) for member, label in _LABELS[cls].items()}


class BodyKind(_Labelled):
    """理事会, 管理层 or 监事会 (or individual 监事)."""

    COUNCIL = "council"
    MANAGEMENT = "management"
    SUPERVISORS = "supervisors"


class Office(_Labelled):
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    SECRETARY = "secretary"
    MEMBER = "member"
    SUPERVISOR_CHAIR = "supervisor_chair"
    SUPERVISOR = "supervisor"
    HEAD = "head"
    DEPUTY_HEAD = "deputy_head"
    FINANCE_HEAD = "finance_head"


#: The offices each body has.
BODY_OFFICES: dict[BodyKind, frozenset[Office]] = {
    BodyKind.COUNCIL: frozenset({Office.CHAIR, Office.VICE_CHAIR, Office.SECRETARY, Office.MEMBER}),
    BodyKind.SUPERVISORS: frozenset({Office.SUPERVISOR_CHAIR, Office.SUPERVISOR}),
    BodyKind.MANAGEMENT: frozenset({Office.HEAD, Office.DEPUTY_HEAD, Office.FINANCE_HEAD}),
}


class Constituency(_Labelled):
    """Where a member comes from (理事来源)."""

    SPONSOR = "sponsor"
    STAFF = "staff"
    SERVICE_USER = "service_user"
    PUBLIC = "public"
    EXPERT = "expert"
    EX_OFFICIO = "ex_officio"

    @property
    def is_outside(self) -> bool:
        """Whether a member from here counts as from outside the unit (外部理事)."""
        return self not in (Constituency.STAFF, Constituency.EX_OFFICIO)


class Relation(_Labelled):
    """How a declared interest relates to the member."""

    NEAR_RELATIVE = "near_relative"
    POST = "post"
    SHARES = "shares"
    OTHER = "other"


class MeetingKind(_Labelled):
    REGULAR = "regular"
    SPECIAL = "special"


class CalledBy(_Labelled):
    CHAIR = "chair"
    ONE_THIRD = "one_third"
    SUPERVISORS = "supervisors"


class MeetingMode(_Labelled):
    IN_PERSON = "in_person"
    VIDEO = "video"
    WRITTEN = "written"


class MeetingStatus(_Labelled):
    SCHEDULED = "scheduled"
    NOTICED = "noticed"
    IN_SESSION = "in_session"
    CONCLUDED = "concluded"


class Presence(_Labelled):
    IN_PERSON = "in_person"
    VIDEO = "video"
    ABSENT = "absent"

    @property
    def is_present(self) -> bool:
        return self is not Presence.ABSENT


class MotionStatus(_Labelled):
    DRAFT = "draft"
    OPEN = "open"
    #: voting ended without a decision (不足法定人数)
    CLOSED = "closed"
    PASSED = "passed"
    REJECTED = "rejected"
    REFERRED = "referred"

    @property
    def is_decided(self) -> bool:
        return self not in (MotionStatus.DRAFT, MotionStatus.OPEN)


class OpinionKind(_Labelled):
    OPINION = "opinion"
    OBJECTION = "objection"


# Keyed by class first: StrEnum members equal their values, and values repeat across enums.
_LABELS: dict[type, dict[Any, Any]] = {
    BodyKind: {
        BodyKind.COUNCIL: _l("理事会"),
        BodyKind.MANAGEMENT: _l("管理层"),
        BodyKind.SUPERVISORS: _l("监事会"),
    },
    Office: {
        Office.CHAIR: _l("理事长"),
        Office.VICE_CHAIR: _l("副理事长"),
        Office.SECRETARY: _l("理事会秘书"),
        Office.MEMBER: _l("理事"),
        Office.SUPERVISOR_CHAIR: _l("监事长"),
        Office.SUPERVISOR: _l("监事"),
        Office.HEAD: _l("院长/校长"),
        Office.DEPUTY_HEAD: _l("副院长/副校长"),
        Office.FINANCE_HEAD: _l("财务负责人"),
    },
    Constituency: {
        Constituency.SPONSOR: _l("举办单位代表"),
        Constituency.STAFF: _l("职工代表"),
        Constituency.SERVICE_USER: _l("服务对象代表"),
        Constituency.PUBLIC: _l("社会代表"),
        Constituency.EXPERT: _l("专家"),
        Constituency.EX_OFFICIO: _l("当然理事"),
    },
    Relation: {
        Relation.NEAR_RELATIVE: _l("近亲属"),
        Relation.POST: _l("任职单位"),
        Relation.SHARES: _l("持股单位"),
        Relation.OTHER: _l("其他利害关系"),
    },
    MeetingKind: {
        MeetingKind.REGULAR: _l("定期会议"),
        MeetingKind.SPECIAL: _l("临时会议"),
    },
    CalledBy: {
        CalledBy.CHAIR: _l("理事长召集"),
        CalledBy.ONE_THIRD: _l("三分之一以上理事提议"),
        CalledBy.SUPERVISORS: _l("监事会提议"),
    },
    MeetingMode: {
        MeetingMode.IN_PERSON: _l("现场会议"),
        MeetingMode.VIDEO: _l("视频会议"),
        MeetingMode.WRITTEN: _l("通讯表决"),
    },
    MeetingStatus: {
        MeetingStatus.SCHEDULED: _l("已安排"),
        MeetingStatus.NOTICED: _l("已通知"),
        MeetingStatus.IN_SESSION: _l("表决中"),
        MeetingStatus.CONCLUDED: _l("已结束"),
    },
    Presence: {
        Presence.IN_PERSON: _l("现场出席"),
        Presence.VIDEO: _l("视频出席"),
        Presence.ABSENT: _l("缺席"),
    },
    MotionStatus: {
        MotionStatus.DRAFT: _l("草拟"),
        MotionStatus.OPEN: _l("表决中"),
        MotionStatus.CLOSED: _l("表决结束，未形成决议"),
        MotionStatus.PASSED: _l("通过"),
        MotionStatus.REJECTED: _l("未通过"),
        MotionStatus.REFERRED: _l("提交举办单位决定"),
    },
    OpinionKind: {
        OpinionKind.OPINION: _l("监督意见"),
        OpinionKind.OBJECTION: _l("异议"),
    },
}


class Body(TimestampMixin, db.Model):
    """One of an institution's governing bodies: its council, management or supervisors."""

    __tablename__ = "gov_bodies"
    __table_args__ = (UniqueConstraint("institution_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    kind: Mapped[str] = mapped_column(String(16))

    seats: Mapped[list[Seat]] = relationship(back_populates="body", order_by="Seat.id")

    @property
    def kind_label(self) -> str:
        return BodyKind(self.kind).label

    def __repr__(self) -> str:
        return f"<Body {self.institution_id} {self.kind}>"


class Seat(TimestampMixin, db.Model):
    """A person's seat on a body for a term; a new term is a new seat, history is kept."""

    __tablename__ = "gov_seats"
    __table_args__ = (
        Index("ix_gov_seats_institution_body", "institution_id", "body_id"),
        CheckConstraint(
            "term_end_on IS NULL OR term_end_on >= term_start_on", name="dates_in_order"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: denormalized from the body, so an institution's seats need no join
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    body_id: Mapped[int] = mapped_column(ForeignKey("gov_bodies.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    office: Mapped[str] = mapped_column(String(32))
    #: 理事来源; None for management
    constituency: Mapped[str | None] = mapped_column(String(32))
    term_start_on: Mapped[date] = mapped_column(Date)
    #: last day of the term; None while open-ended
    term_end_on: Mapped[date | None] = mapped_column(Date)
    #: why a term was ended early (resignation, removal…)
    end_reason: Mapped[str | None] = mapped_column(String(500))

    body: Mapped[Body] = relationship(back_populates="seats", lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")

    def is_active_on(self, day: date) -> bool:
        return self.term_start_on <= day and (self.term_end_on is None or day <= self.term_end_on)

    @property
    def office_label(self) -> str:
        return Office(self.office).label

    @property
    def constituency_label(self) -> str:
        return Constituency(self.constituency).label if self.constituency else ""

    def __repr__(self) -> str:
        return f"<Seat {self.body_id} user={self.user_id} {self.office}>"


class InterestDeclaration(db.Model):
    """A member's declaration of interests (利害关系申报); the latest one counts.

    ``items`` is a list of ``{"name": ..., "relation": Relation, "note": ...}``: near
    relatives, and entities where the member holds a post or shares.
    """

    __tablename__ = "gov_interest_declarations"
    __table_args__ = (Index("ix_gov_interest_declarations_member", "institution_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<InterestDeclaration {self.institution_id} member={self.member_id}>"


class CharterSettings(TimestampMixin, db.Model):
    """An institution's charter settings, ``charter.Charter.to_dict()``; absent: the defaults."""

    __tablename__ = "gov_charters"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), unique=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ChainHead(db.Model):
    """The newest link of an institution's hash chain; locked while a link is appended."""

    __tablename__ = "gov_chain_heads"

    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), primary_key=True)
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<ChainHead {self.institution_id} #{self.last_sequence}>"


class Meeting(TimestampMixin, db.Model):
    """A council meeting, or a written vote (通讯表决) run as one."""

    __tablename__ = "gov_meetings"
    __table_args__ = (
        Index("ix_gov_meetings_institution_scheduled", "institution_id", "scheduled_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    called_by: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16))
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=MeetingStatus.SCHEDULED)
    notice_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: a special meeting's written waiver of the notice period by every member (its record)
    notice_waiver: Mapped[str | None] = mapped_column(Text)
    #: when voting first opened on any item; the papers are frozen from then on
    voting_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    motions: Mapped[list[Motion]] = relationship(
        back_populates="meeting", order_by="Motion.position"
    )
    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", order_by="Attendance.id"
    )
    papers: Mapped[list[Paper]] = relationship(back_populates="meeting", order_by="Paper.id")

    @property
    def is_written(self) -> bool:
        return self.mode == MeetingMode.WRITTEN

    @property
    def kind_label(self) -> str:
        return MeetingKind(self.kind).label

    @property
    def mode_label(self) -> str:
        return MeetingMode(self.mode).label

    @property
    def status_label(self) -> str:
        return MeetingStatus(self.status).label

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.institution_id} {self.mode}>"


class Attendance(TimestampMixin, db.Model):
    """Who attended a meeting and how; an absent member may name a proxy (委托出席)."""

    __tablename__ = "gov_attendances"
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id"),
        CheckConstraint("proxy_to_id IS NULL OR presence = 'absent'", name="proxy_only_if_absent"),
        CheckConstraint("proxy_to_id IS NULL OR proxy_to_id <> member_id", name="proxy_not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("gov_meetings.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    presence: Mapped[str] = mapped_column(String(16))
    proxy_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the written authorization: the items and how to vote on them
    proxy_instruction: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship(back_populates="attendances")
    member: Mapped[User] = relationship(foreign_keys=[member_id], lazy="joined")
    proxy_to: Mapped[User | None] = relationship(foreign_keys=[proxy_to_id])

    @property
    def is_present(self) -> bool:
        return Presence(self.presence).is_present


class Paper(db.Model):
    """An uploaded meeting paper; its content is a stored file (core.files)."""

    __tablename__ = "gov_papers"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("gov_meetings.id"), index=True)
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("gov_motions.id"))
    #: the name shown to users (sanitized); never used as a path
    original_name: Mapped[str] = mapped_column(String(255))
    #: the content, where every app server reads it (the database or FILES_DIR)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: set when the meeting's voting opens; a frozen paper cannot change or go
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="papers")
    file: Mapped[StoredFile] = relationship()


class Motion(TimestampMixin, db.Model):
    """An item on a meeting's agenda (议案), from draft to its outcome."""

    __tablename__ = "gov_motions"
    __table_args__ = (
        UniqueConstraint("meeting_id", "position"),
        Index("ix_gov_motions_institution_status", "institution_id", "status"),
        Index("ix_gov_motions_subject", "subject_kind", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("gov_meetings.id"))
    #: order on the agenda, from 1
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    #: tally.MotionKind
    kind: Mapped[str] = mapped_column(String(32))
    #: tally.MotionCategory: ordinary or major
    category: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    #: names of the persons and entities the motion deals with, matched against declarations
    counterparties: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: 党组织前置研究 record (its minutes, summarized) and document reference
    prior_study_record: Mapped[str | None] = mapped_column(Text)
    prior_study_ref: Mapped[str | None] = mapped_column(String(128))
    #: the object the motion decides (``subjects.py``), e.g. ("governance.charter", "12")
    subject_kind: Mapped[str | None] = mapped_column(String(64))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=MotionStatus.DRAFT)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: written votes: ballots are accepted until then, and the vote closes then
    vote_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when the members who had not voted were last reminded of the deadline
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the charter and the seated members (user ids) when voting opened: fixed for the vote
    charter: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    electorate: Mapped[list[int] | None] = mapped_column(JSON)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the tally's result (tally.Outcome as JSON) and its reason in words
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: older rows only: the reason as Chinese text (it is now a message in ``outcome``)
    reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="motions")
    recusals: Mapped[list[Recusal]] = relationship(back_populates="motion", order_by="Recusal.id")
    resolution: Mapped[Resolution | None] = relationship(back_populates="motion")

    @property
    def status_label(self) -> str:
        return MotionStatus(self.status).label

    @property
    def reason_message(self):
        """The tally's reason, translated where it is shown (older rows: their Chinese text)."""
        from institutions.governance import messages  # messages imports the tally

        stored = (self.outcome or {}).get("reason")
        if isinstance(stored, dict):
            return messages.load(stored)
        return self.reason

    @property
    def is_open(self) -> bool:
        return self.status == MotionStatus.OPEN

    def __repr__(self) -> str:
        return f"<Motion {self.id} {self.status} {self.title!r}>"


class Recusal(TimestampMixin, db.Model):
    """A member's recusal (回避) from one motion."""

    __tablename__ = "gov_recusals"
    __table_args__ = (UniqueConstraint("motion_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("gov_motions.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: as typed; for a reason the platform wrote, its source text (the record's wording)
    reason: Mapped[str] = mapped_column(String(500))
    #: a reason the platform wrote (申报的利害关系…), as a message id with parameters
    reason_message: Mapped[Any | None] = mapped_column(JSON)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    motion: Mapped[Motion] = relationship(back_populates="recusals")

    @property
    def reason_shown(self) -> Msg | str:
        """The reason in the reader's language (a typed reason as typed)."""
        if self.reason_message is not None:
            return from_json(self.reason_message)
        return self.reason

    member: Mapped[User] = relationship(foreign_keys=[member_id], lazy="joined")


class Ballot(db.Model):
    """One cast ballot, kept forever; a member's latest ballot (by sequence) counts.

    ``member_id`` cast it; ``by_proxy_for_id`` is the absent member it was cast for, whose
    vote it is. ``sequence``, ``prev_hash`` and ``hash`` place it in the institution's chain.
    """

    __tablename__ = "gov_ballots"
    __table_args__ = (
        UniqueConstraint("institution_id", "sequence"),
        Index("ix_gov_ballots_motion_sequence", "motion_id", "sequence"),
        CheckConstraint("choice IN ('yes', 'no', 'abstain')", name="choice_known"),
        CheckConstraint(
            "by_proxy_for_id IS NULL OR by_proxy_for_id <> member_id", name="proxy_not_self"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    motion_id: Mapped[int] = mapped_column(ForeignKey("gov_motions.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    by_proxy_for_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    choice: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str | None] = mapped_column(Text)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sequence: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    @property
    def counted_member_id(self) -> int:
        """Return whose vote this is: the represented member's for a proxy ballot."""
        return self.by_proxy_for_id or self.member_id

    def chain_record(self) -> dict[str, Any]:
        """Return the content the chain hash covers."""
        return {
            "type": "ballot",
            "institution_id": self.institution_id,
            "sequence": self.sequence,
            "motion_id": self.motion_id,
            "member_id": self.member_id,
            "by_proxy_for_id": self.by_proxy_for_id,
            "choice": self.choice,
            "reason": self.reason,
            "cast_at": self.cast_at,
        }

    def __repr__(self) -> str:
        return (
            f"<Ballot {self.id} motion={self.motion_id} member={self.member_id} #{self.sequence}>"
        )


class Resolution(db.Model):
    """决议: a passed motion, numbered per institution and year, chained like a ballot."""

    __tablename__ = "gov_resolutions"
    __table_args__ = (
        UniqueConstraint("institution_id", "year", "number"),
        UniqueConstraint("institution_id", "sequence"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    motion_id: Mapped[int] = mapped_column(ForeignKey("gov_motions.id"), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    passed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sequence: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    # joined: the number as written takes the prefix from the charter the vote was held under
    motion: Mapped[Motion] = relationship(back_populates="resolution", lazy="joined")

    @property
    def document_number(self) -> str:
        """Return the resolution number as written: 〔2026〕第3号, or with the issuing prefix
        of the charter the motion was voted under, 实验小学理〔2026〕3号."""
        prefix = ((self.motion.charter or {}) if self.motion else {}).get("resolution_prefix")
        return format_resolution_number(self.year, self.number, prefix or "")

    def chain_record(self) -> dict[str, Any]:
        """Return the content the chain hash covers."""
        return {
            "type": "resolution",
            "institution_id": self.institution_id,
            "sequence": self.sequence,
            "motion_id": self.motion_id,
            "year": self.year,
            "number": self.number,
            "title": self.title,
            "text": self.text,
            "passed_at": self.passed_at,
        }

    def __repr__(self) -> str:
        return f"<Resolution {self.institution_id} {self.document_number}>"


class Minutes(db.Model):
    """One version of a meeting's minutes; a correction is a new version superseding it."""

    __tablename__ = "gov_minutes"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("gov_meetings.id"))
    version: Mapped[int] = mapped_column(Integer)
    #: the structured record (present, absent, proxies, items with tallies…)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: the same, as the text to print and sign
    text: Mapped[str] = mapped_column(Text)
    #: who must sign (the attending members' user ids)
    signers: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: set when every attending member has signed; locked minutes never change
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: one correction per version, so versions form a line, not a tree
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("gov_minutes.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    signatures: Mapped[list[MinutesSignature]] = relationship(
        back_populates="minutes", order_by="MinutesSignature.id"
    )

    def __repr__(self) -> str:
        return f"<Minutes meeting={self.meeting_id} v{self.version}>"


class MinutesSignature(db.Model):
    __tablename__ = "gov_minutes_signatures"
    __table_args__ = (UniqueConstraint("minutes_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("gov_minutes.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    minutes: Mapped[Minutes] = relationship(back_populates="signatures")


class DecisionFailure(db.Model):
    """A follower of a decided motion (a ``motion_decided`` receiver) that failed.

    The decision stands; the failure is kept here, shown on the motion and sent to the
    secretary, so that someone carries out by hand what the receiver could not.
    """

    __tablename__ = "gov_decision_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    motion_id: Mapped[int] = mapped_column(ForeignKey("gov_motions.id"), index=True)
    #: the receiver's qualified name
    receiver: Mapped[str] = mapped_column(String(200))
    error: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CharterProposal(db.Model):
    """Proposed charter settings (章程修改), put to the council as a motion's subject.

    Applied to ``CharterSettings`` when the motion passes; the settings never change otherwise
    once they are set up.
    """

    __tablename__ = "gov_charter_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    #: the complete proposed settings, ``charter.Charter.to_dict()``
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: set when a passed motion applied the settings
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ExecutionReport(db.Model):
    """Management's report on carrying out a resolution (决议执行情况)."""

    __tablename__ = "gov_execution_reports"
    __table_args__ = (CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    resolution_id: Mapped[int] = mapped_column(ForeignKey("gov_resolutions.id"), index=True)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    #: percent done
    progress: Mapped[int] = mapped_column(Integer)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SupervisoryOpinion(db.Model):
    """A supervisor's opinion or objection on a motion, a resolution or an execution report."""

    __tablename__ = "gov_opinions"
    __table_args__ = (
        Index("ix_gov_opinions_institution", "institution_id", "created_at"),
        CheckConstraint(
            "(CASE WHEN motion_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN resolution_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN execution_report_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("gov_motions.id"))
    resolution_id: Mapped[int | None] = mapped_column(ForeignKey("gov_resolutions.id"))
    execution_report_id: Mapped[int | None] = mapped_column(ForeignKey("gov_execution_reports.id"))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- records that never change once written ------------------------------------------------


def _committed(target: Any, attribute: str) -> Any:
    """Return the value ``attribute`` had before this flush's changes."""
    state = inspect(target)
    if attribute in state.committed_state:
        value = state.committed_state[attribute]
        return None if value is NO_VALUE else value
    return getattr(target, attribute)


def _columns_changed(target: Any) -> bool:
    """Return whether a column of ``target`` changes (a relationship change alone does not)."""
    state = inspect(target)
    return any(state.attrs[c.key].history.has_changes() for c in state.mapper.column_attrs)


def _guard(model: type, attribute: str, is_locked: Any, message: Msg) -> None:
    """Refuse to change or delete a ``model`` row once ``is_locked(its attribute)`` held."""

    def before_update(mapper, connection, target) -> None:
        if _columns_changed(target) and is_locked(_committed(target, attribute)):
            raise GovernanceError(message)

    def before_delete(mapper, connection, target) -> None:
        if is_locked(_committed(target, attribute)):
            raise GovernanceError(message)

    event.listen(model, "before_update", before_update)
    event.listen(model, "before_delete", before_delete)


def _is_set(value: Any) -> bool:
    return value is not None


for _model, _message in (
    (Ballot, msg("表决票一经投出不可修改或删除")),
    (Resolution, msg("决议一经形成不可修改或删除")),
    (MinutesSignature, msg("会议纪要签名不可修改或删除")),
):
    _guard(_model, "id", _is_set, _message)
_guard(Paper, "frozen_at", _is_set, msg("表决已开始，会议材料已冻结，不能修改或删除"))
_guard(Minutes, "locked_at", _is_set, msg("会议纪要已签署锁定，更正须形成新版本"))
_guard(
    Motion,
    "status",
    lambda status: MotionStatus(status).is_decided,
    msg("议案表决已结束，不能修改"),
)
