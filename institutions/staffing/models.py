"""The staffing office's records: evaluations, quota requests, the regions' pools, annual
reports and API clients.

The quota ledger itself stays in ``institutions.models.QuotaEntry``; the entries a request
carries out point at it through ``QuotaEntry.request_id``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.auth.models import User
from core.extensions import db
from core.i18n import Msg, msg
from core.models import Money, TimestampMixin, UTCDateTime, utcnow
from institutions.models import Institution


class _Labelled(StrEnum):
    @property
    def label(self) -> Msg:
        return LABELS[type(self)][self]


class RoundStatus(_Labelled):
    OPEN = "open"
    CLOSED = "closed"


class EvaluationStatus(_Labelled):
    """Where one institution's evaluation stands: it fills in, the office reviews."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    FINALISED = "finalised"

    @property
    def institution_edits(self) -> bool:
        return self in (EvaluationStatus.DRAFT, EvaluationStatus.RETURNED)


class RequestStatus(_Labelled):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def is_pending(self) -> bool:
        return self is RequestStatus.SUBMITTED


LABELS: dict[type, dict[Any, Msg]] = {
    RoundStatus: {RoundStatus.OPEN: msg("进行中"), RoundStatus.CLOSED: msg("已结束")},
    EvaluationStatus: {
        EvaluationStatus.DRAFT: msg("单位填报中"),
        EvaluationStatus.SUBMITTED: msg("待编办审核"),
        EvaluationStatus.RETURNED: msg("已退回修改"),
        EvaluationStatus.FINALISED: msg("已定稿"),
    },
    RequestStatus: {
        RequestStatus.DRAFT: msg("草稿"),
        RequestStatus.SUBMITTED: msg("待编办审批"),
        RequestStatus.APPROVED: msg("已批准"),
        RequestStatus.REJECTED: msg("未批准"),
    },
}


# --------------------------------------------------------------------------- evaluation


class EvaluationRound(TimestampMixin, db.Model):
    """一轮职能运行评估: the office opens it for the city or one district, with its weights."""

    __tablename__ = "staffing_evaluation_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    year: Mapped[int] = mapped_column(Integer)
    #: the district evaluated; None for the whole city
    district_code: Mapped[str | None] = mapped_column(String(6))
    #: the scoring scheme (``evaluation.Scheme.to_mapping()``), fixed when the round opens
    scheme: Mapped[dict[str, str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=RoundStatus.OPEN)
    due_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<EvaluationRound {self.id} {self.name}>"


class Evaluation(TimestampMixin, db.Model):
    """One institution's evaluation in a round; read-only once finalised."""

    __tablename__ = "staffing_evaluations"
    __table_args__ = (UniqueConstraint("round_id", "institution_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("staffing_evaluation_rounds.id"))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=EvaluationStatus.DRAFT)
    # 岗位设置运转: the indicators' figures when known, else what the institution reports.
    #: 岗位设置数
    posts: Mapped[int | None] = mapped_column(Integer)
    #: 借调、抽调出的在编人员
    seconded_out: Mapped[int | None] = mapped_column(Integer)
    #: 岗位结构比例是否符合规定; None: not known
    structure_compliant: Mapped[bool | None] = mapped_column(Boolean)
    #: what the institution says about its functions and staffing
    institution_note: Mapped[str | None] = mapped_column(Text)
    #: the office's review (why it returned or adjusted)
    office_note: Mapped[str | None] = mapped_column(Text)
    # Fixed when finalised: the figures the score used and its result.
    approved: Mapped[int | None] = mapped_column(Integer)
    actual: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[Decimal | None] = mapped_column(Money)
    recommendation: Mapped[str | None] = mapped_column(String(16))
    recommended_number: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: China's date of finalising; a request's clean-up counts evaluations from it
    finalised_on: Mapped[date | None] = mapped_column(Date)
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    round: Mapped[EvaluationRound] = relationship(lazy="joined")
    institution: Mapped[Institution] = relationship(lazy="joined")
    functions: Mapped[list[EvaluationFunction]] = relationship(
        back_populates="evaluation", order_by="EvaluationFunction.position, EvaluationFunction.id"
    )

    @property
    def status_enum(self) -> EvaluationStatus:
        return EvaluationStatus(self.status)

    def __repr__(self) -> str:
        return f"<Evaluation {self.id} round={self.round_id} institution={self.institution_id}>"


class EvaluationFunction(db.Model):
    """One function of the institution, with its legal basis, ratings and the office's view."""

    __tablename__ = "staffing_evaluation_functions"
    __table_args__ = (
        CheckConstraint(
            "workload BETWEEN 1 AND 5 AND frequency BETWEEN 1 AND 5"
            " AND importance BETWEEN 1 AND 5 AND risk BETWEEN 1 AND 5",
            name="ratings_1_to_5",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("staffing_evaluations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    #: 职能来源依据: [{"kind", "title", "document_number", "article"}]
    bases: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    workload: Mapped[int] = mapped_column(Integer, default=3)
    frequency: Mapped[int] = mapped_column(Integer, default=3)
    importance: Mapped[int] = mapped_column(Integer, default=3)
    risk: Mapped[int] = mapped_column(Integer, default=3)
    #: 编制 the function takes now (full-time equivalents, two decimals; exact Decimal)
    staff: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    #: for a function to strengthen, the 编制 it needs in all
    staff_needed: Mapped[Decimal | None] = mapped_column(Money)
    #: the office's classification when it differs from the computed one, and why
    adjusted: Mapped[str | None] = mapped_column(String(16))
    adjustment_reason: Mapped[str | None] = mapped_column(Text)

    evaluation: Mapped[Evaluation] = relationship(back_populates="functions")


# --------------------------------------------------------------------------- requests


class QuotaRequest(TimestampMixin, db.Model):
    """增编申请 under 先减后加: what the institution asks for and its clean-up report."""

    __tablename__ = "staffing_requests"
    __table_args__ = (CheckConstraint("number > 0", name="number_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    #: the functions the places are for (names, as in the evaluation)
    linked_functions: Mapped[str | None] = mapped_column(Text)
    #: the institution's own letter (申请文号), if it has one
    document_number: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.DRAFT, index=True)
    # The clean-up report (清理规范): each item reported (True) with its figure and note.
    vacancies_reported: Mapped[bool] = mapped_column(Boolean, default=False)
    vacancies: Mapped[int | None] = mapped_column(Integer)
    secondments_reported: Mapped[bool] = mapped_column(Boolean, default=False)
    secondments: Mapped[int | None] = mapped_column(Integer)
    off_quota_reported: Mapped[bool] = mapped_column(Boolean, default=False)
    off_quota: Mapped[int | None] = mapped_column(Integer)
    weakened_reported: Mapped[bool] = mapped_column(Boolean, default=False)
    #: [{"name": ..., "proposed_reduction": int | None}]
    weakened_functions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    cleanup_note: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: 文号 of the office's decision
    decision_document_number: Mapped[str | None] = mapped_column(String(64))
    decision_note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    institution: Mapped[Institution] = relationship(lazy="joined")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def status_enum(self) -> RequestStatus:
        return RequestStatus(self.status)

    @property
    def proposed_reduction(self) -> int:
        return sum(
            max(0, int(f.get("proposed_reduction") or 0)) for f in self.weakened_functions or []
        )

    def __repr__(self) -> str:
        return f"<QuotaRequest {self.id} {self.kind} +{self.number} {self.status}>"


class QuotaPool(db.Model):
    """A region's freed places of one quota kind; the row locked while an approval draws."""

    __tablename__ = "staffing_pools"
    __table_args__ = (
        UniqueConstraint("district_code", "kind"),
        CheckConstraint("drawn <= freed", name="never_overdrawn"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6))
    kind: Mapped[str] = mapped_column(String(16))
    freed: Mapped[int] = mapped_column(Integer, default=0)
    drawn: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def available(self) -> int:
        return self.freed - self.drawn


# --------------------------------------------------------------------------- annual reports


class AnnualReport(TimestampMixin, db.Model):
    """年度报告 of one institution on one year; its standing follows from its events."""

    __tablename__ = "staffing_annual_reports"
    __table_args__ = (UniqueConstraint("institution_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    year: Mapped[int] = mapped_column(Integer)
    #: the sections as edited: {"activities", "finances", "staffing", "governance", ...}
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: the office's comments on the last return
    office_comment: Mapped[str | None] = mapped_column(Text)

    institution: Mapped[Institution] = relationship(lazy="joined")
    events: Mapped[list[AnnualReportEvent]] = relationship(
        back_populates="report", order_by="AnnualReportEvent.id"
    )


class AnnualReportEvent(db.Model):
    """One step of a report: started, submitted, returned, accepted; who, when, comment."""

    __tablename__ = "staffing_annual_report_events"
    __table_args__ = (Index("ix_staffing_annual_report_events_report", "report_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("staffing_annual_reports.id"))
    action: Mapped[str] = mapped_column(String(16))
    #: China's date, which the deadline is judged by
    on: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    comment: Mapped[str | None] = mapped_column(Text)

    report: Mapped[AnnualReport] = relationship(back_populates="events")
    by: Mapped[User | None] = relationship()


# --------------------------------------------------------------------------- API clients


class ApiClient(TimestampMixin, db.Model):
    """A system that reads the open API with a token; only the token's SHA-256 is kept."""

    __tablename__ = "staffing_api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    #: hex SHA-256 of the whole token
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the token's first characters, to recognise it in lists
    token_prefix: Mapped[str] = mapped_column(String(16))
    #: None: the whole city; else the sponsor whose institutions it may read
    sponsor_id: Mapped[int | None] = mapped_column(ForeignKey("sponsors.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


__all__ = [
    "AnnualReport",
    "AnnualReportEvent",
    "ApiClient",
    "Evaluation",
    "EvaluationFunction",
    "EvaluationRound",
    "EvaluationStatus",
    "QuotaPool",
    "QuotaRequest",
    "RequestStatus",
    "RoundStatus",
]
