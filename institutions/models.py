"""The registry of public institutions (事业单位) and their sponsors (举办单位)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import TimestampMixin
from core.regions import region_label


class InstitutionKind(StrEnum):
    SCHOOL = "school"
    HOSPITAL = "hospital"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    InstitutionKind.SCHOOL: _l("学校"),
    InstitutionKind.HOSPITAL: _l("医院"),
    InstitutionKind.OTHER: _l("其他"),
}


class FundingClass(StrEnum):
    """公益类别: 一类 fully funded by the budget, 二类 partly self-financed."""

    PUBLIC_WELFARE_1 = "公益一类"
    PUBLIC_WELFARE_2 = "公益二类"

    @property
    def label(self) -> str:
        """The class in the reader's language (the value itself is the Chinese name)."""
        return str(FUNDING_LABELS[self])


FUNDING_LABELS = {
    FundingClass.PUBLIC_WELFARE_1: _l("公益一类"),
    FundingClass.PUBLIC_WELFARE_2: _l("公益二类"),
}


class InstitutionStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DEREGISTERED = "deregistered"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    InstitutionStatus.ACTIVE: _l("正常"),
    InstitutionStatus.SUSPENDED: _l("暂停"),
    InstitutionStatus.DEREGISTERED: _l("已注销"),
}


class Sponsor(TimestampMixin, db.Model):
    """举办单位: the government department that founded and oversees institutions."""

    __tablename__ = "sponsors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    district_code: Mapped[str] = mapped_column(String(6))

    institutions: Mapped[list[Institution]] = relationship(back_populates="sponsor")

    @property
    def district_name(self) -> str:
        """The district's name in the reader's language (Excel files use ``region_name``)."""
        return region_label(self.district_code)

    def __repr__(self) -> str:
        return f"<Sponsor {self.name}>"


class Institution(TimestampMixin, db.Model):
    """A 事业单位 legal person as the staffing office registers it."""

    __tablename__ = "institutions"
    __table_args__ = (Index("ix_institutions_kind_district", "kind", "district_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 统一社会信用代码, 18 characters (GB 32100-2015)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    #: why a legacy code that fails the check character was accepted; None when it passes
    credit_code_override: Mapped[str | None] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(120), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    #: 行政区划代码 of the district, e.g. 510107 武侯区
    district_code: Mapped[str] = mapped_column(String(6))
    sponsor_id: Mapped[int] = mapped_column(ForeignKey("sponsors.id"), index=True)
    funding_class: Mapped[str] = mapped_column(String(16))
    legal_representative: Mapped[str] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=InstitutionStatus.ACTIVE)

    sponsor: Mapped[Sponsor] = relationship(back_populates="institutions", lazy="joined")

    @property
    def kind_label(self) -> str:
        return InstitutionKind(self.kind).label

    @property
    def status_label(self) -> str:
        return InstitutionStatus(self.status).label

    @property
    def funding_class_label(self) -> str:
        try:
            return FundingClass(self.funding_class).label
        except ValueError:
            return self.funding_class

    @property
    def district_name(self) -> str:
        """The district's name in the reader's language (Excel files use ``region_name``)."""
        return region_label(self.district_code)

    def __repr__(self) -> str:
        return f"<Institution {self.credit_code} {self.name}>"


class QuotaKind(StrEnum):
    """What a quota counts: approved 编制, leadership posts (领导职数), or filed 员额."""

    ESTABLISHMENT = "establishment"
    LEADERSHIP = "leadership"
    FILED = "filed"

    @property
    def label(self) -> str:
        return str(QUOTA_LABELS[self])


QUOTA_LABELS = {
    QuotaKind.ESTABLISHMENT: _l("事业编制"),
    QuotaKind.LEADERSHIP: _l("领导职数"),
    QuotaKind.FILED: _l("员额（备案制）"),
}


class QuotaEntry(TimestampMixin, db.Model):
    """One change to an institution's quota, with its document number (文号).

    The ledger is kept by the staffing office; the quota on a date is the sum of the
    changes effective on or before it, so history is never overwritten.
    """

    __tablename__ = "quota_entries"
    __table_args__ = (Index("ix_quota_entries_lookup", "institution_id", "kind", "effective_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    kind: Mapped[str] = mapped_column(String(16))
    #: positive to add, negative to reduce
    change: Mapped[int] = mapped_column(Integer)
    #: 文号 of the approving or filing document, e.g. 成编发〔2026〕12号
    document_number: Mapped[str] = mapped_column(String(64))
    effective_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(255))
    #: the entry this one reverses (冲销); a wrong entry is never edited, only reversed
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("quota_entries.id"), unique=True)
    #: the approval or filing document, kept through core.files
    document_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_files.id", ondelete="SET NULL")
    )
    #: the quota request this entry carries out (a reduction before it, or its approval)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("staffing_requests.id", ondelete="SET NULL"), index=True
    )
    #: whether it moved the region's pool of freed places (先减后加): a reduction freed
    #: places, an approval drew them, a reversal of either moved them back
    is_pooled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    institution: Mapped[Institution] = relationship()
    reverses: Mapped[QuotaEntry | None] = relationship(remote_side=[id], foreign_keys=[reverses_id])

    def __repr__(self) -> str:
        return (
            f"<QuotaEntry {self.institution_id} {self.kind} {self.change:+d} {self.effective_on}>"
        )
