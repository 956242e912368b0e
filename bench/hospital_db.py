"""Time the hospitals database paths on a 3,000-staff hospital: the identity pay-gap report
over a year of pay records, and a performance scheme's allocation to every person.

Usage: python bench/hospital_db.py [--staff 3000] [--departments 40] [--runs 3] [--url URL]

Builds a throwaway database (SQLite file by default; ``--url`` for PostgreSQL, whose tables
must be empty), migrates it, inserts one hospital with ``--staff`` people on posts and twelve
months of pay records, then prints the median wall-clock and CPU seconds of --runs runs of
(a) ``hospitals.pay.queries.gap_report`` (read + rule) and
(b) ``hospitals.performance.operations.allocate_scheme`` (read figures + staff, allocate,
write the shares; rolled back after each run). Issue 13 asks for both under 1 s.
With ``--paid-months N`` (default 6) the last N months are paid by approved payroll runs
instead of the imported table, so the report reads both sources; it also times
(c) ``hospitals.pay.queries.pay_comparison`` (old vs new pay per person) and
(d) ``hospitals.pay.operations.confirm_summary`` (the report, stored as the yearly summary).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

IDENTITIES = ("establishment", "filed", "contract", "dispatch")


def _median(fn, runs: int) -> str:
    """Return the median wall-clock and CPU seconds of ``runs`` runs (CPU time leaves out
    waiting for a core on a shared machine)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return f"{statistics.median(wall):.3f} s wall, {statistics.median(cpu):.3f} s CPU"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=3000)
    parser.add_argument("--departments", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--url")
    parser.add_argument("--paid-months", type=int, default=6)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    os.environ["DATABASE_URL"] = args.url or f"sqlite:///{folder}/bench.db"

    from flask_migrate import upgrade
    from sqlalchemy import insert

    from core.app import create_app
    from core.extensions import db
    from core.ids import make_citizen_id, make_credit_code
    from hospitals.models import IndicatorFigure, PayRecord, PerformanceScheme, SchemeIndicator
    from hospitals.pay import operations as pay_operations
    from hospitals.pay import queries as pay_queries
    from hospitals.performance import operations
    from hr.models import Appointment, Department, Employment, Person
    from institutions.models import Institution, Sponsor
    from payroll.runs.models import LINE_ITEMS, PayRun, PayRunLine

    app = create_app()
    rng = random.Random(1)
    with app.app_context():
        upgrade()
        sponsor = Sponsor(name="基准卫健局", district_code="510107")
        db.session.add(sponsor)
        db.session.flush()
        hospital = Institution(
            credit_code=make_credit_code("510107", "80000001"),
            name="基准医院",
            kind="hospital",
            district_code="510107",
            sponsor_id=sponsor.id,
            funding_class="差额拨款",
            legal_representative="某某",
            status="active",
        )
        db.session.add(hospital)
        db.session.flush()
        departments = []
        for n in range(args.departments):
            department = Department(
                institution_id=hospital.id, name=f"科室{n:02d}", kind="clinical"
            )
            db.session.add(department)
            departments.append(department)
        db.session.flush()
        people = [
            {
                "id": n + 1,
                "citizen_id": make_citizen_id(
                    "510107",
                    date(1960 + n // 500 % 40, 1 + n % 12, 1 + n % 28),
                    n % 500,
                    n % 2 == 0,
                ),
                "name": f"职工{n}",
                "gender": "男",
                "birth_date": date(1970 + n % 30, 1 + n % 12, 1),
            }
            for n in range(args.staff)
        ]
        db.session.execute(insert(Person), people)
        employments, posts, pay, figures, lines = [], [], [], [], []
        paid_from = 13 - args.paid_months
        runs = {}
        for month in range(paid_from, 13):
            run = PayRun(institution_id=hospital.id, period=f"2025-{month:02d}", status="approved")
            db.session.add(run)
            db.session.flush()
            runs[month] = run.id
        for n in range(args.staff):
            department = departments[n % len(departments)]
            identity = rng.choice(IDENTITIES)
            grade = rng.randint(5, 13)
            employments.append(
                {
                    "id": n + 1,
                    "person_id": n + 1,
                    "institution_id": hospital.id,
                    "staff_number": f"E{n:05d}",
                    "identity": identity,
                    "department_id": department.id,
                    "start_on": date(2020, 1, 1),
                }
            )
            posts.append(
                {
                    "employment_id": n + 1,
                    "institution_id": hospital.id,
                    "category": "professional",
                    "grade": grade,
                    "post_name": "医师",
                    "start_on": date(2020, 1, 1),
                }
            )
            basic = Decimal(2600 - 80 * grade)
            if identity in ("contract", "dispatch"):
                basic = (basic * Decimal("0.85")).quantize(Decimal("0.01"))
            for month in range(1, 13):
                score = Decimal(rng.randint(80, 100))
                if month >= paid_from:
                    line = dict.fromkeys(LINE_ITEMS, Decimal(0))
                    line |= {
                        "run_id": runs[month],
                        "institution_id": hospital.id,
                        "employment_id": n + 1,
                        "person_id": n + 1,
                        "year": 2025,
                        "month": month,
                        "staff_number": f"E{n:05d}",
                        "name": f"职工{n}",
                        "post_wage": Decimal(1000 - 20 * grade),
                        "step_wage": Decimal(300 + rng.randint(0, 400)),
                        "basic_performance": basic,
                        "reward_performance": score * 15,
                        "allowances": Decimal(300),
                        "tax_record": {},
                        "detail": {},
                        "problems": [],
                    }
                    lines.append(line)
                    continue
                pay.append(
                    {
                        "institution_id": hospital.id,
                        "employment_id": n + 1,
                        "period": f"2025-{month:02d}",
                        "post_pay": Decimal(1000 - 20 * grade),
                        "scale_pay": Decimal(300 + rng.randint(0, 400)),
                        "basic_performance": basic,
                        "reward_performance": score * 15,
                        "allowances": Decimal(300),
                        "performance_score": score,
                    }
                )
        db.session.execute(insert(Employment), employments)
        db.session.execute(insert(Appointment), posts)
        if pay:
            db.session.execute(insert(PayRecord), pay)
        if lines:
            db.session.execute(insert(PayRunLine), lines)
        scheme = PerformanceScheme(
            institution_id=hospital.id, period="2025-12", pool=Decimal("6000000.00"), status="draft"
        )
        scheme.indicators = [
            SchemeIndicator(key="drg_points", weight=Decimal(60)),
            SchemeIndicator(key="nosocomial_infection_rate", weight=Decimal(40)),
        ]
        db.session.add(scheme)
        db.session.flush()
        for department in departments:
            figures.append(
                {
                    "scheme_id": scheme.id,
                    "department_id": department.id,
                    "indicator": "drg_points",
                    "value": Decimal(rng.randint(100, 5000)),
                }
            )
            figures.append(
                {
                    "scheme_id": scheme.id,
                    "department_id": department.id,
                    "indicator": "nosocomial_infection_rate",
                    "value": Decimal(rng.randint(1, 40)) / 10,
                }
            )
        for n in range(args.staff):
            figures.append(
                {
                    "scheme_id": scheme.id,
                    "department_id": departments[n % len(departments)].id,
                    "employment_id": n + 1,
                    "indicator": "drg_points",
                    "value": Decimal(rng.randint(10, 500)),
                }
            )
            figures.append(
                {
                    "scheme_id": scheme.id,
                    "department_id": departments[n % len(departments)].id,
                    "employment_id": n + 1,
                    "indicator": "nosocomial_infection_rate",
                    "value": Decimal(rng.randint(0, 40)) / 10,
                }
            )
        db.session.execute(insert(IndicatorFigure), figures)
        db.session.commit()
        hospital_id, scheme_id = hospital.id, scheme.id

        def report():
            found = pay_queries.gap_report(hospital_id, 2025, date(2026, 1, 1))
            db.session.rollback()
            return found

        def allocation():
            operations.allocate_scheme(db.session.get(PerformanceScheme, scheme_id))
            db.session.rollback()

        found = report()
        print(
            f"database: {db.engine.url.get_backend_name()}, staff {args.staff}, "
            f"imported pay records {len(pay)}, payroll run lines {len(lines)}"
        )
        print(
            f"gap_report: {_median(report, args.runs)} ({len(found.gaps)} gaps, "
            f"{len(found.cells)} cells)"
        )
        print(f"allocate_scheme: {_median(allocation, args.runs)}")

        def comparison():
            found = pay_queries.pay_comparison(hospital_id, 2025, date(2026, 1, 1))
            db.session.rollback()
            return found

        def summary():
            pay_operations.confirm_summary(
                db.session.get(Institution, hospital_id), 2025, date(2026, 1, 1)
            )
            db.session.rollback()

        print(f"pay_comparison: {_median(comparison, args.runs)} ({len(comparison()[1])} rows)")
        print(f"confirm_summary: {_median(summary, args.runs)}")


if __name__ == "__main__":
    main()
