"""Writes of the staffing office. Operations add and flush, record an audit event, and
raise ``StaffingRefusal`` (nothing written) with a message; the view commits once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import insert, select

from core import audit
from core.errors import Refusal
from core.extensions import db
from core.i18n import msg
from core.ids import china_today
from core.models import utcnow
from core.regions import REGIONS
from institutions import indicators
from institutions.models import Institution, InstitutionStatus, QuotaKind, Sponsor
from institutions.quota.operations import QuotaError, add_quota_entry, checked_document_number
from institutions.quota.queries import quota_on
from institutions.staffing import evaluation as rules
from institutions.staffing import figures, parameters, queries
from institutions.staffing import reports as report_rules
from institutions.staffing import requests as request_rules
from institutions.staffing.models import (
    AnnualReport,
    AnnualReportEvent,
    ApiClient,
    Evaluation,
    EvaluationFunction,
    EvaluationRound,
    EvaluationStatus,
    QuotaRequest,
    RequestStatus,
    RoundStatus,
)


class StaffingRefusal(Refusal):
    """A refused staffing-office action; nothing has been written."""


def _refuse_all(problems: Sequence[Any], field: str | None = None) -> None:
    """Raise one refusal listing every problem (each a message), if there are any."""
    if problems:
        raise StaffingRefusal(problems[0] if len(problems) == 1 else ListMsg(problems), field=field)


class ListMsg:
    """Several messages shown as one list (each translated where shown)."""

    def __init__(self, items: Sequence[Any]) -> None:
        self.items = list(items)

    def __str__(self) -> str:
        return "；".join(str(item) for item in self.items)

    def __html__(self) -> str:
        from markupsafe import Markup, escape

        return Markup("<ul class='mb-0'>%s</ul>") % Markup("").join(
            Markup("<li>%s</li>") % escape(item) for item in self.items
        )

    def __contains__(self, text: str) -> bool:
        return text in str(self)


# --------------------------------------------------------------------------- evaluation


def open_round(data: Mapping[str, Any], *, actor: Any = None, today: date | None = None):
    """Open an evaluation round for the city or a district, with a draft for each active
    institution there (one INSERT)."""
    today = today or china_today()
    name = (data.get("name") or "").strip()
    if not name:
        raise StaffingRefusal(msg("请填写评估轮次名称"), field="name")
    year = data.get("year")
    if not isinstance(year, int) or not 2000 <= year <= today.year + 1:
        raise StaffingRefusal(msg("评估年度不合理"), field="year")
    district = data.get("district_code") or None
    if district is not None and district not in REGIONS:
        raise StaffingRefusal(msg("请选择区县"), field="district_code")
    scheme = parameters.scoring_scheme(today)
    round_ = EvaluationRound(
        name=name[:120],
        year=year,
        district_code=district,
        scheme=scheme.to_mapping(),
        status=RoundStatus.OPEN.value,
        due_on=data.get("due_on"),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(round_)
    db.session.flush()
    stmt = select(Institution.id).where(Institution.status == InstitutionStatus.ACTIVE.value)
    if district:
        stmt = stmt.where(Institution.district_code == district)
    ids = list(db.session.scalars(stmt))
    if ids:
        now = utcnow()
        db.session.execute(
            insert(Evaluation),
            [
                {
                    "round_id": round_.id,
                    "institution_id": i,
                    "status": EvaluationStatus.DRAFT.value,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in ids
            ],
        )
    audit.record(
        "evaluation_round.open",
        round_,
        summary=f"{round_.name}（{len(ids)}）",
        changes={"name": [None, round_.name], "year": [None, year]},
        actor=actor,
    )
    return round_


def _editable_by(evaluation: Evaluation, office: bool) -> None:
    status = evaluation.status_enum
    if status is EvaluationStatus.FINALISED:
        raise StaffingRefusal(msg("评估已定稿，不能再修改"))
    if evaluation.round.status != RoundStatus.OPEN.value:
        raise StaffingRefusal(msg("评估轮次已结束，不能再修改"))
    if not office and not status.institution_edits:
        raise StaffingRefusal(msg("评估已提交编办审核，如需修改请联系编办退回"))
    if office and status.institution_edits:
        raise StaffingRefusal(msg("单位尚未提交评估，编办暂不能审核"))


def _rating(data: Mapping[str, Any], name: str) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise StaffingRefusal(
            msg("%(rating)s评分应为 1–5 的整数", rating=rules.RATINGS[name]), field=name
        )
    return value


def _decimal(value: Any, field: str, *, required: bool) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise StaffingRefusal(msg("请填写编制数"), field=field)
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise StaffingRefusal(msg("编制数须为数字，如 2 或 1.5"), field=field) from None
    if not number.is_finite() or number < 0 or number > 100000:
        raise StaffingRefusal(msg("编制数须为 0 到 100000 之间的数"), field=field)
    return number.quantize(Decimal("0.01"))


def _bases(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    kind = data.get("basis_kind") or ""
    title = (data.get("basis_title") or "").strip()
    if not title:
        return []
    try:
        rules.BasisKind(kind)
    except ValueError:
        raise StaffingRefusal(msg("请选择依据类别"), field="basis_kind") from None
    number = (data.get("basis_document_number") or "").strip()
    if number:
        number = checked_document_number(number, china_today(), "basis_document_number")
    return [
        {
            "kind": kind,
            "title": title[:200],
            "document_number": number or None,
            "article": (data.get("basis_article") or "").strip()[:60] or None,
        }
    ]


FUNCTION_FIELDS = ["name", "bases", "workload", "frequency", "importance", "risk", "staff"]


def save_function(
    evaluation: Evaluation,
    data: Mapping[str, Any],
    *,
    function: EvaluationFunction | None = None,
    actor: Any = None,
) -> EvaluationFunction:
    """Add or change one function while the institution fills in its evaluation."""
    try:
        _editable_by(evaluation, office=False)
    except StaffingRefusal:
        if evaluation.status_enum is not EvaluationStatus.SUBMITTED:
            raise
        _editable_by(evaluation, office=True)  # the office corrects a submitted one
    name = (data.get("name") or "").strip()
    if not name:
        raise StaffingRefusal(msg("请填写职能名称"), field="name")
    values = {
        "name": name[:200],
        "bases": _bases(data),
        "workload": _rating(data, "workload"),
        "frequency": _rating(data, "frequency"),
        "importance": _rating(data, "importance"),
        "risk": _rating(data, "risk"),
        "staff": _decimal(data.get("staff"), "staff", required=True),
        "staff_needed": _decimal(data.get("staff_needed"), "staff_needed", required=False),
    }
    if function is None:
        position = len(evaluation.functions) + 1
        function = EvaluationFunction(evaluation=evaluation, position=position, **values)
        db.session.add(function)
        before: dict[str, Any] = {}
    else:
        before = audit.snapshot(function, FUNCTION_FIELDS)
        for key, value in values.items():
            setattr(function, key, value)
    db.session.flush()
    audit.record(
        "evaluation.function",
        evaluation,
        institution_id=evaluation.institution_id,
        summary=name[:200],
        changes=audit.diff(before, audit.snapshot(function, FUNCTION_FIELDS)),
        actor=actor,
    )
    return function


def delete_function(function: EvaluationFunction, *, actor: Any = None) -> None:
    evaluation = function.evaluation
    _editable_by(evaluation, office=False)
    audit.record(
        "evaluation.function_delete",
        evaluation,
        institution_id=evaluation.institution_id,
        summary=function.name,
        actor=actor,
    )
    db.session.delete(function)
    db.session.flush()


def save_figures(evaluation: Evaluation, data: Mapping[str, Any], *, actor: Any = None) -> None:
    """The institution reports its posts, secondments and structure, and a note."""
    _editable_by(evaluation, office=False)
    changes = {}
    for name in ("posts", "seconded_out"):
        value = data.get(name)
        if value is not None and (not isinstance(value, int) or value < 0):
            raise StaffingRefusal(msg("人数、岗位数须为不小于 0 的整数"), field=name)
    structure = data.get("structure_compliant")
    structure = {"yes": True, "no": False}.get(structure) if isinstance(structure, str) else None
    changes = audit.apply_changes(
        evaluation,
        {
            "posts": data.get("posts"),
            "seconded_out": data.get("seconded_out"),
            "structure_compliant": structure,
            "institution_note": (data.get("institution_note") or "").strip() or None,
        },
        ["posts", "seconded_out", "structure_compliant", "institution_note"],
    )
    db.session.flush()
    if changes:
        audit.record(
            "evaluation.figures",
            evaluation,
            institution_id=evaluation.institution_id,
            changes=changes,
            actor=actor,
        )


def submit_evaluation(evaluation: Evaluation, *, actor: Any = None) -> None:
    """The institution hands its part to the office; every problem is listed at once."""
    _editable_by(evaluation, office=False)
    problems = []
    if not evaluation.functions:
        problems.append(msg("尚未填报任何职能"))
    if evaluation.posts is None:
        problems.append(msg("请填报岗位设置数"))
    if evaluation.seconded_out is None:
        problems.append(msg("请填报借调、抽调出单位的在编人数（没有填 0）"))
    _refuse_all(problems)
    evaluation.status = EvaluationStatus.SUBMITTED.value
    evaluation.submitted_at = utcnow()
    evaluation.submitted_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        "evaluation.submit",
        evaluation,
        institution_id=evaluation.institution_id,
        changes={"status": [EvaluationStatus.DRAFT.value, EvaluationStatus.SUBMITTED.value]},
        actor=actor,
    )


def return_evaluation(evaluation: Evaluation, comment: str, *, actor: Any = None) -> None:
    _editable_by(evaluation, office=True)
    comment = (comment or "").strip()
    if not comment:
        raise StaffingRefusal(msg("退回须写明需要修改的内容"), field="comment")
    evaluation.status = EvaluationStatus.RETURNED.value
    evaluation.office_note = comment
    db.session.flush()
    audit.record(
        "evaluation.return",
        evaluation,
        institution_id=evaluation.institution_id,
        summary=comment[:255],
        changes={"status": [EvaluationStatus.SUBMITTED.value, EvaluationStatus.RETURNED.value]},
        actor=actor,
    )


def adjust_function(
    function: EvaluationFunction, data: Mapping[str, Any], *, actor: Any = None
) -> None:
    """The office sets a function's classification (强化/保持/弱化/取消) with a reason."""
    evaluation = function.evaluation
    _editable_by(evaluation, office=True)
    value = data.get("classification") or ""
    if value == "":
        before = audit.snapshot(function, ["adjusted", "adjustment_reason"])
        function.adjusted = None
        function.adjustment_reason = None
    else:
        try:
            classification = rules.Classification(value)
        except ValueError:
            raise StaffingRefusal(msg("请选择职能分类"), field="classification") from None
        reason = (data.get("reason") or "").strip()
        if not reason:
            raise StaffingRefusal(msg("调整职能分类须写明理由"), field="reason")
        before = audit.snapshot(function, ["adjusted", "adjustment_reason"])
        function.adjusted = classification.value
        function.adjustment_reason = reason
    db.session.flush()
    audit.record(
        "evaluation.adjust",
        evaluation,
        institution_id=evaluation.institution_id,
        summary=function.name,
        changes=audit.diff(before, audit.snapshot(function, ["adjusted", "adjustment_reason"])),
        actor=actor,
    )


def scheme_of(evaluation: Evaluation) -> rules.Scheme:
    return rules.Scheme.from_mapping(evaluation.round.scheme or {})


def functions_of(evaluation: Evaluation) -> list[rules.Function]:
    """Return the evaluation's functions as the rules take them."""
    found = []
    for f in evaluation.functions:
        bases = tuple(
            rules.LegalBasis(
                kind=rules.BasisKind(b.get("kind", "document")),
                title=b.get("title", ""),
                document_number=b.get("document_number"),
                article=b.get("article"),
            )
            for b in f.bases or []
        )
        found.append(
            rules.Function(
                name=f.name,
                bases=bases,
                workload=f.workload,
                frequency=f.frequency,
                importance=f.importance,
                risk=f.risk,
                staff=f.staff or Decimal(0),
                staff_needed=f.staff_needed,
                adjusted=rules.Classification(f.adjusted) if f.adjusted else None,
                adjustment_reason=f.adjustment_reason,
            )
        )
    return found


def post_operation(evaluation: Evaluation, on: date) -> rules.PostOperation:
    """Return the 岗位设置运转 figures: the ledger, the indicators, what the unit reported."""
    if evaluation.status_enum is EvaluationStatus.FINALISED and evaluation.approved is not None:
        approved, actual = evaluation.approved, evaluation.actual or 0
    else:
        approved = quota_on(evaluation.institution_id, QuotaKind.ESTABLISHMENT, on)
        actual = indicators.occupancy(evaluation.institution_id, on).get(QuotaKind.ESTABLISHMENT, 0)
    reported = indicators.values(
        [figures.POSTS_SET, figures.SECONDED_OUT, figures.STRUCTURE_COMPLIANT],
        [evaluation.institution_id],
        on,
    )
    posts = reported[figures.POSTS_SET].get(evaluation.institution_id, evaluation.posts)
    seconded = reported[figures.SECONDED_OUT].get(
        evaluation.institution_id, evaluation.seconded_out
    )
    structure = reported[figures.STRUCTURE_COMPLIANT].get(
        evaluation.institution_id, evaluation.structure_compliant
    )
    return rules.PostOperation(
        approved=approved,
        posts=int(posts or 0),
        actual=int(actual),
        seconded_out=int(seconded or 0),
        structure_compliant=structure,
    )


def result_of(evaluation: Evaluation, on: date) -> rules.EvaluationResult:
    return rules.evaluate(
        functions_of(evaluation), post_operation(evaluation, on), scheme_of(evaluation)
    )


def finalise_evaluation(
    evaluation: Evaluation, *, actor: Any = None, today: date | None = None
) -> rules.EvaluationResult:
    """The office finalises: score and recommendation are fixed; nothing changes after."""
    today = today or china_today()
    _editable_by(evaluation, office=True)
    functions = functions_of(evaluation)
    _refuse_all(rules.finalise_problems(functions, scheme_of(evaluation)))
    operation = post_operation(evaluation, today)
    result = rules.evaluate(functions, operation, scheme_of(evaluation))
    evaluation.approved = operation.approved
    evaluation.actual = operation.actual
    evaluation.posts = operation.posts
    evaluation.seconded_out = operation.seconded_out
    evaluation.structure_compliant = operation.structure_compliant
    evaluation.score = result.score
    evaluation.recommendation = result.recommendation.action.value
    evaluation.recommended_number = result.recommendation.number
    evaluation.status = EvaluationStatus.FINALISED.value
    evaluation.finalised_at = utcnow()
    evaluation.finalised_on = today
    evaluation.finalised_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        "evaluation.finalise",
        evaluation,
        institution_id=evaluation.institution_id,
        summary=f"{result.score} {result.recommendation.action.value} {result.recommendation.number}",
        changes={
            "status": [EvaluationStatus.SUBMITTED.value, EvaluationStatus.FINALISED.value],
            "score": [None, str(result.score) if result.score is not None else None],
        },
        actor=actor,
    )
    return result


# --------------------------------------------------------------------------- requests


def _count(data: Mapping[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise StaffingRefusal(msg("人数须为不小于 0 的整数"), field=name)
    return value


def create_request(
    institution: Institution, data: Mapping[str, Any], *, actor: Any = None
) -> QuotaRequest:
    """Start a request for more 编制 (a draft); the weakened functions of the latest
    finalised evaluation are listed for the unit to propose reductions."""
    try:
        kind = QuotaKind(data.get("kind") or QuotaKind.ESTABLISHMENT.value)
    except ValueError:
        raise StaffingRefusal(msg("请选择编制类型"), field="kind") from None
    number, reason = data.get("number"), (data.get("reason") or "").strip()
    problems = request_rules.request_problems(number, reason)
    if problems:
        raise StaffingRefusal(
            problems[0], field="number" if "编制数" in str(problems[0].id) else "reason"
        )
    letter = (data.get("document_number") or "").strip()
    if letter:
        letter = checked_document_number(letter, china_today())
    weakened = []
    latest = queries.latest_finalised(institution.id)
    if latest is not None:
        result = rules.evaluate(
            functions_of(latest), post_operation(latest, china_today()), scheme_of(latest)
        )
        weakened = [
            {"name": r.function.name, "proposed_reduction": None}
            for r in result.functions
            if r.classification in (rules.Classification.WEAKEN, rules.Classification.CANCEL)
        ]
    request = QuotaRequest(
        institution_id=institution.id,
        kind=kind.value,
        number=number,
        reason=reason,
        linked_functions=(data.get("linked_functions") or "").strip() or None,
        document_number=letter or None,
        status=RequestStatus.DRAFT.value,
        weakened_functions=weakened,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(request)
    db.session.flush()
    audit.record(
        "quota_request.create",
        request,
        institution_id=institution.id,
        summary=f"{kind.value} +{number}",
        changes={"number": [None, number], "reason": [None, reason]},
        actor=actor,
    )
    return request


def save_cleanup(request: QuotaRequest, data: Mapping[str, Any], *, actor: Any = None) -> None:
    """Record the unit's clean-up report: each item reported with its figure."""
    if request.status_enum is not RequestStatus.DRAFT:
        raise StaffingRefusal(msg("申请已提交，清理情况不能再修改"))
    values: dict[str, Any] = {}
    for item in ("vacancies", "secondments", "off_quota"):
        count = _count(data, item)
        values[item] = count
        values[f"{item}_reported"] = count is not None
    functions = []
    for index, function in enumerate(request.weakened_functions or []):
        raw = data.get(f"reduction_{index}")
        functions.append(
            {"name": function.get("name", ""), "proposed_reduction": _parse_int(raw, index)}
        )
    extra_name = (data.get("new_function") or "").strip()
    if extra_name:
        functions.append(
            {
                "name": extra_name[:200],
                "proposed_reduction": _parse_int(data.get("new_reduction"), len(functions)),
            }
        )
    values["weakened_functions"] = functions
    values["weakened_reported"] = bool(data.get("weakened_reported")) or bool(functions)
    values["cleanup_note"] = (data.get("cleanup_note") or "").strip() or None
    before = audit.snapshot(request, list(values))
    for key, value in values.items():
        setattr(request, key, value)
    db.session.flush()
    audit.record(
        "quota_request.cleanup",
        request,
        institution_id=request.institution_id,
        changes=audit.diff(before, audit.snapshot(request, list(values))),
        actor=actor,
    )


def _parse_int(raw: Any, index: int) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(str(raw).strip())
    except ValueError:
        raise StaffingRefusal(
            msg("核减建议须为整数（第 %(n)d 项）", n=index + 1), field=f"reduction_{index}"
        ) from None


def cleanup_state(request: QuotaRequest) -> request_rules.CleanupState:
    return request_rules.CleanupState(
        vacancies_reported=request.vacancies_reported,
        secondments_reported=request.secondments_reported,
        off_quota_reported=request.off_quota_reported,
        weakened_functions_reported=request.weakened_reported,
        weakened_functions=tuple(
            request_rules.WeakenedFunction(f.get("name", ""), f.get("proposed_reduction"))
            for f in request.weakened_functions or []
        ),
        evaluation_finalised_on=queries.latest_finalised_on(request.institution_id),
    )


def missing_for(request: QuotaRequest, today: date) -> list:
    return request_rules.missing_cleanup(
        cleanup_state(request),
        today=today,
        evaluation_max_age_months=parameters.evaluation_max_age(today),
    )


def submit_request(request: QuotaRequest, *, actor: Any = None, today: date | None = None) -> None:
    """Submit under 先减后加: refused, listing exactly what is missing, until the clean-up
    is complete."""
    today = today or china_today()
    if request.status_enum is not RequestStatus.DRAFT:
        raise StaffingRefusal(msg("申请已提交，不能重复提交"))
    missing = missing_for(request, today)
    if missing:
        raise StaffingRefusal(CleanupMissing(missing))
    request.status = RequestStatus.SUBMITTED.value
    request.submitted_at = utcnow()
    request.submitted_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        "quota_request.submit",
        request,
        institution_id=request.institution_id,
        changes={"status": [RequestStatus.DRAFT.value, RequestStatus.SUBMITTED.value]},
        actor=actor,
    )


class CleanupMissing(ListMsg):
    """The gate's refusal: a heading and every missing item."""

    def __str__(self) -> str:
        return str(msg("清理规范尚未完成，不能提交增编申请：")) + super().__str__()

    def __html__(self) -> str:
        from markupsafe import Markup, escape

        return escape(msg("清理规范尚未完成，不能提交增编申请：")) + Markup(super().__html__())


def _pending(request: QuotaRequest) -> None:
    if request.status_enum is not RequestStatus.SUBMITTED:
        raise StaffingRefusal(
            msg("只能处理待审批的申请，此申请的状态为「%(s)s」", s=request.status_enum.label)
        )


def execute_reduction(
    request: QuotaRequest,
    data: Mapping[str, Any],
    *,
    actor: Any = None,
    today: date | None = None,
):
    """The office carries out (part of) the proposed reductions as a ledger entry."""
    today = today or china_today()
    _pending(request)
    number = data.get("number")
    if isinstance(number, bool) or not isinstance(number, int) or number <= 0:
        raise StaffingRefusal(msg("核减数须为正整数"), field="number")
    left = request.proposed_reduction - queries.executed_reduction(request.id)
    if number > max(left, 0):
        raise StaffingRefusal(
            msg(
                "拟核减 %(p)d 名，尚待执行 %(l)d 名，本次不能核减 %(n)d 名",
                p=request.proposed_reduction,
                l=max(left, 0),
                n=number,
            ),
            field="number",
        )
    try:
        return add_quota_entry(
            request.institution,
            {
                "kind": request.kind,
                "change": -number,
                "document_number": data.get("document_number"),
                "effective_on": data.get("effective_on") or today,
                "note": data.get("note") or None,
                "document": data.get("document"),
            },
            today=today,
            actor=actor,
            request_id=request.id,
            pooled=True,
        )
    except QuotaError as error:
        raise StaffingRefusal(
            error.message, field="number" if error.field == "change" else error.field
        ) from None


def approve_request(
    request: QuotaRequest,
    data: Mapping[str, Any],
    *,
    actor: Any = None,
    today: date | None = None,
):
    """Approve: only after the proposed reductions are carried out; the places come from
    the region's pool, which is locked while it is read and drawn."""
    today = today or china_today()
    _pending(request)
    document_number = checked_document_number(data.get("document_number"), today)
    from institutions.quota.operations import lock_pool

    pool = lock_pool(request.institution.district_code, request.kind)
    # The pool's lock already serialises approvals in the region; lock the request's row too
    # and read its status again: the same request approved twice at once passes once.
    db.session.execute(
        select(QuotaRequest.id).where(QuotaRequest.id == request.id).with_for_update()
    )
    db.session.refresh(request)
    _pending(request)  # another approval of the same request may have committed first
    problems = request_rules.approval_problems(
        request.number,
        proposed_reduction=request.proposed_reduction,
        executed_reduction=queries.executed_reduction(request.id),
        pool=request_rules.Pool(pool.freed, pool.drawn),
    )
    _refuse_all(problems, field="document_number")
    try:
        entry = add_quota_entry(
            request.institution,
            {
                "kind": request.kind,
                "change": request.number,
                "document_number": document_number,
                "effective_on": data.get("effective_on") or today,
                "note": data.get("note") or None,
                "document": data.get("document"),
            },
            today=today,
            actor=actor,
            request_id=request.id,
            pooled=True,
        )
    except QuotaError as error:
        raise StaffingRefusal(error.message, field=error.field) from None
    request.status = RequestStatus.APPROVED.value
    request.decided_at = utcnow()
    request.decided_by_id = getattr(actor, "id", None)
    request.decision_document_number = document_number
    request.decision_note = (data.get("note") or "").strip() or None
    db.session.flush()
    audit.record(
        "quota_request.approve",
        request,
        institution_id=request.institution_id,
        summary=f"+{request.number} {document_number}",
        changes={
            "status": [RequestStatus.SUBMITTED.value, RequestStatus.APPROVED.value],
            "decision_document_number": [None, document_number],
        },
        actor=actor,
    )
    return entry


def reject_request(request: QuotaRequest, data: Mapping[str, Any], *, actor: Any = None) -> None:
    _pending(request)
    note = (data.get("note") or "").strip()
    if not note:
        raise StaffingRefusal(msg("不予批准须写明理由"), field="note")
    number = (data.get("document_number") or "").strip()
    if number:
        number = checked_document_number(number, china_today())
    request.status = RequestStatus.REJECTED.value
    request.decided_at = utcnow()
    request.decided_by_id = getattr(actor, "id", None)
    request.decision_document_number = number or None
    request.decision_note = note
    db.session.flush()
    audit.record(
        "quota_request.reject",
        request,
        institution_id=request.institution_id,
        summary=note[:255],
        changes={"status": [RequestStatus.SUBMITTED.value, RequestStatus.REJECTED.value]},
        actor=actor,
    )


# --------------------------------------------------------------------------- reports

REPORT_SECTIONS = ("activities", "finances", "staffing", "governance")


def prefill(institution: Institution, year: int) -> dict[str, Any]:
    """Return a report's figures from the app's own data (the ledger and the indicators)."""
    end = date(year, 12, 31)
    values = indicators.values(
        [
            figures.STAFF_ESTABLISHMENT,
            figures.STAFF_FILED,
            figures.MEETINGS_HELD,
            figures.RESOLUTIONS,
            figures.CHARTER_CHANGES,
            figures.GROSS_BY_MONTH,
        ],
        [institution.id],
        end,
    )
    known = set(indicators.registered())

    def value(key: str) -> Any:
        if key not in known:
            return None
        return values[key].get(institution.id, 0)

    gross = value(figures.GROSS_BY_MONTH)
    return {
        "establishment": quota_on(institution.id, QuotaKind.ESTABLISHMENT, end),
        "leadership": quota_on(institution.id, QuotaKind.LEADERSHIP, end),
        "filed": quota_on(institution.id, QuotaKind.FILED, end),
        "actual_establishment": value(figures.STAFF_ESTABLISHMENT),
        "actual_filed": value(figures.STAFF_FILED),
        "meetings_held": value(figures.MEETINGS_HELD),
        "resolutions": value(figures.RESOLUTIONS),
        "charter_changes": value(figures.CHARTER_CHANGES),
        "gross_total": (
            str(sum((Decimal(str(v)) for v in dict(gross).values()), Decimal(0))) if gross else None
        ),
    }


def _report_status(report: AnnualReport | None, year: int, today: date):
    deadline = parameters.report_deadline(year)
    return queries.standing_of(report, year, today, deadline).status


def _check_year(year: int, today: date) -> None:
    if not 2000 <= year <= today.year:
        raise StaffingRefusal(msg("只能填报本年度或以前年度的年度报告"))


def save_report(
    institution: Institution,
    year: int,
    data: Mapping[str, Any],
    *,
    actor: Any = None,
    today: date | None = None,
) -> AnnualReport:
    """Save the report's text (starting it from the app's figures the first time)."""
    today = today or china_today()
    _check_year(year, today)
    report = queries.report_of(institution.id, year)
    problem = report_rules.action_problem(
        _report_status(report, year, today), report_rules.Action.START
    )
    if problem is not None:
        raise StaffingRefusal(problem)
    sections = {k: (data.get(k) or "").strip()[:20000] for k in REPORT_SECTIONS}
    if report is None:
        report = AnnualReport(
            institution_id=institution.id,
            year=year,
            content={**sections, "figures": prefill(institution, year)},
        )
        db.session.add(report)
        db.session.flush()
        db.session.add(
            AnnualReportEvent(
                report=report,
                action=report_rules.Action.START.value,
                on=today,
                by_id=getattr(actor, "id", None),
            )
        )
        before: dict[str, Any] = {}
    else:
        before = {k: (report.content or {}).get(k) for k in REPORT_SECTIONS}
        report.content = {**(report.content or {}), **sections}
    db.session.flush()
    audit.record(
        "annual_report.save",
        report,
        institution_id=institution.id,
        summary=str(year),
        changes=audit.diff(before, sections),
        actor=actor,
    )
    return report


def refresh_figures(report: AnnualReport, *, actor: Any = None, today: date | None = None):
    """Take the figures from the app's data again (while the institution may edit)."""
    today = today or china_today()
    problem = report_rules.action_problem(
        _report_status(report, report.year, today), report_rules.Action.START
    )
    if problem is not None:
        raise StaffingRefusal(problem)
    report.content = {**(report.content or {}), "figures": prefill(report.institution, report.year)}
    db.session.flush()


def submit_report(report: AnnualReport, *, actor: Any = None, today: date | None = None) -> None:
    today = today or china_today()
    problem = report_rules.action_problem(
        _report_status(report, report.year, today), report_rules.Action.SUBMIT
    )
    if problem is not None:
        raise StaffingRefusal(problem)
    missing = [k for k in ("activities", "finances") if not (report.content or {}).get(k)]
    if missing:
        raise StaffingRefusal(msg("请先填写“主要业务活动”和“财务情况”再提交"))
    _report_event(report, report_rules.Action.SUBMIT, today, actor)


def decide_report(
    report: AnnualReport,
    action: report_rules.Action,
    comment: str | None,
    *,
    actor: Any = None,
    today: date | None = None,
) -> None:
    """The office accepts the report, or returns it with comments."""
    today = today or china_today()
    problem = report_rules.action_problem(_report_status(report, report.year, today), action)
    if problem is not None:
        raise StaffingRefusal(problem)
    comment = (comment or "").strip()
    if action is report_rules.Action.RETURN:
        if not comment:
            raise StaffingRefusal(msg("退回须写明修改意见"), field="comment")
        report.office_comment = comment
    _report_event(report, action, today, actor, comment or None)


def _report_event(report, action, today, actor, comment=None) -> None:
    db.session.add(
        AnnualReportEvent(
            report=report,
            action=action.value,
            on=today,
            by_id=getattr(actor, "id", None),
            comment=comment,
        )
    )
    db.session.flush()
    audit.record(
        f"annual_report.{action.value}",
        report,
        institution_id=report.institution_id,
        summary=f"{report.year} {comment or ''}".strip()[:255],
        actor=actor,
    )


# --------------------------------------------------------------------------- API clients

TOKEN_PREFIX = "so_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(data: Mapping[str, Any], *, actor: Any = None) -> tuple[ApiClient, str]:
    """Issue a token for a client system; return the client and the token (shown once)."""
    name = (data.get("name") or "").strip()
    if not name:
        raise StaffingRefusal(msg("请填写接口使用方名称"), field="name")
    sponsor_id = data.get("sponsor_id") or None
    if sponsor_id is not None and db.session.get(Sponsor, sponsor_id) is None:
        raise StaffingRefusal(msg("所选举办单位不存在"), field="sponsor_id")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    client = ApiClient(
        name=name[:120],
        token_hash=hash_token(token),
        token_prefix=token[:10],
        sponsor_id=sponsor_id,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(client)
    db.session.flush()
    audit.record(
        "api_client.issue",
        client,
        summary=client.name,
        changes={"name": [None, client.name], "sponsor_id": [None, sponsor_id]},
        actor=actor,
    )
    return client, token


def revoke_token(client: ApiClient, *, actor: Any = None) -> None:
    if client.revoked_at is not None:
        raise StaffingRefusal(msg("该令牌已经吊销"))
    client.revoked_at = utcnow()
    client.revoked_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record("api_client.revoke", client, summary=client.name, actor=actor)
