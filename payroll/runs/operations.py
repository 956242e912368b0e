"""Writes of payroll runs: create, compute, override, submit, approve or return, pay, delete.

Operations add and flush; the request, the job or the CLI command commits once. Every step
leaves an audit event; a refused step raises :class:`core.errors.Refusal` with a message id.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from typing import Any

from flask import url_for
from sqlalchemy import delete, select

from core import audit
from core.errors import Refusal
from core.extensions import db
from core.i18n import msg
from core.jobs import encode_message
from core.models import utcnow
from core.notifications import notify
from core.parameters import parameter
from hr.models import Employment, Person
from payroll import compute, inputs
from payroll.amounts import ZERO
from payroll.params import PayrollParams
from payroll.queries import bonus_merged
from payroll.runs import ledger, queries
from payroll.runs.models import RUN_TOTALS, PayRun, PayRunAmount, PayRunLine
from payroll.runs.states import (
    RunKind,
    RunStatus,
    compute_refusal,
    decide_refusal,
    delete_refusal,
    edit_refusal,
    parse_period,
    pay_refusal,
    submit_refusal,
)
from payroll.tax import months_employed

#: Runs with more people than this compute as a background job with progress.
JOB_THRESHOLD = 50
#: Item labels for messages and pages (the 月度工资 headers).
ITEM_LABELS = {
    "post_wage": "岗位工资",
    "step_wage": "薪级工资",
    "basic_performance": "基础性绩效",
    "reward_performance": "奖励性绩效",
    "allowances": "津贴补贴",
    "other_pay": "其他应发",
    "bonus": "全年一次性奖金",
    "pension": "养老保险",
    "annuity": "职业年金",
    "medical": "医疗保险",
    "unemployment": "失业保险",
    "housing_fund": "住房公积金",
    "special_additional": "专项附加扣除",
    "other_deductions": "其他扣款",
}


def _plain(value: Any) -> Any:
    if type(value) is Decimal:
        return str(value)
    if value is None or type(value) in (str, int, bool):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _refuse(message) -> None:
    raise Refusal(message)


def _locked(run: PayRun) -> PayRun:
    """Re-read the run under a row lock (PostgreSQL; SQLite writers already queue), so two
    officers deciding the same run at once act one after the other on its latest state."""
    if db.session.get_bind().dialect.name != "sqlite":
        db.session.execute(select(PayRun.id).where(PayRun.id == run.id).with_for_update())
        db.session.refresh(run)
    return run


# --------------------------------------------------------------------------- create


def create_run(
    institution: Any,
    period: str,
    actor: Any,
    *,
    kind: str = RunKind.REGULAR.value,
    corrects_period: str | None = None,
    reason: str | None = None,
) -> PayRun:
    """Open a run for an institution's period (a correction run names the period it corrects)."""
    parsed = parse_period(period)
    if parsed is None:
        _refuse(msg("期间须为 YYYY-MM 格式，如 2026-11"))
    period = f"{parsed[0]:04d}-{parsed[1]:02d}"
    if kind == RunKind.REGULAR:
        exists = db.session.scalar(
            select(PayRun.id).where(
                PayRun.institution_id == institution.id,
                PayRun.period == period,
                PayRun.kind == RunKind.REGULAR.value,
            )
        )
        if exists:
            _refuse(msg("%(period)s 的月度工资批次已经存在", period=period))
        corrects_period = None
    elif kind == RunKind.CORRECTION:
        corrected = parse_period(corrects_period or "")
        if corrected is None:
            _refuse(msg("请填写要更正的期间（YYYY-MM）"))
        corrects_period = f"{corrected[0]:04d}-{corrected[1]:02d}"
        if corrects_period >= period:
            _refuse(msg("更正批次只能更正它之前的期间"))
        if corrected[0] != parsed[0]:
            _refuse(msg("更正批次须与被更正的期间在同一纳税年度"))
        if not (reason or "").strip():
            _refuse(msg("请填写更正原因"))
        if not _locked_lines_exist(institution.id, corrects_period):
            _refuse(msg("%(period)s 没有已审核的工资批次可以更正", period=corrects_period))
    else:
        _refuse(msg("未知的批次类型"))
    run = PayRun(
        institution_id=institution.id,
        period=period,
        kind=kind,
        corrects_period=corrects_period,
        reason=(reason or "").strip() or None,
        status=RunStatus.DRAFT.value,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(run)
    db.session.flush()
    audit.record(
        "payroll.run.create",
        run,
        institution_id=institution.id,
        summary=f"{period} {RunKind(kind).label}",
        changes={"period": [None, period], "kind": [None, kind]},
        actor=actor,
    )
    return run


def _locked_lines_exist(institution_id: int, period: str) -> bool:
    from payroll.runs.states import LOCKED

    return (
        db.session.scalar(
            select(PayRun.id).where(
                PayRun.institution_id == institution_id,
                PayRun.period == period,
                PayRun.status.in_(LOCKED),
            )
        )
        is not None
    )


# --------------------------------------------------------------------------- compute


def needs_job(run: PayRun) -> bool:
    """Return whether computing ``run`` is large enough to run as a background job."""
    year, month = run.year, run.month
    start, end = queries.period_bounds(year, month)
    return len(queries.staff_of(run.institution_id, start, end)) > JOB_THRESHOLD


def params_for(year: int, month: int) -> PayrollParams:
    """Return the parameters in force on the first day of the month."""
    start = date(year, month, 1)
    return PayrollParams.from_lookup(lambda key: parameter(key, start))


def _profiles(
    institution_id: int, staff: list[queries.Staff], start: date, end: date
) -> dict[int, tuple[compute.PayProfile, queries.Settings | None]]:
    """Return {employment id: (PayProfile, settings)} as of the period.

    HR's post and 薪级 in force on the first day of the month (for someone hired during the
    month, on the last day); payroll's own money settings in force on the first day.
    """
    posts = queries.posts_on(institution_id, start)
    steps = queries.steps_on(institution_id, start)
    late_posts = late_steps = None
    settings = queries.settings_of(institution_id, start)
    merged = bonus_merged([person.id for person in staff], start.year)
    found = {}
    for person in staff:
        post = posts.get(person.id)
        if post is None:
            late_posts = (
                late_posts if late_posts is not None else queries.posts_on(institution_id, end)
            )
            post = late_posts.get(person.id)
        step = steps.get(person.id)
        if step is None:
            late_steps = (
                late_steps if late_steps is not None else queries.steps_on(institution_id, end)
            )
            step = late_steps.get(person.id)
        kept = settings.get(person.id)
        profile = compute.PayProfile(
            category=post[0] if post else None,
            grade=post[1] if post else None,
            step=step,
            contribution_base=kept.contribution_base if kept else None,
            fund_base=kept.fund_base if kept else None,
            fund_rate=kept.fund_rate if kept else None,
            annuity=bool(kept.has_occupational_annuity) if kept else False,
            first_job_this_year=bool(kept.is_first_job_this_year) if kept else False,
            low_income=bool(kept.has_prior_year_low_income) if kept else False,
            merge_bonus=person.id in merged,
            bank_account=person.bank_account,
        )
        found[person.id] = (profile, kept)
    return found


def _given(run: PayRun, employment_ids: list[int]) -> tuple[dict[int, ledger.Given], Any]:
    """Return {employment id: the amounts given for it} and what other modules provided."""
    provided = inputs.collect(run.institution_id, run.period)
    imported: dict[int, dict[str, Decimal]] = defaultdict(dict)
    overrides: dict[int, dict[str, tuple[Decimal, str | None]]] = defaultdict(dict)
    for amount in queries.amounts_of(run.id):
        if amount.source == "override":
            overrides[amount.employment_id][amount.item] = (amount.amount, amount.reason)
        else:
            imported[amount.employment_id][amount.item] = amount.amount
    found = {}
    for employment_id in employment_ids:
        from_modules = {
            ledger.PROVIDER_ITEMS[item]: value
            for item, value in provided.amounts.get(employment_id, {}).items()
            if item in ledger.PROVIDER_ITEMS
        }
        found[employment_id] = ledger.Given(
            from_modules, imported.get(employment_id, {}), overrides.get(employment_id, {})
        )
    return found, provided


def _run_columns(run: PayRun) -> dict[str, Any]:
    """Return the columns every line of ``run`` shares (read once, not once per line)."""
    return {
        "run_id": run.id,
        "institution_id": run.institution_id,
        "year": run.year,
        "month": run.month,
    }


def _line_values(
    run_columns: Mapping[str, Any],
    employment: queries.Staff,
    line: compute.PayLine,
    given: ledger.Given,
    profile: compute.PayProfile,
    months: int,
    sources: Mapping[str, list[str]],
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    values, detail = line.columns()
    problems = [
        {"code": p.code, "severity": p.severity.value, "message": encode_message(p.message)}
        for p in line.problems
    ]
    chosen = given.chosen()
    detail.update(
        items=ledger.items_to_json(line.items),
        sources={item: source for item, (_, source) in chosen.items()},
        overrides={item: reason for item, (_, reason) in given.overrides.items()},
        provided_by={item: list(found) for item, found in sources.items()},
        given_amounts={item: str(amount) for item, (amount, _) in chosen.items()},
        months_employed=months,
        profile={
            "category": profile.category,
            "grade": profile.grade,
            "step": profile.step,
            "contribution_base": _plain(profile.contribution_base),
            "fund_base": _plain(profile.fund_base),
            "fund_rate": _plain(profile.fund_rate),
            "annuity": profile.annuity,
            "first_job_this_year": profile.first_job_this_year,
            "low_income": profile.low_income,
        },
        **(extra or {}),
    )
    values.update(run_columns)
    values.update(
        employment_id=employment.id,
        person_id=employment.person_id,
        staff_number=employment.staff_number,
        name=employment.name,
        department=employment.department,
        bank_account=employment.bank_account,
        tax_record=ledger.record_to_json(line.record),
        detail=detail,
        problems=problems,
        problem_count=len(problems),
        is_blocked=line.blocking,
    )
    return values


def compute_run(
    run: PayRun, actor: Any, progress: Callable[[int, int], None] | None = None
) -> PayRun:
    """Compute every line of a run from HR's records as of the period, the pay settings,
    the parameters of the period, the amounts given and the year to date; replace the
    run's lines and totals. A recompute keeps every override and imported amount."""
    _locked(run)
    refusal = compute_refusal(run.status)
    if refusal is not None:
        _refuse(refusal)
    earlier = queries.blocking_runs(run)
    if earlier:
        _refuse(
            msg(
                "须先审核本年度之前的工资批次（%(periods)s），才能计算本批次：个税按累计预扣法以它们为基础",
                periods="、".join(sorted({r.period for r in earlier})),
            )
        )
    later = queries.later_runs(run)
    if later:
        _refuse(
            msg(
                "本年度之后的工资批次（%(periods)s）已经计算，不能再计算本批次；请删除它们或用更正批次",
                periods="、".join(sorted({r.period for r in later})),
            )
        )
    with _collector_paused():
        if run.kind == RunKind.CORRECTION:
            rows = _correction_rows(run, progress)
        else:
            rows = _regular_rows(run, progress)
        before = run.status
        _store_lines(run, rows)
    for name in RUN_TOTALS:
        setattr(run, name, sum((row[name] for row in rows), ZERO))
    run.line_count = len(rows)
    run.problem_count = sum(1 for row in rows if row["problem_count"])
    run.blocking_count = sum(1 for row in rows if row["is_blocked"])
    run.status = RunStatus.COMPUTED.value
    run.computed_by_id = getattr(actor, "id", None)
    run.computed_at = utcnow()
    run.return_reason = None if before != RunStatus.RETURNED else run.return_reason
    db.session.flush()
    audit.record(
        "payroll.run.compute",
        run,
        institution_id=run.institution_id,
        summary=f"{run.period}",
        changes={
            "status": [before, run.status],
            "line_count": [None, run.line_count],
            "gross": [None, str(run.gross)],
            "net_pay": [None, str(run.net_pay)],
        },
        actor=actor,
    )
    return run


def _store_lines(run: PayRun, rows: list[dict[str, Any]]) -> None:
    """Write a computation's lines: a person's line keeps its id from one computation of
    the run to the next (updated in place, by employment), so that whatever links to it —
    a page, a notice, an audit entry — still finds it; a person no longer paid loses theirs,
    a new one gets one. A first computation is one bulk insert."""
    from core.bulk import insert_columns

    existing = dict(
        db.session.execute(
            select(PayRunLine.employment_id, PayRunLine.id).where(PayRunLine.run_id == run.id)
        ).all()
    )
    fresh = [row for row in rows if row["employment_id"] not in existing]
    kept = [row for row in rows if row["employment_id"] in existing]
    gone = set(existing) - {row["employment_id"] for row in kept}
    if kept:
        _update_lines([{**row, "id": existing[row["employment_id"]]} for row in kept])
    if fresh:
        names = tuple(fresh[0])
        # rows to columns at C speed: one tuple per row, then transposed
        values = zip(*map(itemgetter(*names), fresh), strict=True)
        insert_columns(PayRunLine, dict(zip(names, map(list, values), strict=True)))
    if gone:  # after the inserts: SQLite would hand a deleted highest id to the next row
        db.session.execute(
            delete(PayRunLine).where(
                PayRunLine.run_id == run.id,
                PayRunLine.id.in_(sorted(existing[e] for e in gone)),
            )
        )


def _update_lines(rows: list[dict[str, Any]], chunk: int = 2000) -> None:
    """UPDATE lines by id, every computed column, in executemany chunks on the session's
    connection (one statement, the driver batches it)."""
    from sqlalchemy import bindparam, update

    table = PayRunLine.__table__
    names = [name for name in rows[0] if name not in ("id", "run_id", "employment_id")]
    statement = (
        update(table)
        .where(table.c.id == bindparam("_id"))
        .values({name: bindparam(f"_{name}", type_=table.c[name].type) for name in names})
    )
    connection = db.session.connection()
    for offset in range(0, len(rows), chunk):
        connection.execute(
            statement,
            [
                {"_id": row["id"], **{f"_{name}": row[name] for name in names}}
                for row in rows[offset : offset + chunk]
            ],
        )
    # the ORM may hold lines read before: let them reload what was written
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, PayRunLine):
            db.session.expire(obj)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a run's lines are built and written.

    A run allocates millions of small acyclic objects (Decimals, dicts, frozen dataclasses)
    that reference counting frees; with the collector on, its full passes over the growing
    heap cost about a third of a 20,000-person computation. It is switched back on (if it
    was on) however the computation ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _regular_rows(run: PayRun, progress: Callable[[int, int], None] | None) -> list[dict[str, Any]]:
    year, month = run.year, run.month
    start, end = queries.period_bounds(year, month)
    employments = queries.staff_of(run.institution_id, start, end)
    total = len(employments)
    if progress:
        progress(0, total)
    params = params_for(year, month)
    profiles = _profiles(run.institution_id, employments, start, end)
    given, provided = _given(run, [e.id for e in employments])
    basis = queries.basis_records(run, [e.person_id for e in employments])
    shared = _run_columns(run)
    rows = []
    for index, employment in enumerate(employments, 1):
        profile, kept = profiles[employment.id]
        months = months_employed(year, month, employment.start_on, employment.end_on)
        ytd = ledger.year_to_date(year, basis.get(employment.person_id, []))
        standing = ledger.standing_additional(kept.special_deductions if kept else None)
        pay_inputs = ledger.pay_inputs(given[employment.id], standing)
        line = compute.compute_line(
            pay_inputs, profile, params, year=year, month=month, months_employed=months, ytd=ytd
        )
        if kept is None:
            line = compute.PayLine(
                line.items,
                line.tax,
                (*line.problems, _missing_settings()),
            )
        rows.append(
            _line_values(
                shared,
                employment,
                line,
                given[employment.id],
                profile,
                months,
                provided.sources.get(employment.id, {}),
            )
        )
        if progress and index % 500 == 0:
            progress(index, total)
    if progress:
        progress(total, total)
    return rows


def _missing_settings():
    from payroll.problems import error

    return error(
        "missing_pay_settings", msg("没有工资设置（缴费基数、公积金等），请先在工资设置中填写")
    )


def _correction_rows(
    run: PayRun, progress: Callable[[int, int], None] | None
) -> list[dict[str, Any]]:
    """Lines of a correction run: the past month recomputed with its own parameters, HR's
    records as of that month and the correction's amounts, less what was paid for it; the
    difference is paid and taxed in the correction's period. People with no difference
    get no line."""
    old_year, old_month = (int(part) for part in run.corrects_period.split("-"))
    start, end = queries.period_bounds(old_year, old_month)
    paid = _paid_lines(run.institution_id, run.corrects_period)
    employment_ids = sorted(paid)
    employments = queries.staff_of(run.institution_id, start, end, employment_ids)
    total = len(employments)
    if progress:
        progress(0, total)
    old_params = params_for(old_year, old_month)
    params = params_for(run.year, run.month)
    profiles = _profiles(run.institution_id, employments, start, end)
    now_profiles = _profiles(
        run.institution_id, employments, *queries.period_bounds(run.year, run.month)
    )
    corrections, provided = _given(run, employment_ids)
    basis = queries.basis_records(run, [e.person_id for e in employments])
    shared = _run_columns(run)
    rows = []
    for index, employment in enumerate(employments, 1):
        lines = paid[employment.id]
        profile, kept = profiles[employment.id]
        original_given = _given_of(lines[0])
        mine = corrections[employment.id]
        merged = ledger.Given(
            original_given.provided,
            {**original_given.imported, **mine.imported},
            {**original_given.overrides, **mine.overrides},
        )
        standing = ledger.standing_additional(kept.special_deductions if kept else None)
        original = ledger.sum_items(
            [ledger.items_from_json(line.detail["items"]) for line in lines]
        )
        corrected = compute.resolve_items(ledger.pay_inputs(merged, standing), profile, old_params)
        diff = compute.difference(corrected, original)
        if all(
            not getattr(diff, name)
            if not hasattr(getattr(diff, name), "total")
            else not any(getattr(diff, name).as_dict().values())
            for name in ledger._ITEM_FIELDS
        ):
            continue
        now_profile = now_profiles[employment.id][0]
        months = months_employed(run.year, run.month, employment.start_on, employment.end_on)
        months = max(months, 1)
        ytd = ledger.year_to_date(run.year, basis.get(employment.person_id, []))
        line = compute.correction_line(
            original,
            corrected,
            now_profile,
            params,
            year=run.year,
            month=run.month,
            months_employed=min(months, run.month),
            ytd=ytd,
        )
        rows.append(
            _line_values(
                shared,
                employment,
                line,
                mine,
                now_profile,
                months,
                provided.sources.get(employment.id, {}),
                extra={"corrects_period": run.corrects_period},
            )
        )
        if progress and index % 500 == 0:
            progress(index, total)
    if progress:
        progress(total, total)
    return rows


def _paid_lines(institution_id: int, period: str) -> dict[int, list[PayRunLine]]:
    """Return {employment id: the locked lines paid for ``period``: its regular run and its
    earlier corrections}, in payment order."""
    from payroll.runs.states import LOCKED

    found: dict[int, list[PayRunLine]] = defaultdict(list)
    corrections = select(PayRun.id).where(
        PayRun.institution_id == institution_id,
        PayRun.corrects_period == period,
        PayRun.status.in_(LOCKED),
    )
    regular = select(PayRun.id).where(
        PayRun.institution_id == institution_id,
        PayRun.period == period,
        PayRun.kind == RunKind.REGULAR.value,
        PayRun.status.in_(LOCKED),
    )
    lines = db.session.scalars(
        select(PayRunLine)
        .where(PayRunLine.run_id.in_(regular.union(corrections)))
        .order_by(PayRunLine.run_id)
    )
    for line in lines:
        found[line.employment_id].append(line)
    return found


def _given_of(line: PayRunLine) -> ledger.Given:
    """Return the amounts a stored line was computed with, by source."""
    detail = line.detail or {}
    amounts = {item: Decimal(value) for item, value in detail.get("given_amounts", {}).items()}
    sources = detail.get("sources", {})
    reasons = detail.get("overrides", {})
    return ledger.Given(
        {i: a for i, a in amounts.items() if sources.get(i) == "provided"},
        {i: a for i, a in amounts.items() if sources.get(i) == "import"},
        {i: (a, reasons.get(i)) for i, a in amounts.items() if sources.get(i) == "override"},
    )


# --------------------------------------------------------------------------- overrides


def _stale(run: PayRun) -> None:
    """An input changed: the lines no longer match until the run is computed again."""
    if run.status in (RunStatus.COMPUTED.value, RunStatus.RETURNED.value):
        run.status = RunStatus.DRAFT.value


def set_override(
    run: PayRun, employment_id: int, item: str, amount: Any, reason: str, actor: Any
) -> PayRunAmount:
    """Set one item of one person in an open run by hand, with a reason."""
    _locked(run)
    refusal = edit_refusal(run.status)
    if refusal is not None:
        _refuse(refusal)
    if item not in ledger.ITEMS:
        _refuse(msg("未知的工资项目"))
    if not (reason or "").strip():
        raise Refusal(msg("请填写调整原因"), field="reason")
    try:
        value = Decimal(str(amount)).quantize(ZERO)
    except (InvalidOperation, ValueError):
        raise Refusal(msg("金额须为数字"), field="amount") from None
    if value < 0 and run.kind != RunKind.CORRECTION:
        raise Refusal(msg("金额不能为负数"), field="amount")
    employment = db.session.get(Employment, employment_id)
    if employment is None or employment.institution_id != run.institution_id:
        _refuse(msg("该人员不属于本单位"))
    found = db.session.scalar(
        select(PayRunAmount).where(
            PayRunAmount.run_id == run.id,
            PayRunAmount.employment_id == employment_id,
            PayRunAmount.item == item,
            PayRunAmount.source == "override",
        )
    )
    before = str(found.amount) if found else None
    if found is None:
        found = PayRunAmount(
            run_id=run.id, employment_id=employment_id, item=item, source="override"
        )
        db.session.add(found)
    found.amount = value
    found.reason = reason.strip()[:255]
    found.created_by_id = getattr(actor, "id", None)
    _stale(run)
    db.session.flush()
    audit.record(
        "payroll.run.override",
        run,
        institution_id=run.institution_id,
        summary=f"{run.period} {employment.staff_number} {ITEM_LABELS[item]}：{found.reason}",
        changes={item: [before, str(value)]},
        actor=actor,
    )
    return found


def clear_override(run: PayRun, employment_id: int, item: str, actor: Any) -> None:
    """Remove a hand-set item; the next computation takes the file's or the computed amount."""
    _locked(run)
    refusal = edit_refusal(run.status)
    if refusal is not None:
        _refuse(refusal)
    found = db.session.scalar(
        select(PayRunAmount).where(
            PayRunAmount.run_id == run.id,
            PayRunAmount.employment_id == employment_id,
            PayRunAmount.item == item,
            PayRunAmount.source == "override",
        )
    )
    if found is None:
        _refuse(msg("没有这项手工调整"))
    before = str(found.amount)
    db.session.delete(found)
    _stale(run)
    db.session.flush()
    audit.record(
        "payroll.run.override_clear",
        run,
        institution_id=run.institution_id,
        summary=f"{run.period} {ITEM_LABELS.get(item, item)}",
        changes={item: [before, None]},
        actor=actor,
    )


def replace_imported(
    run: PayRun,
    amounts: Mapping[int, Mapping[str, Decimal]],
    actor: Any,
    *,
    filename: str | None = None,
    source: str = "import",
) -> int:
    """Replace every amount imported for an open run with ``amounts`` ({employment id:
    {item: amount}}); importing the same file again changes nothing (idempotent). Return how
    many amounts the run now has from the file."""
    _locked(run)
    refusal = edit_refusal(run.status)
    if refusal is not None:
        _refuse(refusal)
    db.session.execute(
        delete(PayRunAmount).where(PayRunAmount.run_id == run.id, PayRunAmount.source == source)
    )
    allowed = ledger.DECLARED_ITEMS if source == "declared" else ledger.ITEMS
    rows = [
        (employment_id, item, amount)
        for employment_id, items in amounts.items()
        for item, amount in items.items()
        if item in allowed
    ]
    if rows:
        from core.bulk import insert_columns

        now = utcnow()
        insert_columns(
            PayRunAmount,
            {
                "employment_id": [r[0] for r in rows],
                "item": [r[1] for r in rows],
                "amount": [r[2] for r in rows],
            },
            run_id=run.id,
            source=source,
            created_by_id=getattr(actor, "id", None),
            created_at=now,
            updated_at=now,
        )
    _stale(run)
    db.session.flush()
    audit.record(
        "payroll.run.import" if source == "import" else "payroll.run.import_declared",
        run,
        institution_id=run.institution_id,
        summary=f"{run.period} {filename or ''}".strip(),
        changes={"people": [None, len(amounts)], "amounts": [None, len(rows)]},
        actor=actor,
    )
    return len(rows)


# --------------------------------------------------------------------------- four eyes


def _link(run: PayRun) -> str | None:
    try:
        return url_for("payroll.run", institution_id=run.institution_id, run_id=run.id)
    except RuntimeError:  # no request (CLI): no link
        return None


def submit_run(run: PayRun, actor: Any) -> PayRun:
    """Hand a computed run to another finance officer for approval, and tell them."""
    _locked(run)
    refusal = submit_refusal(run.status, run.blocking_count, run.line_count)
    if refusal is not None:
        _refuse(refusal)
    before = run.status
    run.status = RunStatus.SUBMITTED.value
    run.submitted_by_id = getattr(actor, "id", None)
    run.submitted_at = utcnow()
    run.return_reason = None
    db.session.flush()
    audit.record(
        "payroll.run.submit",
        run,
        institution_id=run.institution_id,
        summary=run.period,
        changes={"status": [before, run.status]},
        actor=actor,
    )
    approvers = queries.finance_users(
        run.institution_id, excluding=(run.computed_by_id, run.submitted_by_id)
    )
    notify(
        approvers,
        msg(
            "工资批次待审核：%(institution)s %(period)s",
            institution=run.institution.name,
            period=run.period,
        ),
        msg(
            "%(actor)s 提交了 %(period)s 的工资批次（%(count)d 人，实发合计 %(net)s），请审核。",
            actor=getattr(actor, "full_name", "") or getattr(actor, "username", ""),
            period=run.period,
            count=run.line_count,
            net=run.net_pay,
        ),
        link=_link(run),
        institution_id=run.institution_id,
    )
    return run


def approve_run(run: PayRun, actor: Any) -> PayRun:
    """Approve a submitted run (never by who prepared it); it is then locked, and its
    payslips are published to the employees."""
    _locked(run)
    refusal = decide_refusal(
        run.status, getattr(actor, "id", None), run.computed_by_id, run.submitted_by_id
    )
    if refusal is not None:
        _refuse(refusal)
    if run.blocking_count:
        _refuse(msg("还有 %(n)d 人的问题须先解决", n=run.blocking_count))
    run.status = RunStatus.APPROVED.value
    run.decided_by_id = actor.id
    run.decided_at = utcnow()
    db.session.flush()
    audit.record(
        "payroll.run.approve",
        run,
        institution_id=run.institution_id,
        summary=run.period,
        changes={"status": [RunStatus.SUBMITTED.value, run.status]},
        actor=actor,
    )
    preparers = [u for u in (run.computed_by, run.submitted_by) if u is not None]
    notify(
        preparers,
        msg(
            "工资批次已审核：%(institution)s %(period)s",
            institution=run.institution.name,
            period=run.period,
        ),
        None,
        link=_link(run),
        institution_id=run.institution_id,
    )
    publish_payslips(run)
    return run


def publish_payslips(run: PayRun) -> int:
    """Tell each employee of an approved run that their payslip is ready (once per run)."""
    if run.published_at is not None or run.status not in (
        RunStatus.APPROVED.value,
        RunStatus.PAID.value,
    ):
        return 0
    from core.auth.models import User

    users = db.session.scalars(
        select(User)
        .join(Person, Person.user_id == User.id)
        .join(PayRunLine, PayRunLine.person_id == Person.id)
        .where(PayRunLine.run_id == run.id, User.is_active.is_(True))
    ).unique()
    try:
        link = url_for("payroll.my_payslips")
    except RuntimeError:
        link = None
    sent = notify(
        list(users),
        msg("工资条：%(period)s", period=run.period),
        msg(
            "%(institution)s %(period)s 的工资条已发布。",
            institution=run.institution.name,
            period=run.period,
        ),
        link=link,
        institution_id=run.institution_id,
    )
    run.published_at = utcnow()
    db.session.flush()
    return len(sent)


def return_run(run: PayRun, actor: Any, reason: str) -> PayRun:
    """Send a submitted run back to its preparer with a reason."""
    _locked(run)
    refusal = decide_refusal(
        run.status, getattr(actor, "id", None), run.computed_by_id, run.submitted_by_id
    )
    if refusal is not None:
        _refuse(refusal)
    if not (reason or "").strip():
        raise Refusal(msg("请填写退回原因"), field="reason")
    run.status = RunStatus.RETURNED.value
    run.decided_by_id = actor.id
    run.decided_at = utcnow()
    run.return_reason = reason.strip()[:255]
    db.session.flush()
    audit.record(
        "payroll.run.return",
        run,
        institution_id=run.institution_id,
        summary=f"{run.period}：{run.return_reason}",
        changes={"status": [RunStatus.SUBMITTED.value, run.status]},
        actor=actor,
    )
    preparers = [u for u in (run.computed_by, run.submitted_by) if u is not None]
    notify(
        preparers,
        msg(
            "工资批次被退回：%(institution)s %(period)s",
            institution=run.institution.name,
            period=run.period,
        ),
        run.return_reason,
        link=_link(run),
        institution_id=run.institution_id,
    )
    return run


def mark_paid(run: PayRun, actor: Any) -> PayRun:
    """Record that an approved run's pay went out."""
    _locked(run)
    refusal = pay_refusal(run.status)
    if refusal is not None:
        _refuse(refusal)
    run.status = RunStatus.PAID.value
    run.paid_at = utcnow()
    db.session.flush()
    audit.record(
        "payroll.run.pay",
        run,
        institution_id=run.institution_id,
        summary=run.period,
        changes={"status": [RunStatus.APPROVED.value, run.status]},
        actor=actor,
    )
    return run


def delete_run(run: PayRun, actor: Any) -> None:
    """Delete a run never submitted, with its lines and amounts."""
    _locked(run)
    refusal = delete_refusal(run.status)
    if refusal is not None:
        _refuse(refusal)
    audit.record(
        "payroll.run.delete",
        run,
        institution_id=run.institution_id,
        summary=f"{run.period} {run.kind_enum.label}",
        changes={"status": [run.status, None]},
        actor=actor,
    )
    db.session.execute(delete(PayRunLine).where(PayRunLine.run_id == run.id))
    db.session.execute(delete(PayRunAmount).where(PayRunAmount.run_id == run.id))
    db.session.delete(run)
    db.session.flush()


# --------------------------------------------------------------------------- the job


def run_compute_job(ctx: Any) -> dict[str, Any]:
    """Background job: compute one run with progress."""
    run = db.session.get(PayRun, ctx.params["run_id"])
    if run is None:
        ctx.fail(msg("工资批次不存在"))
    try:
        compute_run(run, ctx.actor, progress=ctx.progress)
    except Refusal as refusal:
        ctx.fail([refusal.message] if hasattr(refusal, "message") else [str(refusal)])
    return {
        "summary": msg("已计算 %(period)s 的工资：%(n)d 人", period=run.period, n=run.line_count),
        "next_url": _link(run),
    }
