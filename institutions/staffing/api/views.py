"""The API's resources. Each reads through the same queries as the web pages, scoped to the
token's reach, one page at a time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, g, jsonify, request
from flask_smorest import Blueprint, abort
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from core.extensions import db
from core.ids import china_today
from core.models import utcnow
from core.permissions import Scope
from core.regions import region_name
from institutions import indicators
from institutions.models import Institution, QuotaEntry
from institutions.staffing import figures, parameters, queries
from institutions.staffing.api import schemas
from institutions.staffing.models import ApiClient, Evaluation, EvaluationRound
from institutions.staffing.operations import TOKEN_PREFIX, hash_token

blp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="编办开放接口（只读）",
)

ERRORS = {
    401: "缺少访问令牌：请在请求头中提供 Authorization: Bearer <令牌>",
    403: "令牌无权访问所请求的范围",
    404: "所请求的记录不存在，或不在令牌的访问范围内",
    405: "接口只接受 GET 请求",
    422: "请求参数有误",
    500: "服务器处理请求时出错",
}
#: how often a client's last use is written (not on every request)
LAST_USED_EVERY = timedelta(minutes=5)


def _error(code: int, message: str | None = None, errors: Any = None):
    payload: dict[str, Any] = {
        "code": code,
        "status": _status_name(code),
        "message": message or ERRORS.get(code, ERRORS[500]),
    }
    if errors:
        payload["errors"] = errors
    response = jsonify(payload)
    response.status_code = code
    if code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _status_name(code: int) -> str:
    from werkzeug.http import HTTP_STATUS_CODES

    return HTTP_STATUS_CODES.get(code, "Error")


@blp.errorhandler(HTTPException)
def api_error(error: HTTPException):
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    if isinstance(errors, dict) and set(errors) <= {"query", "json", "headers", "view_args"}:
        errors = {k: v for part in errors.values() for k, v in part.items()}
    return _error(error.code or 500, data.get("message"), errors)


@blp.errorhandler(Exception)
def api_crash(error: Exception):
    db.session.rollback()
    current_app.logger.exception("API error on %s", request.path)
    if current_app.testing:
        raise error
    return _error(500)


# --------------------------------------------------------------------------- tokens


def _client_from_header() -> ApiClient:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith(TOKEN_PREFIX):
        abort(401)
    client = db.session.scalar(select(ApiClient).where(ApiClient.token_hash == hash_token(token)))
    if client is None:
        abort(401, message="令牌无效：请检查是否完整复制，或向编办重新申请")
    if client.revoked_at is not None:
        abort(401, message="令牌已被编办吊销，不能再使用")
    now = utcnow()
    if client.last_used_at is None or now - client.last_used_at > LAST_USED_EVERY:
        client.last_used_at = now
        db.session.commit()
    return client


@blp.before_request
def authenticate():
    client = _client_from_header()
    g.api_client = client
    g.api_scope = (
        Scope(city_wide=True)
        if client.sponsor_id is None
        else Scope(sponsor_ids=frozenset({client.sponsor_id}))
    )


def not_found(rest: str = ""):
    """Any other path under /api/v1: 401 without a valid token, else 404, both in JSON."""
    try:
        _client_from_header()
    except HTTPException as error:
        return api_error(error)
    if request.method != "GET":
        return _error(405)
    return _error(404)


def _scope() -> Scope:
    return g.api_scope


def _place(args: dict) -> queries.Place:
    scope = _scope()
    sponsor_id = args.get("sponsor_id")
    if sponsor_id is not None and not scope.city_wide and sponsor_id not in scope.sponsor_ids:
        abort(403, message="令牌只能读取其举办单位所属的单位，不能查询其他举办单位")
    try:
        return queries.place_from(args.get("district"), sponsor_id, scope)
    except HTTPException:
        abort(404, message="没有这个举办单位")


def _page(stmt, args: dict, order_by: Any) -> tuple[list[Any], dict[str, int]]:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    size, page = args["page_size"], args["page"]
    rows = db.session.execute(stmt.order_by(*order_by).limit(size).offset((page - 1) * size))
    return [row[0] for row in rows], {"page": page, "page_size": size, "total": total or 0}


def _institution_json(i: Institution) -> dict[str, Any]:
    return {
        "id": i.id,
        "credit_code": i.credit_code,
        "name": i.name,
        "kind": i.kind,
        "district_code": i.district_code,
        "district_name": region_name(i.district_code),
        "sponsor_id": i.sponsor_id,
        "sponsor_name": i.sponsor.name,
        "funding_class": i.funding_class,
        "status": i.status,
    }


DOC = {"security": [{"bearerAuth": []}]}


def _errors(*codes: int):
    def decorate(func):
        for code in codes:
            func = blp.alt_response(code, schema=schemas.ApiErrorSchema, description=ERRORS[code])(
                func
            )
        return func

    return decorate


# --------------------------------------------------------------------------- resources


@blp.route("/institutions")
@blp.doc(**DOC, summary="事业单位登记（分页）")
@blp.arguments(schemas.ScopeArgs, location="query")
@blp.response(200, schemas.InstitutionPage)
@_errors(401, 403, 404)
def institutions(args):
    place = _place(args)
    stmt = queries.institutions_at(_scope(), place)
    if args.get("kind"):
        stmt = stmt.where(Institution.kind == args["kind"])
    items, meta = _page(stmt, args, (Institution.id,))
    return {**meta, "items": [_institution_json(i) for i in items]}


@blp.route("/institutions/<int(max=2147483647):institution_id>")
@blp.doc(**DOC, summary="一个单位的登记信息")
@blp.response(200, schemas.InstitutionSchema)
@_errors(401, 404)
def institution(institution_id: int):
    found = db.session.scalar(
        select(Institution).where(Institution.id == institution_id, _scope().clause(Institution.id))
    )
    if found is None:
        abort(404)
    return _institution_json(found)


@blp.route("/quota")
@blp.doc(**DOC, summary="各单位编制及使用情况（某日）")
@blp.arguments(schemas.OnArgs, location="query")
@blp.response(200, schemas.QuotaPage)
@_errors(401, 403, 404)
def quota(args):
    place = _place(args)
    on = args.get("on") or china_today()
    stmt = queries.institutions_at(_scope(), place)
    if args.get("kind"):
        stmt = stmt.where(Institution.kind == args["kind"])
    items, meta = _page(stmt, args, (Institution.id,))
    lines = queries.ledger_lines(items, on)
    return {
        **meta,
        "items": [
            {
                "institution_id": line.institution.id,
                "name": line.institution.name,
                "on": on,
                "establishment": line.establishment,
                "leadership": line.leadership,
                "filed": line.filed,
                "actual_establishment": line.actual_establishment,
                "actual_filed": line.actual_filed,
                "vacancies": line.vacancies,
                "over_quota": line.is_over,
            }
            for line in lines
        ],
    }


@blp.route("/quota/entries")
@blp.doc(**DOC, summary="编制台账变动记录（含文号）")
@blp.arguments(schemas.EntryArgs, location="query")
@blp.response(200, schemas.QuotaEntryPage)
@_errors(401, 403, 404)
def quota_entries(args):
    place = _place(args)
    stmt = queries.entries(
        _scope(), place, year=args.get("year"), kind=args.get("quota_kind")
    ).with_only_columns(QuotaEntry)
    if args.get("kind"):
        stmt = stmt.where(Institution.kind == args["kind"])
    items, meta = _page(stmt, args, (QuotaEntry.id,))
    return {
        **meta,
        "items": [
            {
                "id": e.id,
                "institution_id": e.institution_id,
                "kind": e.kind,
                "change": e.change,
                "document_number": e.document_number,
                "effective_on": e.effective_on,
                "note": e.note,
                "reverses_id": e.reverses_id,
                "request_id": e.request_id,
                "is_pooled": bool(e.is_pooled),
            }
            for e in items
        ],
    }


@blp.route("/indicators")
@blp.doc(**DOC, summary="指标目录：已报送的和尚未报送的")
@blp.response(200, schemas.IndicatorList)
@_errors(401)
def indicator_list():
    known = indicators.registered()
    return {
        "items": [
            {
                "key": e.key,
                "label": str(known[e.key].label if e.key in known else e.label),
                "unit": str(known[e.key].unit if e.key in known else e.unit),
                "owner": known[e.key].owner if e.key in known else e.owner,
                "reported": e.key in known,
            }
            for e in figures.EXPECTED
        ]
    }


@blp.route("/indicators/<string:key>")
@blp.doc(**DOC, summary="一项指标在各单位的数值（某日，分页）")
@blp.arguments(schemas.OnArgs, location="query")
@blp.response(200, schemas.IndicatorValuesPage)
@_errors(401, 403, 404)
def indicator_values(args, key: str):
    if key not in figures.BY_KEY:
        abort(404, message="没有这项指标")
    place = _place(args)
    on = args.get("on") or china_today()
    stmt = queries.institutions_at(_scope(), place).with_only_columns(Institution.id)
    if args.get("kind"):
        stmt = stmt.where(Institution.kind == args["kind"])
    ids, meta = _page(stmt, args, (Institution.id,))
    reported = key in indicators.registered()
    found = indicators.values([key], ids, on)[key] if ids and reported else {}
    return {
        **meta,
        "key": key,
        "on": on,
        "reported": reported,
        "items": [{"institution_id": i, "value": _plain(found.get(i))} for i in ids],
    }


def _plain(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


@blp.route("/evaluations")
@blp.doc(**DOC, summary="职能运行评估（分页）")
@blp.arguments(schemas.ScopeArgs, location="query")
@blp.response(200, schemas.EvaluationPage)
@_errors(401, 403, 404)
def evaluations(args):
    place = _place(args)
    stmt = (
        select(Evaluation)
        .join(Institution, Institution.id == Evaluation.institution_id)
        .where(_scope().clause(Institution.id), place.clause())
    )
    if args.get("kind"):
        stmt = stmt.where(Institution.kind == args["kind"])
    items, meta = _page(stmt, args, (Evaluation.id,))
    rounds = {
        r.id: r
        for r in db.session.scalars(
            select(EvaluationRound).where(EvaluationRound.id.in_({e.round_id for e in items}))
        )
    }
    return {
        **meta,
        "items": [
            {
                "id": e.id,
                "round_id": e.round_id,
                "round_name": rounds[e.round_id].name,
                "year": rounds[e.round_id].year,
                "institution_id": e.institution_id,
                "status": e.status,
                "score": str(e.score) if e.score is not None else None,
                "recommendation": e.recommendation,
                "recommended_number": e.recommended_number,
                "finalised_on": e.finalised_on,
            }
            for e in items
        ],
    }


@blp.route("/reports")
@blp.doc(**DOC, summary="年度报告报送情况（分页）")
@blp.arguments(schemas.ReportArgs, location="query")
@blp.response(200, schemas.ReportPage)
@_errors(401, 403, 404)
def reports(args):
    place = _place(args)
    today = china_today()
    year = args.get("year") or today.year - 1
    deadline = parameters.report_deadline(year)
    size, page = args["page_size"], args["page"]
    scope = _scope()
    if args.get("kind"):
        scope_place = queries.Place(place.district, place.sponsor)
        kind_ids = queries.in_scope(scope, scope_place).where(Institution.kind == args["kind"])
        scope = Scope(institution_ids=frozenset(db.session.scalars(kind_ids)))
    if args.get("status"):
        lines = queries.report_lines(scope, place, year, today, deadline, args["status"])
        total, chosen = len(lines), lines[(page - 1) * size : page * size]
    else:
        total = db.session.scalar(
            select(func.count()).select_from(queries.in_scope(scope, place).subquery())
        )
        chosen = queries.report_lines(
            scope, place, year, today, deadline, window=((page - 1) * size, size)
        )
    return {
        "page": page,
        "page_size": size,
        "total": total or 0,
        "items": [
            {
                "institution_id": line.institution.id,
                "name": line.institution.name,
                "year": year,
                "status": line.standing.status.value,
                "deadline": line.standing.deadline,
                "first_submitted_on": line.standing.first_submitted_on,
                "days_late": line.standing.days_late,
            }
            for line in chosen
        ],
    }
