"""People and their working lives: employments, posts, contracts, appraisals, 薪级.

Everything that changes over time is effective-dated (start and end dates) and kept, so
"who held which post on date X" and "what was their 薪级 in March" stay answerable.

Personal data across institutions (who sees what). A person may be employed by several
institutions, so one ``Person`` row, keyed by ID number, is shared by all of them. It holds
identity only: what the 居民身份证 itself states (ID number, name, and the gender and
birth date the number encodes), plus the person's own login account. Everything an
institution records about someone (学历, 专业技术职称, 联系电话, bank account, department,
...) is held on that institution's ``Employment``. The rule:

- an institution sees the identity record and the details on its own employments, never
  the details another institution recorded (a reader with rights in several institutions
  sees each of those institutions' employments, as a separate record);
- a rehire through the entry form starts from what the same institution recorded last
  time (never from another institution's record);
- the person sees every employment of their own (我的档案);
- refusals about a person never confirm that a record exists elsewhere: a name that does
  not match the ID number gets one neutral message
  (``hr.staff.entry.identity_mismatch``), whoever holds the record, and no further fact
  about the person is reported for that row.

What one shared identity cannot hide: a number not on file is accepted under any name,
and one on file only under its own name, so a refusal still tells that the number is on
file under another name (never which, nor where); a caller who gives a number with its
right name (as a hirer holding the 居民身份证 does) reuses the record, and may be told that
the person holds a 编制/员额 place elsewhere (一人一编), never where or what was recorded.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from flask import has_request_context
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.i18n import N_, Msg, from_json, joined, msg
from core.ids import mask_citizen_id
from core.models import TimestampMixin, UTCDateTime


class LabelledEnum(StrEnum):
    """A closed list whose members have Chinese labels (used in forms, lists and Excel).

    ``member.label`` translates one label; a list page translates the whole table once with
    ``labels()`` and looks each row's value up in it, rather than a translation per row.
    """

    @property
    def label(self) -> str:
        return str(self._lazy_labels()[self])

    @property
    def label_message(self) -> Msg:
        """Return the label as a message, to store or to translate where it is shown."""
        return Msg(self._lazy_labels()[self]._args[0])

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Return {value: label} in the current locale (a copy: the caller may change it).

        Translated once per locale and process: the catalog does not change while it runs.
        """
        locale = _locale_key()
        by_locale = cls.__dict__.get("_labels_by_locale")
        if by_locale is None:
            by_locale = {}
            type.__setattr__(cls, "_labels_by_locale", by_locale)
        found = by_locale.get(locale)
        if found is None:
            found = {member.value: str(label) for member, label in cls._lazy_labels().items()}
            if locale is not None:
                by_locale[locale] = found
        return dict(found)

    @classmethod
    def _lazy_labels(cls) -> dict:
        # Built once per class: _labels() makes a lazy string per member on every call.
        found = cls.__dict__.get("_label_cache")
        if found is None:
            found = cls._labels()
            type.__setattr__(cls, "_label_cache", found)
        return found

    @classmethod
    def _labels(cls) -> dict:
        raise NotImplementedError

    @classmethod
    def choices(cls) -> list[tuple[str, object]]:
        """Return (value, lazy label) pairs for a form: translated when the form is shown."""
        return [(member.value, label) for member, label in cls._lazy_labels().items()]

    @classmethod
    def by_label(cls) -> dict[str, LabelledEnum]:
        return {member.label: member for member in cls}


class Identity(LabelledEnum):
    """人员身份: how a person is employed, which decides the quota they use."""

    ESTABLISHMENT = "establishment"  # 事业编制
    FILED = "filed"  # 员额（备案制）
    CONTRACT = "contract"  # 合同制
    DISPATCH = "dispatch"  # 劳务派遣

    @classmethod
    def _labels(cls):
        return {
            cls.ESTABLISHMENT: _l("事业编制"),
            cls.FILED: _l("员额"),
            cls.CONTRACT: _l("合同制"),
            cls.DISPATCH: _l("劳务派遣"),
        }


class ExitReason(LabelledEnum):
    RESIGNATION = "resignation"
    DISMISSAL = "dismissal"
    CONTRACT_END = "contract_end"
    RETIREMENT = "retirement"
    TRANSFER_OUT = "transfer_out"
    DEATH = "death"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.RESIGNATION: _l("辞职"),
            cls.DISMISSAL: _l("解聘"),
            cls.CONTRACT_END: _l("合同到期"),
            cls.RETIREMENT: _l("退休"),
            cls.TRANSFER_OUT: _l("调出"),
            cls.DEATH: _l("死亡"),
            cls.OTHER: _l("其他"),
        }


class PostCategory(LabelledEnum):
    """岗位类别 (国人部发〔2006〕70号)."""

    MANAGEMENT = "management"
    PROFESSIONAL = "professional"
    WORKER = "worker"

    @classmethod
    def _labels(cls):
        return {
            cls.MANAGEMENT: _l("管理"),
            cls.PROFESSIONAL: _l("专业技术"),
            cls.WORKER: _l("工勤技能"),
        }


#: Grades per category. Worker grade 6 stands for 普通工 (general labourer).
GRADES: dict[PostCategory, range] = {
    PostCategory.MANAGEMENT: range(1, 11),
    PostCategory.PROFESSIONAL: range(1, 14),
    PostCategory.WORKER: range(1, 7),
}
GENERAL_WORKER_GRADE = 6


def grade_label(category: str, grade: int) -> str:
    """Return how a grade is written in the records: "专技 8 级", "管理 5 级" or "普通工".

    This is the Chinese text that audit summaries, Excel files and imports use; a page shows
    ``grade_name`` (or a whole page's ``grade_names()``), which is in the reader's language.
    """
    if category == PostCategory.WORKER and grade == GENERAL_WORKER_GRADE:
        return "普通工"
    short = {"management": "管理", "professional": "专技", "worker": "工勤"}[category]
    return f"{short} {grade} 级"


#: how a grade is shown, per category (the message ids; %(grade)d is the grade)
_GRADE_MESSAGES = {
    "management": N_("管理 %(grade)d 级"),
    "professional": N_("专技 %(grade)d 级"),
    "worker": N_("工勤 %(grade)d 级"),
}
_GENERAL_WORKER = N_("普通工")


def grade_name(category: str, grade: int) -> Msg:
    """Return a grade as a message shown in the reader's language ("Professional grade 8")."""
    if category == PostCategory.WORKER and grade == GENERAL_WORKER_GRADE:
        return msg(_GENERAL_WORKER)
    return msg(_GRADE_MESSAGES[category], grade=grade)


def _locale_key() -> str | None:
    """Return the current locale's name, or None outside a request (then nothing is cached)."""
    if not has_request_context():
        return None
    return str(get_locale())


_GRADE_NAMES: dict[str, dict[tuple[str, int], str]] = {}


def grade_names() -> dict[tuple[str, int], str]:
    """Return {(category, grade): name} in the current locale, each pattern translated once
    per locale and process.

    A list page looks each row's grade up here rather than translating once per row.
    """
    locale = _locale_key()
    found = _GRADE_NAMES.get(locale) if locale is not None else None
    if found is None:
        found = _grade_names()
        if locale is not None:
            _GRADE_NAMES[locale] = found
    return found


def _grade_names() -> dict[tuple[str, int], str]:
    names = {}
    for category, grades in GRADES.items():
        pattern = gettext(_GRADE_MESSAGES[category.value])
        for grade in grades:
            names[(category.value, grade)] = pattern % {"grade": grade}
    names[(PostCategory.WORKER.value, GENERAL_WORKER_GRADE)] = gettext(_GENERAL_WORKER)
    return names


#: 性别 as recorded (derived from the ID number), with its label
GENDER_LABELS = {"男": _l("男"), "女": _l("女")}

#: 学历 as recorded, with its label; the first is "not recorded"
EDUCATION_LABELS = {
    "博士研究生": _l("博士研究生"),
    "硕士研究生": _l("硕士研究生"),
    "大学本科": _l("大学本科"),
    "本科": _l("本科"),
    "大学专科": _l("大学专科"),
    "大专": _l("大专"),
    "中专": _l("中专"),
    "高中": _l("高中"),
    "初中及以下": _l("初中及以下"),
}


def gender_label(value: str | None) -> str:
    """Return a recorded gender in the current locale."""
    label = GENDER_LABELS.get(value or "")
    return str(label) if label is not None else (value or "")


def education_label(value: str | None) -> str:
    """Return a recorded education in the current locale (an unknown value as recorded)."""
    label = EDUCATION_LABELS.get(value or "")
    return str(label) if label is not None else (value or "")


class ContractType(LabelledEnum):
    FIXED_TERM = "fixed_term"
    OPEN_ENDED = "open_ended"
    PROJECT = "project"

    @classmethod
    def _labels(cls):
        return {
            cls.FIXED_TERM: _l("固定期限"),
            cls.OPEN_ENDED: _l("无固定期限"),
            cls.PROJECT: _l("以完成一定工作任务为期限"),
        }


class ContractStatus(LabelledEnum):
    ACTIVE = "active"
    RENEWED = "renewed"
    TERMINATED = "terminated"
    EXPIRED = "expired"

    @classmethod
    def _labels(cls):
        return {
            cls.ACTIVE: _l("履行中"),
            cls.RENEWED: _l("已续订"),
            cls.TERMINATED: _l("已解除"),
            cls.EXPIRED: _l("已到期终止"),
        }


class AppraisalGrade(LabelledEnum):
    """年度考核等次."""

    EXCELLENT = "excellent"
    PASS = "pass"
    BASIC = "basic"
    FAIL = "fail"
    UNDETERMINED = "undetermined"

    @classmethod
    def _labels(cls):
        return {
            cls.EXCELLENT: _l("优秀"),
            cls.PASS: _l("合格"),
            cls.BASIC: _l("基本合格"),
            cls.FAIL: _l("不合格"),
            cls.UNDETERMINED: _l("不定等次"),
        }


class DepartmentKind(LabelledEnum):
    """What a department (科室 / 处室) does; hospitals count staff by it."""

    CLINICAL = "clinical"  # 临床科室
    MEDICAL_TECHNICAL = "medical_technical"  # 医技科室
    NURSING = "nursing"  # 护理单元、护理部
    ADMINISTRATIVE = "administrative"  # 行政、职能处室
    LOGISTICS = "logistics"  # 后勤保障
    TEACHING = "teaching"  # 教研组、年级组
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.CLINICAL: _l("临床"),
            cls.MEDICAL_TECHNICAL: _l("医技"),
            cls.NURSING: _l("护理"),
            cls.ADMINISTRATIVE: _l("行政"),
            cls.LOGISTICS: _l("后勤"),
            cls.TEACHING: _l("教学"),
            cls.OTHER: _l("其他"),
        }


class Department(TimestampMixin, db.Model):
    """科室 / 处室: a unit of one institution that its staff belong to.

    Never deleted once staff have belonged to it; a department that closes is deactivated
    (no new staff join it, its history stays readable).
    """

    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("institution_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    name: Mapped[str] = mapped_column(String(64))
    #: a ``DepartmentKind`` value
    kind: Mapped[str] = mapped_column(String(24), default=DepartmentKind.OTHER.value)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def kind_label(self) -> str:
        return DepartmentKind(self.kind).label

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<Department {self.institution_id}/{self.name}>"


class Person(TimestampMixin, db.Model):
    """A natural person's identity, by citizen ID number, shared by all their employments.

    Identity fields only: what an institution records about the person lives on its
    ``Employment`` (see the module docstring for who sees what).
    """

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 公民身份号码, normalized (upper-case X); gender and birth date are derived from it
    citizen_id: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    gender: Mapped[str] = mapped_column(String(2))
    birth_date: Mapped[date] = mapped_column(Date)
    #: the login account of this person, for the employee's own pages
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )

    employments: Mapped[list[Employment]] = relationship(
        back_populates="person", order_by="Employment.start_on"
    )

    @property
    def masked_citizen_id(self) -> str:
        return mask_citizen_id(self.citizen_id)

    @property
    def gender_label(self) -> str:
        return gender_label(self.gender)

    def __repr__(self) -> str:
        return f"<Person {self.name} {self.masked_citizen_id}>"


class Employment(TimestampMixin, db.Model):
    """A person's employment at one institution, from entry to exit."""

    __tablename__ = "employments"
    __table_args__ = (
        UniqueConstraint("institution_id", "staff_number"),
        Index("ix_employments_institution_active", "institution_id", "end_on"),
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    #: 工号, unique within the institution
    staff_number: Mapped[str] = mapped_column(String(32))
    identity: Mapped[str] = mapped_column(String(16))
    #: 科室 / 处室, one of the institution's departments
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    start_on: Mapped[date] = mapped_column(Date)
    #: last day employed; None while employed
    end_on: Mapped[date | None] = mapped_column(Date)
    exit_reason: Mapped[str | None] = mapped_column(String(16))
    exit_note: Mapped[str | None] = mapped_column(String(255))
    bank_account: Mapped[str | None] = mapped_column(String(32))
    #: 学历, as this institution recorded it (one of ``EDUCATION_LABELS``, or as imported)
    education: Mapped[str | None] = mapped_column(String(32))
    #: 专业技术职称, e.g. 一级教师, 主治医师, as this institution recorded it
    professional_title: Mapped[str | None] = mapped_column(String(64))
    #: 联系电话, as this institution recorded it
    phone: Mapped[str | None] = mapped_column(String(32))

    person: Mapped[Person] = relationship(back_populates="employments", lazy="joined")
    institution = relationship("Institution")
    #: shown as its name (``str(department)``); loaded with the employment
    department: Mapped[Department | None] = relationship(lazy="joined")
    appointments: Mapped[list[Appointment]] = relationship(
        back_populates="employment", order_by="Appointment.start_on"
    )
    contracts: Mapped[list[Contract]] = relationship(
        back_populates="employment", order_by="Contract.start_on"
    )
    salary_steps: Mapped[list[SalaryStep]] = relationship(
        back_populates="employment", order_by="SalaryStep.effective_on"
    )

    @property
    def is_active(self) -> bool:
        return self.end_on is None

    @property
    def identity_label(self) -> str:
        return Identity(self.identity).label

    @property
    def education_label(self) -> str:
        return education_label(self.education)

    @property
    def department_name(self) -> str | None:
        return self.department.name if self.department is not None else None

    def __repr__(self) -> str:
        return f"<Employment {self.institution_id}/{self.staff_number}>"


class PostPlan(TimestampMixin, db.Model):
    """岗位设置方案: the approved number of posts per category and grade for one year."""

    __tablename__ = "post_plans"
    __table_args__ = (UniqueConstraint("institution_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    year: Mapped[int] = mapped_column(Integer)
    #: 文号 of the approval, when approved
    document_number: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(255))

    lines: Mapped[list[PostPlanLine]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        order_by="(PostPlanLine.category, PostPlanLine.grade)",
    )
    institution = relationship("Institution")

    def __repr__(self) -> str:
        return f"<PostPlan {self.institution_id} {self.year}>"


class PostPlanLine(db.Model):
    __tablename__ = "post_plan_lines"
    __table_args__ = (
        UniqueConstraint("plan_id", "category", "grade"),
        CheckConstraint("approved_count >= 0", name="count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("post_plans.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(16))
    grade: Mapped[int] = mapped_column(Integer)
    approved_count: Mapped[int] = mapped_column(Integer)

    plan: Mapped[PostPlan] = relationship(back_populates="lines")


class Appointment(TimestampMixin, db.Model):
    """岗位聘用: an employment holds a post (category, grade, name) for a period."""

    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_employment_start", "employment_id", "start_on"),
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"))
    #: denormalized from the employment so post counts per institution need no join
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    category: Mapped[str] = mapped_column(String(16))
    grade: Mapped[int] = mapped_column(Integer)
    post_name: Mapped[str] = mapped_column(String(64))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    #: why a promotion-rule warning was overridden, if one was
    override_reason: Mapped[str | None] = mapped_column(String(255))
    #: a corrected appointment: what it said before the correction, and why it was corrected
    corrected_from: Mapped[str | None] = mapped_column(String(160))
    correction_reason: Mapped[str | None] = mapped_column(String(255))

    employment: Mapped[Employment] = relationship(back_populates="appointments")

    @property
    def grade_label(self) -> str:
        return grade_label(self.category, self.grade)

    @property
    def grade_name(self) -> Msg:
        """The grade in the reader's language, for pages."""
        return grade_name(self.category, self.grade)


class Contract(TimestampMixin, db.Model):
    """聘用合同."""

    __tablename__ = "contracts"
    __table_args__ = (
        Index("ix_contracts_institution_end", "institution_id", "end_on"),
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="dates_in_order"),
        CheckConstraint("probation_months BETWEEN 0 AND 12", name="probation_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    contract_type: Mapped[str] = mapped_column(String(16))
    start_on: Mapped[date] = mapped_column(Date)
    #: None for an open-ended contract
    end_on: Mapped[date | None] = mapped_column(Date)
    probation_months: Mapped[int] = mapped_column(Integer, default=0)
    #: what the probation of a 聘用合同 rests on (general, special, graduate, first_job)
    probation_basis: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=ContractStatus.ACTIVE)
    renewed_from_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    terminated_on: Mapped[date | None] = mapped_column(Date)
    termination_reason: Mapped[str | None] = mapped_column(String(255))

    employment: Mapped[Employment] = relationship(back_populates="contracts")


class AppraisalRound(TimestampMixin, db.Model):
    """年度考核: one round per institution and year."""

    __tablename__ = "appraisal_rounds"
    __table_args__ = (UniqueConstraint("institution_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    year: Mapped[int] = mapped_column(Integer)
    #: the largest share of 优秀 allowed (default 20%)
    excellent_cap: Mapped[Decimal] = mapped_column(Numeric(4, 3), default=Decimal("0.200"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    appraisals: Mapped[list[Appraisal]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Appraisal(db.Model):
    __tablename__ = "appraisals"
    __table_args__ = (UniqueConstraint("round_id", "employment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("appraisal_rounds.id", ondelete="CASCADE"))
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"), index=True)
    grade: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(255))

    round: Mapped[AppraisalRound] = relationship(back_populates="appraisals")
    employment: Mapped[Employment] = relationship()


class SalaryStep(TimestampMixin, db.Model):
    """薪级 of an employment from a date: the part of the pay record HR decides.

    Written by one operation (``hr.pay.operations.record_salary_steps``) for every path: a
    hire sets the first one, an appointment raises it to the post's starting step from the
    next month, the annual appraisal adds a step from 1 January. A change is a new row,
    never an edit of a past one, so a past month's pay can always be recomputed. The money
    settings finance keeps (bases, fund rate, tax flags, standing deductions) are payroll's
    (``payroll.models.PaySettings``); the post grade is the appointment's.
    """

    __tablename__ = "salary_steps"
    __table_args__ = (UniqueConstraint("employment_id", "effective_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"))
    effective_on: Mapped[date] = mapped_column(Date)
    #: 薪级 (1–65 for management and professional staff, 1–40 for workers)
    step: Mapped[int] = mapped_column(Integer)
    #: why this version exists as plain text (older rows, seeds); see ``reason_message``
    reason: Mapped[str | None] = mapped_column(String(255))
    #: why this version exists as message ids with parameters (``core.i18n.to_json``), one
    #: per reason when several fell on the same day: shown in the reader's language
    reason_message: Mapped[list[Any] | None] = mapped_column(JSON)

    employment: Mapped[Employment] = relationship(back_populates="salary_steps")

    @property
    def reasons(self) -> list[Msg | str]:
        """Return every reason of this version (messages, or older plain text)."""
        if self.reason_message:
            return [from_json(item) for item in self.reason_message]
        return [self.reason] if self.reason else []

    @property
    def description(self) -> Msg | None:
        """Return why this version exists, in the reader's language: "2026 年度考核合格，…"."""
        reasons = self.reasons
        return joined(reasons, "；") if reasons else None

    def __repr__(self) -> str:
        return f"<SalaryStep {self.employment_id} {self.effective_on} {self.step}>"
