"""Internal rules (校内制度) and their versions.

A rule names the body that adopts it: the school council (a motion subject) or, for rules
that touch staff pay and rights, the staff congress (a passed congress vote on internal
rules). A version takes effect once that body adopts it; the rule in force is its latest
adopted version. Versions are never edited after they leave the draft.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import TimestampMixin


class AdoptingBody:
    """Who adopts a rule's versions."""

    COUNCIL = "council"
    CONGRESS = "congress"

    LABELS = {COUNCIL: _l("学校理事会"), CONGRESS: _l("教职工代表大会")}


class VersionStatus:
    """Where a version stands."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ADOPTED = "adopted"
    REJECTED = "rejected"

    LABELS = {
        DRAFT: _l("草稿"),
        SUBMITTED: _l("理事会审议中"),
        ADOPTED: _l("已通过"),
        REJECTED: _l("未通过"),
    }


class SchoolRule(TimestampMixin, db.Model):
    """One internal rule of a school, e.g. 教师考核办法."""

    __tablename__ = "school_rules"
    __table_args__ = (UniqueConstraint("institution_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    #: an ``AdoptingBody`` value
    body: Mapped[str] = mapped_column(String(16))

    versions: Mapped[list[SchoolRuleVersion]] = relationship(
        back_populates="rule", order_by="SchoolRuleVersion.number"
    )

    @property
    def in_force(self) -> SchoolRuleVersion | None:
        adopted = [v for v in self.versions if v.status == VersionStatus.ADOPTED]
        return adopted[-1] if adopted else None

    @property
    def open_version(self) -> SchoolRuleVersion | None:
        """The version being drafted or decided, if any (at most one)."""
        return next(
            (
                v
                for v in self.versions
                if v.status in (VersionStatus.DRAFT, VersionStatus.SUBMITTED)
            ),
            None,
        )

    def __repr__(self) -> str:
        return f"<SchoolRule {self.institution_id} {self.title}>"


class SchoolRuleVersion(TimestampMixin, db.Model):
    """One version of a rule: its text, and the decision that adopted it."""

    __tablename__ = "school_rule_versions"
    __table_args__ = (UniqueConstraint("rule_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("school_rules.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    #: what changed against the previous version
    change_note: Mapped[str] = mapped_column(String(255), default="")
    #: a ``VersionStatus`` value
    status: Mapped[str] = mapped_column(String(16), default=VersionStatus.DRAFT)
    #: the council motion deciding it (council rules)
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("gov_motions.id"), index=True)
    #: the passed staff-congress vote adopting it (congress rules)
    congress_vote_id: Mapped[int | None] = mapped_column(ForeignKey("school_congress_votes.id"))
    #: the resolution's number (文号) and the day it was adopted
    decision_ref: Mapped[str | None] = mapped_column(String(64))
    adopted_on: Mapped[date | None] = mapped_column(Date)

    rule: Mapped[SchoolRule] = relationship(back_populates="versions")

    def __repr__(self) -> str:
        return f"<SchoolRuleVersion {self.rule_id} v{self.number} {self.status}>"
