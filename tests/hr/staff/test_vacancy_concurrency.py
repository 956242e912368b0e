"""Real threads on either database: hires into the last vacancy cannot both pass.

Entry-form hires and roster imports race for one 编制 place left; exactly one lands, the
others are refused with the quota's numbers (严禁超编进人).

Runs on a database of its own (tests/pg.py: race_app), SQLite in the SQLite pass and
PostgreSQL in the PostgreSQL pass: threads must commit, which the suite's per-test
rollback cannot undo. On SQLite a writer holds the write lock from the start of its
transaction (core/sqlite.py), so racers queue; on PostgreSQL the operation's own lock decides.
"""

from __future__ import annotations

import io
import threading
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from core.excel import read_workbook
from core.extensions import db
from core.ids import china_today, make_citizen_id
from hr.models import Employment, Identity
from hr.roster.checks import plan_roster
from hr.roster.excel import ROSTER_SPEC
from hr.roster.operations import import_roster
from hr.staff.headcount import vacancy
from hr.staff.operations import StaffError, enter_employment
from institutions.models import Institution
from tests.factories import add_quota, create_employment, create_institution
from tests.pg import DATABASES, race_app

FORM_HIRES = 6
IMPORTS = 3
APPROVED = 4


@pytest.fixture(params=DATABASES)
def race_db(request, tmp_path):
    with race_app(
        request.param,
        "hr_concurrency",
        tmp_path,
        pool_size=FORM_HIRES + IMPORTS + 5,
        max_overflow=5,
    ) as app:
        yield app


def _roster(code: str, n: int) -> bytes:
    headers = [c.header for c in ROSTER_SPEC.columns]
    row = {
        "单位代码": code,
        "工号": f"IMP{n}",
        "姓名": f"导入{n}",
        "身份证号": make_citizen_id("510107", date(1980, 1, n + 1), 300 + n, True),
        "人员身份": "事业编制",
        "岗位类别": "专业技术",
        "岗位等级": "10",
        "薪级": 12,
        "入职日期": "2020-09-01",
    }
    wb = openpyxl.Workbook()
    wb.active.append(headers)
    wb.active.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_the_last_vacancy_goes_to_exactly_one_hire(race_db):
    with race_db.app_context():
        institution = create_institution(name="最后一个编制")
        add_quota(institution, "establishment", APPROVED)
        for n in range(APPROVED - 1):
            create_employment(
                institution, identity=Identity.ESTABLISHMENT.value, staff_number=f"OLD{n}"
            )
        db.session.commit()
        institution_id, code = institution.id, institution.credit_code
        db.session.remove()

    barrier = threading.Barrier(FORM_HIRES + IMPORTS)
    lock = threading.Lock()
    landed: list[str] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def form_hire(n: int):
        # Start together, then load and hire in one transaction, as a request would (on
        # SQLite that transaction holds the write lock from its start, so hires queue).
        barrier.wait()
        institution = db.session.get(Institution, institution_id)
        data = {
            "citizen_id": make_citizen_id("510107", date(1990, 1, n + 1), n, False),
            "name": f"新人{n}",
            "staff_number": f"NEW{n}",
            "identity": Identity.ESTABLISHMENT.value,
            "start_on": date(2024, 9, 1),
            "salary_step": 10,
        }
        try:
            enter_employment(institution, data)
            db.session.commit()
        except StaffError as refusal:
            db.session.rollback()
            with lock:
                refused.append(str(refusal.errors["identity"]))
            return
        with lock:
            landed.append(f"form {n}")

    def roster_import(n: int):
        content = _roster(code, n)
        barrier.wait()
        result = read_workbook(content, ROSTER_SPEC)
        problems, plan = plan_roster(result.rows)
        if problems:
            db.session.rollback()
            with lock:
                refused.extend(str(p) for p in problems)
            return
        import_roster(plan)
        db.session.commit()
        with lock:
            landed.append(f"import {n}")

    def thread(work, n: int) -> threading.Thread:
        def run():
            try:
                with race_db.app_context():
                    try:
                        work(n)
                    finally:
                        db.session.remove()
            except BaseException as error:  # noqa: BLE001 - reported by the test below
                with lock:
                    errors.append(error)

        return threading.Thread(target=run)

    threads = [thread(form_hire, n) for n in range(FORM_HIRES)]
    threads += [thread(roster_import, n) for n in range(IMPORTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread hung (lock never released?)"

    assert errors == []
    assert len(landed) == 1, landed
    assert len(refused) == FORM_HIRES + IMPORTS - 1
    assert all("事业编制已满" in reason and "严禁超编进人" in reason for reason in refused)
    with race_db.app_context():
        on_establishment = db.session.scalar(
            select(func.count()).where(
                Employment.institution_id == institution_id,
                Employment.identity == Identity.ESTABLISHMENT.value,
            )
        )
        assert on_establishment == APPROVED
        place = vacancy(institution_id, Identity.ESTABLISHMENT, china_today())
        assert (place.approved, place.occupied, place.vacant) == (APPROVED, APPROVED, 0)
        db.session.remove()
