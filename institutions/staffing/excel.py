"""Column specs of the staffing office's exports (every table it shows can be exported)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from flask_babel import gettext as _

from core.excel import Column, Spec
from core.regions import region_name
from institutions.models import QuotaKind
from institutions.staffing import figures


def _c(header: str, field: str, type_: str = "text", width: int | None = None) -> Column:
    return Column(header, field, type_, width=width)  # type: ignore[arg-type]


def dashboard_spec() -> Spec:
    columns = [
        _c(_("名称"), "name", width=28),
        _c(_("单位数"), "institutions", "int"),
        _c(_("学校"), "schools", "int"),
        _c(_("医院"), "hospitals", "int"),
        _c(_("其他"), "others", "int"),
        _c(_("核定事业编制"), "establishment", "int"),
        _c(_("在编人数"), "actual_establishment", "int"),
        _c(_("空编"), "vacancies", "int"),
        _c(_("超编单位"), "over_quota", "int"),
        _c(_("领导职数"), "leadership", "int"),
        _c(_("员额"), "filed", "int"),
        _c(_("员额在岗"), "actual_filed", "int"),
        _c(_("本年完成评估"), "evaluations_done", "int"),
        _c(_("待审批增编申请"), "requests_pending", "int"),
    ]
    for expected in figures.EXPECTED:
        if expected.aggregate != figures.BY_MONTH and expected.key not in (
            figures.STAFF_ESTABLISHMENT,
            figures.STAFF_FILED,
        ):
            columns.append(_c(str(expected.label), expected.key.replace(".", "_"), width=14))
    return Spec(tuple(columns), sheet_name=_("编办工作台"), title=_("编办工作台"))


def dashboard_rows(board: Any) -> Iterator[dict[str, Any]]:
    not_reported = str(figures.NOT_REPORTED)
    for group in [*board.groups, board.total]:
        row = {
            "name": group.name or _("合计"),
            "institutions": group.institutions,
            "schools": group.by_kind.get("school", 0),
            "hospitals": group.by_kind.get("hospital", 0),
            "others": group.by_kind.get("other", 0),
            "establishment": group.establishment,
            "actual_establishment": group.actual_establishment,
            "vacancies": group.vacancies,
            "over_quota": group.over_quota,
            "leadership": group.leadership,
            "filed": group.filed,
            "actual_filed": group.actual_filed,
            "evaluations_done": group.evaluations_done,
            "requests_pending": group.requests_pending,
        }
        for expected in figures.EXPECTED:
            field = expected.key.replace(".", "_")
            if expected.key in board.registered:
                value = group.indicator.get(expected.key)
                row[field] = "" if value is None else str(value)
            else:
                row[field] = not_reported
        yield row


def ledger_spec() -> Spec:
    return Spec(
        (
            _c(_("单位"), "name", width=30),
            _c(_("统一社会信用代码"), "credit_code", "code", 22),
            _c(_("区县"), "district", width=12),
            _c(_("举办单位"), "sponsor", width=24),
            _c(_("核定事业编制"), "establishment", "int"),
            _c(_("在编人数"), "actual_establishment", "int"),
            _c(_("空编"), "vacancies", "int"),
            _c(_("领导职数"), "leadership", "int"),
            _c(_("员额"), "filed", "int"),
            _c(_("员额在岗"), "actual_filed", "int"),
            _c(_("超编"), "over", width=8),
        ),
        sheet_name=_("编制台账"),
        title=_("全市编制台账"),
    )


def ledger_rows(lines: Iterable[Any]) -> Iterator[dict[str, Any]]:
    for line in lines:
        institution = line.institution
        yield {
            "name": institution.name,
            "credit_code": institution.credit_code,
            "district": region_name(institution.district_code),
            "sponsor": institution.sponsor.name,
            "establishment": line.establishment,
            "actual_establishment": line.actual_establishment,
            "vacancies": line.vacancies,
            "leadership": line.leadership,
            "filed": line.filed,
            "actual_filed": line.actual_filed,
            "over": _("超编") if line.is_over else "",
        }


def entries_spec() -> Spec:
    return Spec(
        (
            _c(_("生效日期"), "effective_on", "date"),
            _c(_("单位"), "institution", width=30),
            _c(_("区县"), "district", width=12),
            _c(_("编制类型"), "kind", width=14),
            _c(_("变动"), "change", "int"),
            _c(_("文号"), "document_number", width=24),
            _c(_("冲销的文号"), "reverses", width=24),
            _c(_("调剂"), "pooled", width=10),
            _c(_("备注"), "note", width=30),
        ),
        sheet_name=_("编制变动"),
        title=_("编制变动记录"),
    )


def entry_row(entry: Any, institution: Any, reversed_number: str | None) -> dict[str, Any]:
    return {
        "effective_on": entry.effective_on,
        "institution": institution.name,
        "district": region_name(institution.district_code),
        "kind": str(QuotaKind(entry.kind).label),
        "change": entry.change,
        "document_number": entry.document_number,
        "reverses": reversed_number or "",
        "pooled": (_("腾出") if entry.change < 0 else _("调剂使用")) if entry.is_pooled else "",
        "note": entry.note or "",
    }


def pool_spec() -> Spec:
    return Spec(
        (
            _c(_("年度"), "year", "int"),
            _c(_("区县"), "district", width=14),
            _c(_("编制类型"), "kind", width=14),
            _c(_("核减腾出"), "freed", "int"),
            _c(_("调剂增加"), "drawn", "int"),
            _c(_("年末结余"), "balance", "int"),
        ),
        sheet_name=_("编制调剂"),
        title=_("编制核减与调剂增加台账"),
    )


def pool_rows(lines: Iterable[Any]) -> Iterator[dict[str, Any]]:
    for line in lines:
        yield {
            "year": line.year,
            "district": region_name(line.district_code),
            "kind": line.kind_label,
            "freed": line.freed,
            "drawn": line.drawn,
            "balance": line.balance,
        }


def evaluations_spec() -> Spec:
    return Spec(
        (
            _c(_("单位"), "name", width=30),
            _c(_("区县"), "district", width=12),
            _c(_("状态"), "status", width=12),
            _c(_("得分"), "score", width=8),
            _c(_("建议"), "recommendation", width=16),
            _c(_("建议编制数"), "number", "int"),
            _c(_("定稿日期"), "finalised_on", "date"),
        ),
        sheet_name=_("职能运行评估"),
        title=_("职能运行评估"),
    )


def requests_spec() -> Spec:
    return Spec(
        (
            _c(_("单位"), "name", width=30),
            _c(_("区县"), "district", width=12),
            _c(_("编制类型"), "kind", width=14),
            _c(_("申请增加"), "number", "int"),
            _c(_("拟核减"), "proposed", "int"),
            _c(_("状态"), "status", width=12),
            _c(_("提交时间"), "submitted_at", width=18),
            _c(_("批复文号"), "decision", width=24),
        ),
        sheet_name=_("增编申请"),
        title=_("增编申请"),
    )


def reports_spec() -> Spec:
    return Spec(
        (
            _c(_("单位"), "name", width=30),
            _c(_("区县"), "district", width=12),
            _c(_("年度"), "year", "int"),
            _c(_("状态"), "status", width=12),
            _c(_("截止日期"), "deadline", "date"),
            _c(_("首次提交日期"), "submitted_on", "date"),
            _c(_("逾期天数"), "days_late", "int"),
        ),
        sheet_name=_("年度报告"),
        title=_("年度报告报送情况"),
    )
