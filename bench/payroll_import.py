"""Time the 月度工资 import end to end against pandas+calamine parsing the same file.

Usage: python bench/payroll_import.py [--staff 100000] [--runs 3] [--database-url URL]
                                      [--seed S] [--profile FILE]

Builds its own data: one institution with --staff people (``seed_scale``, as
bench/payroll_run.py does) and an open run for 2026-01. Writes the 月度工资 workbook the way
the run's template download does (``MONTHLY_PAY_SPEC`` through ``write_workbook_to``, one row
per employment active in the period: 单位代码, 工号, 姓名), filled as a finance office fills
it (绩效, 津贴补贴 for everyone, some 其他应发 / 其他扣款 / 住房公积金; 岗位工资, 薪级工资 and
most deductions left blank to be computed). Then measures in the same process:
  (a) pd.read_excel(engine="calamine", dtype=str): parsing only, the floor;
  (b) the one import path as the page's import and a job run it (core.imports:
      read_and_check with MONTHLY_IMPORTER, then write_checked, commit): parse, validate
      every cell, match every row to an active employment and its name, replace the run's
      imported amounts through core.bulk, mark the run stale, audit, commit.
Importing is idempotent, so (b) is repeated on the same run. Prints medians of wall and CPU
seconds, rows/s, the ratio b/a (target <= 2) and peak RSS growth (VmHWM reset per run).
SQLite by default (a temporary file); PostgreSQL with --database-url (a database it empties).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from bench.roster_import import CPU, make_app, measure  # noqa: E402

PERIOD = "2026-01"


def reset_database(url: str) -> None:
    """Empty a PostgreSQL database (SQLite files are fresh anyway)."""
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def seed_run(staff: int):
    """Seed one institution with ``staff`` people and open the period's run; return it."""
    from sqlalchemy import select

    from core.extensions import db
    from hr.seed.scale import seed_scale
    from institutions.models import Institution
    from payroll.runs import operations as ops

    seed_scale(1, staff, 1, echo=lambda _: None)
    db.session.commit()
    institution = db.session.scalar(select(Institution))
    run = ops.create_run(institution, PERIOD, None)
    db.session.commit()
    return run


def money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 100, high * 100)) / 100


def generate(path: str, run, seed: int) -> int:
    """Write the 月度工资 workbook for ``run`` as the template download writes it, filled in;
    return the data rows."""
    from sqlalchemy import or_, select

    from core.excel import write_workbook_to
    from core.extensions import db
    from hr.models import Employment, Person
    from payroll.excel_specs import MONTHLY_PAY_SPEC
    from payroll.runs import queries

    rng = random.Random(seed)
    start, end = queries.period_bounds(run.year, run.month)
    code = run.institution.credit_code

    def rows():
        # the template's rows (queries.active_employments), names joined in one query
        active = db.session.execute(
            select(Employment.staff_number, Person.name)
            .join(Person, Person.id == Employment.person_id)
            .where(
                Employment.institution_id == run.institution_id,
                Employment.start_on <= end,
                or_(Employment.end_on.is_(None), Employment.end_on >= start),
            )
            .order_by(Employment.staff_number, Employment.id)
        )
        for staff_number, name in active:
            row = {
                "institution_code": code,
                "staff_number": staff_number,
                "name": name,
                "basic_performance": money(rng, 1500, 4000),
                "reward_performance": money(rng, 500, 3000),
                "allowances": money(rng, 300, 1500),
            }
            if rng.random() < 0.2:
                row["other_pay"] = money(rng, 100, 800)
            if rng.random() < 0.1:
                row["other_deductions"] = money(rng, 10, 200)
            if rng.random() < 0.3:
                row["housing_fund"] = money(rng, 300, 1500)  # the centre's figure
            yield row

    return write_workbook_to(path, MONTHLY_PAY_SPEC, rows())


def end_to_end(path: str, run_id: int, institution_id: int) -> tuple[int, dict[str, float]]:
    """Import the workbook through the one import path, as the page's import (confirmed) and
    a job do: read and check, write the checked plan, commit; return (rows, seconds per step)."""
    from core.extensions import db
    from core.imports import ImportContext, read_and_check, write_checked
    from payroll.runs.imports import MONTHLY_IMPORTER

    steps: dict[str, float] = {}
    context = ImportContext(
        institution_id=institution_id, options={"run_id": run_id}, confirming=True
    )
    start = time.perf_counter()
    checked = read_and_check(MONTHLY_IMPORTER, path, context)
    steps["read_and_check"] = time.perf_counter() - start
    assert checked.ok, [str(e) for e in checked.errors[:5]]
    mark = time.perf_counter()
    write_checked(MONTHLY_IMPORTER, checked, context)
    steps["write"] = time.perf_counter() - mark
    mark = time.perf_counter()
    db.session.commit()
    steps["commit"] = time.perf_counter() - mark
    return len(checked.plan.amounts), steps


def main() -> None:
    """Seed, generate the workbook, time (a) and (b), print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", help="use this database (emptied) instead of SQLite")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the first (b) into FILE")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        reset_database(url)
        app = make_app(url, Path(tmp) / "instance")
        path = os.path.join(tmp, "monthly.xlsx")
        with app.app_context():
            from core.extensions import db

            start = time.perf_counter()
            run = seed_run(args.staff)
            run_id, institution_id = run.id, run.institution_id
            print(f"seeded {args.staff} staff in {time.perf_counter() - start:.1f} s")
            start = time.perf_counter()
            rows = generate(path, run, args.seed)
            size = os.path.getsize(path) / 2**20
            print(
                f"generated {rows} rows in {time.perf_counter() - start:.1f} s "
                f"({size:.1f} MiB); runs={args.runs}"
            )
            db.session.remove()

            a_times, a_mems, b_times, b_mems, all_steps = [], [], [], [], []
            for attempt in range(args.runs):
                seconds, mem, frame = measure(
                    lambda: pd.read_excel(path, engine="calamine", dtype=str)
                )
                nrows = len(frame)
                del frame
                a_times.append(seconds)
                a_mems.append(mem)

                profiler = None
                if args.profile and attempt == 0:
                    import cProfile

                    profiler = cProfile.Profile()
                    profiler.enable()
                seconds, mem, (written, steps) = measure(
                    lambda: end_to_end(path, run_id, institution_id)
                )
                if profiler is not None:
                    profiler.disable()
                    profiler.dump_stats(args.profile)
                assert written == nrows == rows, (written, nrows, rows)
                db.session.remove()
                b_times.append(seconds)
                b_mems.append(mem)
                all_steps.append(steps)
                print(
                    f"run {attempt + 1}: (a) {a_times[-1]:.2f} s, (b) {seconds:.2f} s "
                    + " ".join(f"{k}={v:.2f}" for k, v in steps.items())
                )
            db.engine.dispose()

    a_time, b_time = statistics.median(a_times), statistics.median(b_times)
    print(f"{'':52} {'seconds':>8} {'rows/s':>10} {'peak RSS +MiB':>14}")
    for label, secs, mem in (
        ("(a) pandas calamine dtype=str (parse only)", a_time, max(a_mems)),
        ("(b) read + check + import + commit (end to end)", b_time, max(b_mems)),
    ):
        print(f"{label:52} {secs:8.2f} {nrows / secs:10,.0f} {mem:14.0f}")
    steps = {k: statistics.median(s[k] for s in all_steps) for k in all_steps[0]}
    print("(b) by step (median s): " + ", ".join(f"{k} {v:.2f}" for k, v in steps.items()))
    ratio = b_time / a_time
    a_cpu, b_cpu = statistics.median(CPU[0::2]), statistics.median(CPU[1::2])
    verdict = "met" if max(ratio, b_cpu / a_cpu) <= 2 else "NOT met"
    print(f"ratio b/a: {ratio:.2f} wall, {b_cpu / a_cpu:.2f} CPU (target <= 2.00: {verdict})")
    print(f"CPU seconds (median): (a) {a_cpu:.2f}, (b) {b_cpu:.2f}")
    print("memory: growth of the process peak RSS (VmHWM reset per run), not tracemalloc")


if __name__ == "__main__":
    main()
