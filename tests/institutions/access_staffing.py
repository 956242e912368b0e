"""Who may use the staffing office's routes and the open API (merged into the matrix).

Objects are made for the institution the matrix names; the ones that must belong together
(an evaluation and its function) are kept on the world so one request's URL agrees.
"""

from __future__ import annotations

from datetime import date

from core import files
from core.extensions import db
from core.ids import china_today
from institutions.models import QuotaEntry
from institutions.staffing import operations as ops
from institutions.staffing.models import AnnualReport, AnnualReportEvent, QuotaRequest
from tests.access import CITY, HR_READ, Access

OVERVIEW = CITY | {"sponsor"}
VIEW = OVERVIEW | {"institution_admin"}
FILE = frozenset({"superuser", "institution_admin"})
FILE_OR_MANAGE = FILE | CITY
NOBODY: frozenset[str] = frozenset()
POST = ("POST",)

ACCESS = {
    "staffing.index": Access(VIEW),
    "staffing.dashboard": Access(OVERVIEW),
    "staffing.dashboard_export": Access(OVERVIEW),
    "staffing.institution_page": Access(VIEW),
    "staffing.ledger": Access(OVERVIEW),
    "staffing.ledger_export": Access(OVERVIEW),
    "staffing.entries": Access(OVERVIEW),
    "staffing.entries_export": Access(OVERVIEW, POST),
    "staffing.pool": Access(OVERVIEW),
    "staffing.pool_export": Access(OVERVIEW),
    "staffing.evaluations": Access(OVERVIEW),
    "staffing.round_new": Access(CITY, POST),
    "staffing.evaluation_round": Access(OVERVIEW, check="perm"),
    "staffing.evaluation_round_export": Access(OVERVIEW, check="perm"),
    "staffing.evaluation": Access(VIEW),
    "staffing.function_new": Access(FILE_OR_MANAGE, POST),
    "staffing.function_delete": Access(FILE, POST),
    "staffing.function_adjust": Access(CITY, POST),
    "staffing.evaluation_figures": Access(FILE, POST),
    "staffing.evaluation_submit": Access(FILE, POST),
    "staffing.evaluation_return": Access(CITY, POST),
    "staffing.evaluation_finalise": Access(CITY, POST),
    "staffing.requests_index": Access(OVERVIEW),
    "staffing.requests_export": Access(OVERVIEW),
    "staffing.request_new": Access(FILE, ("GET", "POST")),
    "staffing.request_detail": Access(VIEW),
    "staffing.request_cleanup": Access(FILE, POST),
    "staffing.request_submit": Access(FILE, POST),
    "staffing.request_reduce": Access(CITY, POST),
    "staffing.request_approve": Access(CITY, POST),
    "staffing.request_reject": Access(CITY, POST),
    "staffing.reports_index": Access(OVERVIEW),
    "staffing.reports_export": Access(OVERVIEW),
    "staffing.report": Access(VIEW),
    "staffing.report_print": Access(VIEW),
    "staffing.report_save": Access(FILE, POST),
    "staffing.report_submit": Access(FILE, POST),
    "staffing.report_accept": Access(CITY, POST),
    "staffing.report_return": Access(CITY, POST),
    "staffing.clients": Access(CITY),
    "staffing.client_new": Access(CITY, POST),
    "staffing.client_revoke": Access(CITY, POST, check="perm"),
    # The per-institution ledger: a wrong entry is reversed, its document downloaded.
    "institutions.quota_reverse": Access(CITY, POST),
    "institutions.quota_document": Access(HR_READ),
    # The open API answers tokens, never the session; its document is public.
    "api-docs.openapi_json": Access(NOBODY, public=True),
    "api.institutions": Access(NOBODY, token=True),
    "api.institution": Access(NOBODY, token=True),
    "api.quota": Access(NOBODY, token=True),
    "api.quota_entries": Access(NOBODY, token=True),
    "api.indicator_list": Access(NOBODY, token=True),
    "api.indicator_values": Access(NOBODY, token=True),
    "api.evaluations": Access(NOBODY, token=True),
    "api.reports": Access(NOBODY, token=True),
    "api_not_found": Access(NOBODY, ("GET", "POST", "PUT", "PATCH", "DELETE"), token=True),
}


def _cache(world, institution) -> dict:
    store = world.__dict__.setdefault("_staffing", {})
    return store.setdefault(institution.id, {})


def _evaluation(world, institution):
    found = _cache(world, institution)
    if "evaluation" not in found:
        round_ = ops.open_round(
            {"name": "矩阵评估", "year": 2026, "district_code": institution.district_code}
        )
        from sqlalchemy import select

        from institutions.staffing.models import Evaluation

        evaluation = db.session.scalar(
            select(Evaluation).where(
                Evaluation.round_id == round_.id, Evaluation.institution_id == institution.id
            )
        )
        found["round"] = round_
        found["evaluation"] = evaluation
        found["function"] = ops.save_function(
            evaluation,
            {
                "name": "测试职能",
                "workload": 3,
                "frequency": 3,
                "importance": 3,
                "risk": 3,
                "staff": "1",
            },
        )
        # Kept (to the matrix's own savepoint) when a refused request rolls back.
        db.session.commit()
    return found


def _request(world, institution) -> int:
    request = QuotaRequest(
        institution_id=institution.id,
        kind="establishment",
        number=1,
        reason="矩阵测试",
        weakened_functions=[],
    )
    db.session.add(request)
    db.session.commit()
    return request.id


def _year(world, institution) -> int:
    year = china_today().year - 1
    report = AnnualReport(institution_id=institution.id, year=year, content={"activities": "x"})
    db.session.add(report)
    db.session.add(AnnualReportEvent(report=report, action="submit", on=date(year + 1, 3, 1)))
    db.session.commit()
    return year


def _entry(world, institution) -> int:
    stored = files.store(b"%PDF-1.4 test", "批文.pdf", purpose="quota.document")
    entry = QuotaEntry(
        institution_id=institution.id,
        kind="establishment",
        change=5,
        document_number="成编发〔2020〕3号",
        effective_on=date(2020, 1, 1),
        document_file_id=stored.id,
    )
    db.session.add(entry)
    db.session.commit()
    return entry.id


def _client(world, institution) -> int:
    client, _token = ops.issue_token({"name": "矩阵客户端"})
    db.session.commit()
    return client.id


ARGS = {
    "round_id": lambda world, institution: _evaluation(world, institution)["round"].id,
    "evaluation_id": lambda world, institution: _evaluation(world, institution)["evaluation"].id,
    "function_id": lambda world, institution: _evaluation(world, institution)["function"].id,
    "request_id": _request,
    "year": _year,
    "entry_id": _entry,
    "client_id": _client,
    "rest": lambda world, institution: "no-such-resource",
}
