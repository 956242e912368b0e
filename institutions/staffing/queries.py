"""Reads of the staffing office: scopes, the city-wide ledger, the dashboard, the pools,
evaluations, requests and reports. Everything is filtered to what the user may see and
computed for a whole scope in a fixed number of queries.
"""

from __future__ import annotations

import copy
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import abort, current_app
from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true

from core.extensions import db
from core.permissions import Scope
from core.regions import REGIONS, region_label
from institutions import indicators
from institutions.models import Institution, InstitutionKind, QuotaEntry, QuotaKind, Sponsor
from institutions.staffing import figures
from institutions.staffing.models import (
    AnnualReport,
    AnnualReportEvent,
    ApiClient,
    Evaluation,
    EvaluationRound,
    EvaluationStatus,
    QuotaPool,
    QuotaRequest,
    RequestStatus,
)
from institutions.staffing.reports import Action, Event, Standing, standing

# --------------------------------------------------------------------------- scopes


@dataclass(frozen=True)
class Place:
    """Where on the drill-down a page is: the city, a district, a sponsor."""

    district: str | None = None
    sponsor: Sponsor | None = None

    @property
    def level(self) -> str:
        if self.sponsor is not None:
            return "sponsor"
        if self.district is not None:
            return "district"
        return "city"

    def clause(self) -> ColumnElement[bool]:
        parts = []
        if self.district is not None:
            parts.append(Institution.district_code == self.district)
        if self.sponsor is not None:
            parts.append(Institution.sponsor_id == self.sponsor.id)
        return and_(true(), *parts)

    def args(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.district is not None:
            found["district"] = self.district
        if self.sponsor is not None:
            found["sponsor_id"] = self.sponsor.id
        return found


def place_from(district: str | None, sponsor_id: int | None, scope: Scope) -> Place:
    """Return the place asked for; an unknown district or a sponsor out of scope is a 404."""
    if district is not None and district not in REGIONS:
        abort(404)
    sponsor = None
    if sponsor_id is not None:
        sponsor = db.session.get(Sponsor, sponsor_id)
        if sponsor is None or not (scope.city_wide or sponsor.id in scope.sponsor_ids):
            abort(404)
        district = sponsor.district_code
    return Place(district, sponsor)


def in_scope(scope: Scope, place: Place | None = None) -> Select:
    """Return a SELECT of the ids of the institutions in ``scope`` (and at ``place``)."""
    stmt = select(Institution.id).where(scope.clause(Institution.id))
    if place is not None:
        stmt = stmt.where(place.clause())
    return stmt


# --------------------------------------------------------------------------- the ledger


def quota_by_institution(ids: Select, on: date) -> dict[int, dict[str, int]]:
    """Return {institution id: {quota kind: quota on ``on``}} for a scope, in one query."""
    rows = db.session.execute(
        select(QuotaEntry.institution_id, QuotaEntry.kind, func.sum(QuotaEntry.change))
        .where(QuotaEntry.institution_id.in_(ids.scalar_subquery()), QuotaEntry.effective_on <= on)
        .group_by(QuotaEntry.institution_id, QuotaEntry.kind)
    )
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for institution_id, kind, total in rows:
        found[institution_id][kind] = int(total or 0)
    return found


@dataclass
class LedgerLine:
    """One institution's quota and its use on a date (实名制: actual staff by indicator)."""

    institution: Any
    establishment: int = 0
    leadership: int = 0
    filed: int = 0
    actual_establishment: int | None = None
    actual_filed: int | None = None

    @property
    def vacancies(self) -> int | None:
        if self.actual_establishment is None:
            return None
        return self.establishment - self.actual_establishment

    @property
    def filed_vacancies(self) -> int | None:
        if self.actual_filed is None:
            return None
        return self.filed - self.actual_filed

    @property
    def is_over(self) -> bool:
        return (self.vacancies is not None and self.vacancies < 0) or (
            self.filed_vacancies is not None and self.filed_vacancies < 0
        )


def ledger_lines(institutions: Sequence[Any], on: date) -> list[LedgerLine]:
    """Return each institution's standing on ``on``; three queries whatever the number."""
    ids = [i.id for i in institutions]
    if not ids:
        return []
    id_select = select(Institution.id).where(Institution.id.in_(ids))
    quota = quota_by_institution(id_select, on)
    occupied = indicators.values(indicators.OCCUPANCY_KEYS.values(), id_select, on)
    known = indicators.registered()
    est_key = indicators.OCCUPANCY_KEYS[QuotaKind.ESTABLISHMENT]
    filed_key = indicators.OCCUPANCY_KEYS[QuotaKind.FILED]
    lines = []
    for institution in institutions:
        q = quota.get(institution.id, {})
        lines.append(
            LedgerLine(
                institution,
                establishment=q.get(QuotaKind.ESTABLISHMENT.value, 0),
                leadership=q.get(QuotaKind.LEADERSHIP.value, 0),
                filed=q.get(QuotaKind.FILED.value, 0),
                actual_establishment=(
                    int(occupied[est_key].get(institution.id, 0)) if est_key in known else None
                ),
                actual_filed=(
                    int(occupied[filed_key].get(institution.id, 0)) if filed_key in known else None
                ),
            )
        )
    return lines


LEDGER_SORTS = {
    "name": Institution.name,
    "district": Institution.district_code,
    "kind": Institution.kind,
    "credit_code": Institution.credit_code,
}


def institutions_at(scope: Scope, place: Place, q: str | None = None) -> Select:
    stmt = select(Institution).where(scope.clause(Institution.id), place.clause())
    if q:
        stmt = stmt.where(
            or_(
                Institution.name.contains(q, autoescape=True),
                Institution.credit_code.startswith(q.upper(), autoescape=True),
            )
        )
    return stmt


ENTRY_SORTS = {
    "effective_on": QuotaEntry.effective_on,
    "institution": Institution.name,
    "change": QuotaEntry.change,
}


def entries(
    scope: Scope,
    place: Place,
    *,
    year: int | None = None,
    kind: str | None = None,
    institution_id: int | None = None,
) -> Select:
    """Return (QuotaEntry, Institution) rows of the ledger in scope, filtered."""
    stmt = (
        select(QuotaEntry, Institution)
        .join(Institution, Institution.id == QuotaEntry.institution_id)
        .where(scope.clause(Institution.id), place.clause())
    )
    if year:
        stmt = stmt.where(
            QuotaEntry.effective_on >= date(year, 1, 1),
            QuotaEntry.effective_on <= date(year, 12, 31),
        )
    if kind:
        stmt = stmt.where(QuotaEntry.kind == kind)
    if institution_id:
        stmt = stmt.where(QuotaEntry.institution_id == institution_id)
    return stmt


def reversed_ids(entry_ids: Iterable[int]) -> dict[int, QuotaEntry]:
    """Return {entry id: the entry reversing it} for the given entries."""
    ids = list(entry_ids)
    if not ids:
        return {}
    rows = db.session.scalars(select(QuotaEntry).where(QuotaEntry.reverses_id.in_(ids)))
    return {row.reverses_id: row for row in rows}


# --------------------------------------------------------------------------- the pools


@dataclass
class PoolYear:
    """One year of a region's pool: places freed by reductions, drawn by approvals."""

    year: int
    district_code: str
    kind: str
    freed: int = 0
    drawn: int = 0
    balance: int = 0

    @property
    def district_name(self) -> str:
        return region_label(self.district_code)  # for pages; Excel files use region_name

    @property
    def kind_label(self) -> str:
        return QuotaKind(self.kind).label


def pool_years(scope: Scope, place: Place) -> list[PoolYear]:
    """Return per district, kind and year the reductions and additions of the pool, with the
    balance carried at the end of each year; one query."""
    year = func.extract("year", QuotaEntry.effective_on)
    rows = db.session.execute(
        select(
            Institution.district_code,
            QuotaEntry.kind,
            year.label("year"),
            func.sum(func.abs(QuotaEntry.change)).filter(QuotaEntry.change < 0),
            func.sum(QuotaEntry.change).filter(QuotaEntry.change > 0),
        )
        .join(Institution, Institution.id == QuotaEntry.institution_id)
        .where(QuotaEntry.is_pooled.is_(True), scope.clause(Institution.id), place.clause())
        .group_by(Institution.district_code, QuotaEntry.kind, year)
        .order_by(Institution.district_code, QuotaEntry.kind, year)
    )
    result: list[PoolYear] = []
    balances: dict[tuple[str, str], int] = defaultdict(int)
    for district, kind, y, freed, drawn in rows:
        line = PoolYear(int(y), district, kind, int(freed or 0), int(drawn or 0))
        balances[(district, kind)] += line.freed - line.drawn
        line.balance = balances[(district, kind)]
        result.append(line)
    return result


def pool_of(district_code: str, kind: str) -> QuotaPool | None:
    return db.session.scalar(
        select(QuotaPool).where(QuotaPool.district_code == district_code, QuotaPool.kind == kind)
    )


# --------------------------------------------------------------------------- dashboard


@dataclass
class Summary:
    """The figures of a group of institutions (a district, a sponsor, one institution)."""

    key: Any
    name: str
    link_args: dict[str, Any] | None = None
    institutions: int = 0
    by_kind: Counter = field(default_factory=Counter)
    establishment: int = 0
    leadership: int = 0
    filed: int = 0
    actual_establishment: int | None = None
    actual_filed: int | None = None
    vacancies: int | None = None
    over_quota: int = 0
    evaluations_done: int = 0
    requests_pending: int = 0
    indicator: dict[str, Any] = field(default_factory=dict)
    #: institutions with a figure for each indicator (how many reported)
    reported: dict[str, int] = field(default_factory=dict)


@dataclass
class Dashboard:
    place: Place
    on: date
    total: Summary
    groups: list[Summary]
    registered: set[str]

    def is_reported(self, key: str) -> bool:
        return key in self.registered

    def chart(self) -> dict[str, Any]:
        """Return the data the bar charts draw (passed to the page in a data- attribute)."""
        return {
            "labels": [g.name for g in self.groups],
            "approved": [g.establishment for g in self.groups],
            "actual": [g.actual_establishment or 0 for g in self.groups],
            "vacancies": [g.vacancies or 0 for g in self.groups],
            "kinds": [str(k.label) for k in InstitutionKind],
            "by_kind": [self.total.by_kind.get(k.value, 0) for k in InstitutionKind],
        }


@dataclass(frozen=True)
class _Row:
    id: int
    name: str
    kind: str
    district_code: str
    sponsor_id: int
    sponsor_name: str


def _rows(ids: Select) -> list[_Row]:
    stmt = (
        select(
            Institution.id,
            Institution.name,
            Institution.kind,
            Institution.district_code,
            Institution.sponsor_id,
            Sponsor.name,
        )
        .join(Sponsor, Sponsor.id == Institution.sponsor_id)
        .where(Institution.id.in_(ids.scalar_subquery()))
        .order_by(Institution.name, Institution.id)
    )
    return [_Row(*row) for row in db.session.execute(stmt)]


def evaluations_done(ids: Select, year: int) -> dict[int, int]:
    """Return {institution id: evaluations finalised in ``year``}."""
    rows = db.session.execute(
        select(Evaluation.institution_id, func.count())
        .where(
            Evaluation.institution_id.in_(ids.scalar_subquery()),
            Evaluation.status == EvaluationStatus.FINALISED.value,
            Evaluation.finalised_on >= date(year, 1, 1),
            Evaluation.finalised_on <= date(year, 12, 31),
        )
        .group_by(Evaluation.institution_id)
    )
    return dict(rows.all())


def requests_pending(ids: Select) -> dict[int, int]:
    rows = db.session.execute(
        select(QuotaRequest.institution_id, func.count())
        .where(
            QuotaRequest.institution_id.in_(ids.scalar_subquery()),
            QuotaRequest.status == RequestStatus.SUBMITTED.value,
        )
        .group_by(QuotaRequest.institution_id)
    )
    return dict(rows.all())


def _summarise(
    summary: Summary,
    members: list[_Row],
    quota: dict[int, dict[str, int]],
    values: dict[str, dict[int, Any]],
    registered: set[str],
    done: dict[int, int],
    pending: dict[int, int],
) -> Summary:
    est_key, filed_key = figures.STAFF_ESTABLISHMENT, figures.STAFF_FILED
    summary.institutions = len(members)
    summary.by_kind = Counter(m.kind for m in members)
    vacancies = 0
    for m in members:
        q = quota.get(m.id, {})
        approved = q.get(QuotaKind.ESTABLISHMENT.value, 0)
        summary.establishment += approved
        summary.leadership += q.get(QuotaKind.LEADERSHIP.value, 0)
        summary.filed += q.get(QuotaKind.FILED.value, 0)
        summary.evaluations_done += done.get(m.id, 0)
        summary.requests_pending += pending.get(m.id, 0)
        if est_key in registered:
            actual = int(values[est_key].get(m.id, 0))
            vacancies += approved - actual
            filed_actual = int(values.get(filed_key, {}).get(m.id, 0))
            if actual > approved or (
                filed_key in registered and filed_actual > q.get(QuotaKind.FILED.value, 0)
            ):
                summary.over_quota += 1
    ids = [m.id for m in members]
    if est_key in registered:
        summary.actual_establishment = sum(int(values[est_key].get(i, 0)) for i in ids)
        summary.vacancies = vacancies
    if filed_key in registered:
        summary.actual_filed = sum(int(values[filed_key].get(i, 0)) for i in ids)
    for expected in figures.EXPECTED:
        if expected.key in registered:
            found = figures.subset(values[expected.key], ids)
            summary.reported[expected.key] = len(found)
            summary.indicator[expected.key] = figures.combine(expected, found)
    return summary


def _sql(stmt: Select) -> str:
    return str(stmt.compile(compile_kwargs={"literal_binds": True}))


def _cached(key: Any, compute):
    """Return ``compute()``, kept per app for a short time (figures "as of a minute ago")."""
    default = 0 if current_app.testing else 60
    seconds = float(current_app.config.get("STAFFING_FIGURES_SECONDS", default))
    store = current_app.extensions.setdefault("staffing_figures", {})
    now = time.monotonic()
    found = store.get(key)
    if found is not None and found[0] > now:
        return found[1]
    value = compute()
    if seconds > 0:
        if len(store) > 256:  # many scopes and dates: start again rather than grow
            store.clear()
        store[key] = (now + seconds, value)
    return value


def dashboard(scope: Scope, place: Place, on: date) -> Dashboard:
    """Return the dashboard of ``place`` in ``scope`` on ``on``, grouped one level down.

    A fixed number of queries whatever the size of the scope: the institutions, the quota,
    one per registered indicator, evaluations done, requests pending. The figures are kept
    for ``STAFFING_FIGURES_SECONDS`` (``_cached``; counting 300,000 staff through the
    indicators takes about half a second on SQLite); requests pending are read afresh.
    """
    ids = in_scope(scope, place)
    registered = set(indicators.registered())
    keys = [e.key for e in figures.EXPECTED if e.key in registered]

    def compute() -> tuple[Any, ...]:
        rows = _rows(ids)
        values = indicators.values(keys, ids, on) if rows else {k: {} for k in keys}
        quota = quota_by_institution(ids, on)
        done = evaluations_done(ids, on.year)
        groups, total = _grouped(place, rows, (quota, values, registered, done, {}))
        return rows, groups, total

    rows, groups, total = _cached(("dashboard", _sql(ids), on, tuple(keys)), compute)
    groups, total = copy.deepcopy((groups, total))
    pending = requests_pending(ids)
    if pending:
        by_key = {g.key: g for g in groups}
        for row in rows:
            n = pending.get(row.id)
            if n:
                by_key[_group_key(place, row)].requests_pending += n
                total.requests_pending += n
    return Dashboard(place, on, total, groups, registered)


def _group_key(place: Place, row: _Row) -> Any:
    if place.level == "city":
        return row.district_code
    if place.level == "district":
        return row.sponsor_id
    return row.id


def _grouped(place: Place, rows: list[_Row], args: tuple) -> tuple[list[Summary], Summary]:
    grouped: dict[Any, list[_Row]] = defaultdict(list)
    names: dict[Any, str] = {}
    links: dict[Any, dict[str, Any]] = {}
    for row in rows:
        key = _group_key(place, row)
        if place.level == "city":
            names[key], links[key] = region_label(key), {"district": key}
        elif place.level == "district":
            names[key], links[key] = row.sponsor_name, {"sponsor_id": key}
        else:
            names[key], links[key] = row.name, {"institution_id": key}
        grouped[key].append(row)
    groups = [
        _summarise(Summary(key, names[key], links[key]), members, *args)
        for key, members in grouped.items()
    ]
    groups.sort(key=(lambda g: g.key) if place.level == "city" else (lambda g: g.name))
    return groups, _summarise(Summary(None, ""), rows, *args)


# --------------------------------------------------------------------------- evaluations


def rounds() -> list[EvaluationRound]:
    return list(
        db.session.scalars(
            select(EvaluationRound).order_by(EvaluationRound.year.desc(), EvaluationRound.id.desc())
        )
    )


def round_progress(scope: Scope) -> dict[int, Counter]:
    """Return {round id: Counter(status)} over the evaluations in scope."""
    rows = db.session.execute(
        select(Evaluation.round_id, Evaluation.status, func.count())
        .where(scope.clause(Evaluation.institution_id))
        .group_by(Evaluation.round_id, Evaluation.status)
    )
    found: dict[int, Counter] = defaultdict(Counter)
    for round_id, status, n in rows:
        found[round_id][status] = n
    return found


def evaluations_in(scope: Scope, round_id: int) -> Select:
    return (
        select(Evaluation)
        .join(Institution, Institution.id == Evaluation.institution_id)
        .where(Evaluation.round_id == round_id, scope.clause(Evaluation.institution_id))
        .order_by(Institution.district_code, Institution.name)
    )


def evaluations_of(institution_id: int) -> list[Evaluation]:
    return list(
        db.session.scalars(
            select(Evaluation)
            .where(Evaluation.institution_id == institution_id)
            .order_by(Evaluation.id.desc())
        ).unique()
    )


def get_evaluation_or_404(institution: Institution, evaluation_id: int) -> Evaluation:
    found = db.session.scalar(
        select(Evaluation).where(
            Evaluation.id == evaluation_id, Evaluation.institution_id == institution.id
        )
    )
    if found is None:
        abort(404)
    return found


def latest_finalised_on(institution_id: int) -> date | None:
    return db.session.scalar(
        select(func.max(Evaluation.finalised_on)).where(
            Evaluation.institution_id == institution_id,
            Evaluation.status == EvaluationStatus.FINALISED.value,
        )
    )


def latest_finalised(institution_id: int) -> Evaluation | None:
    return db.session.scalar(
        select(Evaluation)
        .where(
            Evaluation.institution_id == institution_id,
            Evaluation.status == EvaluationStatus.FINALISED.value,
        )
        .order_by(Evaluation.finalised_on.desc(), Evaluation.id.desc())
        .limit(1)
    )


# --------------------------------------------------------------------------- requests

REQUEST_SORTS = {
    "created_at": QuotaRequest.created_at,
    "institution": Institution.name,
    "status": QuotaRequest.status,
}


def requests(scope: Scope, place: Place, status: str | None = None) -> Select:
    stmt = (
        select(QuotaRequest)
        .join(Institution, Institution.id == QuotaRequest.institution_id)
        .where(scope.clause(Institution.id), place.clause())
    )
    if status:
        stmt = stmt.where(QuotaRequest.status == status)
    return stmt


def requests_of(institution_id: int) -> list[QuotaRequest]:
    return list(
        db.session.scalars(
            select(QuotaRequest)
            .where(QuotaRequest.institution_id == institution_id)
            .order_by(QuotaRequest.id.desc())
        ).unique()
    )


def get_request_or_404(institution: Institution, request_id: int) -> QuotaRequest:
    found = db.session.scalar(
        select(QuotaRequest).where(
            QuotaRequest.id == request_id, QuotaRequest.institution_id == institution.id
        )
    )
    if found is None:
        abort(404)
    return found


def request_entries(request_id: int) -> list[QuotaEntry]:
    return list(
        db.session.scalars(
            select(QuotaEntry)
            .where(QuotaEntry.request_id == request_id)
            .order_by(QuotaEntry.effective_on, QuotaEntry.id)
        )
    )


def executed_reduction(request_id: int) -> int:
    """Return the places the request's reductions took off the ledger (reversals netted)."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(QuotaEntry.change), 0)).where(
            QuotaEntry.request_id == request_id, QuotaEntry.change < 0
        )
    )
    reversed_back = db.session.scalar(
        select(func.coalesce(func.sum(QuotaEntry.change), 0)).where(
            QuotaEntry.reverses_id.in_(
                select(QuotaEntry.id).where(
                    QuotaEntry.request_id == request_id, QuotaEntry.change < 0
                )
            )
        )
    )
    return -int(total or 0) - int(reversed_back or 0)


# --------------------------------------------------------------------------- reports


def report_of(institution_id: int, year: int) -> AnnualReport | None:
    return db.session.scalar(
        select(AnnualReport).where(
            AnnualReport.institution_id == institution_id, AnnualReport.year == year
        )
    )


def standing_of(report: AnnualReport | None, year: int, on: date, deadline: date) -> Standing:
    events = [Event(Action(e.action), e.on) for e in (report.events if report else [])]
    return standing(year, events, on, deadline=deadline)


@dataclass(frozen=True)
class InstitutionRef:
    """The few facts a list line needs about an institution (no ORM object per row)."""

    id: int
    name: str
    district_code: str
    kind: str

    @property
    def district_name(self) -> str:
        return region_label(self.district_code)  # for pages; Excel files use region_name


@dataclass
class ReportLine:
    institution: InstitutionRef
    report_id: int | None
    standing: Standing


def report_lines(
    scope: Scope,
    place: Place,
    year: int,
    on: date,
    deadline: date,
    status: str | None = None,
    *,
    window: tuple[int, int] | None = None,
) -> list[ReportLine]:
    """Return every institution in scope with where its report on ``year`` stands.

    Two queries whatever the number: the institutions with their report, and the events.
    ``window`` (offset, limit) reads one page of institutions only (without ``status``).
    """
    ids = in_scope(scope, place)
    if window is not None:
        offset, limit = window
        ids = (
            ids.order_by(Institution.district_code, Institution.name, Institution.id)
            .offset(offset)
            .limit(limit)
        )
        ids = select(ids.subquery().c.id)
    rows = db.session.execute(
        select(
            Institution.id,
            Institution.name,
            Institution.district_code,
            Institution.kind,
            AnnualReport.id,
        )
        .outerjoin(
            AnnualReport,
            and_(AnnualReport.institution_id == Institution.id, AnnualReport.year == year),
        )
        .where(Institution.id.in_(ids.scalar_subquery()))
        .order_by(Institution.district_code, Institution.name, Institution.id)
    ).all()
    events: dict[int, list[Event]] = defaultdict(list)
    if any(row[4] for row in rows):
        for report_id, action, day in db.session.execute(
            select(AnnualReportEvent.report_id, AnnualReportEvent.action, AnnualReportEvent.on)
            .join(AnnualReport, AnnualReport.id == AnnualReportEvent.report_id)
            .where(
                AnnualReport.year == year,
                AnnualReport.institution_id.in_(ids.scalar_subquery()),
            )
            .order_by(AnnualReportEvent.id)
        ):
            events[report_id].append(Event(Action(action), day))
    lines = []
    for institution_id, name, district, kind, report_id in rows:
        found = standing(year, events.get(report_id, []), on, deadline=deadline)
        if status and found.status.value != status:
            continue
        lines.append(
            ReportLine(InstitutionRef(institution_id, name, district, kind), report_id, found)
        )
    return lines


# --------------------------------------------------------------------------- API clients


def api_clients() -> list[ApiClient]:
    return list(db.session.scalars(select(ApiClient).order_by(ApiClient.id.desc())))


def sponsor_names() -> dict[int, str]:
    return dict(db.session.execute(select(Sponsor.id, Sponsor.name)).all())
