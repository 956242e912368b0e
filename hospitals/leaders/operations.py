"""Writes of leaders' term contracts and their assessments (add and flush; the request
commits). The rules are ``hospitals.leadership``'s; a term or an assessment that breaks one
is refused with every reason, and nothing is written."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select

from core import audit
from core.errors import Refusal
from core.extensions import db
from core.i18n import msg
from core.parameters import parameter
from hospitals import leadership as rules
from hospitals.findings import Finding, errors
from hospitals.models import LeaderAssessment, LeaderTarget, LeaderTerm
from hr.models import Employment
from institutions.models import Institution

TERM_FIELDS = ("post", "management_grade", "start_on", "end_on", "decided_by")


def leadership_rules(on: date) -> rules.LeadershipRules:
    return rules.LeadershipRules.from_value(parameter(rules.LEADERSHIP_KEY, on))


def target_lines(text: str) -> list[str]:
    """Return the targets written one per line (blank lines skipped)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def pure_term(term: LeaderTerm, extra: rules.Assessment | None = None) -> rules.LeaderTerm:
    """Return a stored term (and optionally one more assessment) as the rule's value."""
    assessments = [
        rules.Assessment(
            kind=rules.AssessmentKind(a.kind),
            held_on=a.held_on,
            result=rules.AssessmentResult(a.result),
            year=a.year,
            targets=dict(a.findings or {}),
            reason=a.reason,
        )
        for a in term.assessments
    ]
    if extra is not None:
        assessments.append(extra)
    return rules.LeaderTerm(
        person=term.employment_id,
        name=term.employment.person.name,
        post=term.post,
        start_on=term.start_on,
        end_on=term.end_on,
        management_grade=term.management_grade,
        administrative_rank=term.administrative_rank,
        targets=tuple(rules.Target(t.key, t.label) for t in term.targets),
        assessments=tuple(assessments),
    )


def history(term: LeaderTerm) -> list[rules.LeaderTerm]:
    """Return the person's other terms in the same institution, as the rule's values."""
    stmt = select(LeaderTerm).where(LeaderTerm.employment_id == term.employment_id)
    if term.id is not None:
        stmt = stmt.where(LeaderTerm.id != term.id)
    return [pure_term(other) for other in db.session.scalars(stmt)]


def findings(term: LeaderTerm, today: date) -> list[Finding]:
    """Return everything the rules say about a stored term."""
    return rules.check_term(
        pure_term(term), leadership_rules(today), today=today, history=history(term)
    )


class TermRefused(Refusal):
    """A term or assessment breaks the de-administration rules; ``problems`` lists why."""

    def __init__(self, problems: list[Finding], *, field: str | None = None) -> None:
        self.problems = problems
        super().__init__(problems[0].message, field=field)


def create_term(
    institution: Institution, employment: Employment, data: Mapping[str, Any], today: date
) -> LeaderTerm:
    """Record a leader's term contract with its targets; refuse it if it breaks a rule."""
    if employment.institution_id != institution.id:
        raise Refusal(msg("该人员不是本院职工"), field="employment_id")
    term = LeaderTerm(
        institution_id=institution.id,
        employment=employment,
        employment_id=employment.id,
        post=(data.get("post") or "").strip(),
        management_grade=data.get("management_grade"),
        administrative_rank=(data.get("administrative_rank") or "").strip() or None,
        start_on=data["start_on"],
        end_on=data["end_on"],
        decided_by=(data.get("decided_by") or "").strip() or None,
    )
    term.targets = [
        LeaderTarget(key=f"T{n}", label=label[:200])
        for n, label in enumerate(target_lines(data.get("targets") or ""), start=1)
    ]
    if not term.post:
        raise Refusal(msg("请填写领导职务"), field="post")
    problems = errors(
        rules.check_term(
            pure_term(term), leadership_rules(today), today=today, history=history(term)
        )
    )
    if problems:
        raise TermRefused(problems, field="targets")
    db.session.add(term)
    db.session.flush()
    audit.record(
        "leader_term.create",
        term,
        institution_id=institution.id,
        summary=f"{term.employment.person.name} {term.post}",
        changes=audit.diff({}, audit.snapshot(term, TERM_FIELDS)),
    )
    return term


def record_assessment(term: LeaderTerm, data: Mapping[str, Any], today: date) -> LeaderAssessment:
    """Record an annual or end-of-term assessment; refuse it if it adds a rule breach."""
    kind = rules.AssessmentKind(data["kind"])
    assessment = rules.Assessment(
        kind=kind,
        held_on=data["held_on"],
        result=rules.AssessmentResult(data["result"]),
        year=data.get("year") if kind is rules.AssessmentKind.ANNUAL else None,
        targets={k: v for k, v in (data.get("targets") or {}).items() if (v or "").strip()},
        reason=(data.get("reason") or "").strip() or None,
    )
    if assessment.held_on > today:
        raise Refusal(msg("考核日期不能晚于今天"), field="held_on")
    leadership = leadership_rules(today)
    before = {
        (f.code, f.subject)
        for f in errors(rules.check_assessments(pure_term(term), leadership, today=today))
    }
    after = errors(rules.check_assessments(pure_term(term, assessment), leadership, today=today))
    added = [f for f in after if (f.code, f.subject) not in before]
    if added:
        raise TermRefused(added, field="result")
    stored = LeaderAssessment(
        term=term,
        kind=kind.value,
        year=assessment.year,
        held_on=assessment.held_on,
        result=assessment.result.value,
        reason=assessment.reason,
        findings=dict(assessment.targets),
    )
    db.session.add(stored)
    db.session.flush()
    audit.record(
        "leader_assessment.record",
        term,
        institution_id=term.institution_id,
        summary=f"{term.employment.person.name} {kind.label} {assessment.result.label}",
    )
    return stored
