"""Time computing a month of payroll against a bulk insert of the same pay lines.

Usage: python bench/payroll_run.py [--staff 20000] [--repeat 3] [--database-url URL]
                                   [--profile FILE]

Builds its own data (one institution with --staff people, through ``seed_scale``), computes
and locks January, then times (a) computing February — every person's lines from HR's
records, the pay settings, the dated parameters and the cumulative tax folded from January —
and (b) a bulk insert of the same lines with ``core.bulk.insert_columns``, in the same run.
Prints both, the ratio a/b and lines per second; with --repeat N (default 3) both are done N
times (February's lines deleted in between) and the best time of each counts, since on a shared
machine other work only ever adds time. SQLite by default (a temporary file);
PostgreSQL with --database-url postgresql+psycopg://... (a database it may empty).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def make_app(database_url: str, instance: Path):
    from flask_migrate import upgrade

    from core.app import create_app
    from core.config import Config

    class BenchConfig(Config):
        def __init__(self) -> None:
            super().__init__(instance)
            self.SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(BenchConfig())
    with app.app_context():
        upgrade()
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--staff", type=int, default=20000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="compute and insert this many times; the best counts"
    )
    parser.add_argument("--database-url")
    parser.add_argument(
        "--profile", metavar="FILE", help="write a cProfile of computing February to FILE"
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    if url.startswith("postgresql"):
        from sqlalchemy import create_engine, text

        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = make_app(url, tmp)
    with app.app_context():
        from sqlalchemy import delete, select

        from core.bulk import insert_columns
        from core.extensions import db
        from hr.seed.scale import seed_scale
        from institutions.models import Institution
        from payroll.runs import operations as ops
        from payroll.runs.models import PayRun, PayRunLine
        from payroll.runs.states import RunStatus

        started = time.perf_counter()
        seed_scale(1, args.staff, 1, echo=lambda _: None)
        db.session.commit()
        print(
            f"data: {args.staff} staff in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})"
        )
        institution = db.session.scalar(select(Institution))
        january = ops.create_run(institution, "2026-01", None)
        ops.compute_run(january, None)
        january.status = RunStatus.APPROVED.value  # the basis of February's cumulative tax
        db.session.commit()
        february = ops.create_run(institution, "2026-02", None)
        db.session.commit()

        table = PayRunLine.__table__
        names = [c.name for c in table.columns if c.name != "id"]
        compute_times, insert_times = [], []
        for attempt in range(args.repeat):
            if attempt:  # the same month from scratch again: no lines, a draft run
                db.session.execute(delete(PayRunLine).where(PayRunLine.run_id == february.id))
                february.status = RunStatus.DRAFT.value
                db.session.commit()
            profiler = None
            if args.profile and attempt == 0:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            start, start_cpu = time.perf_counter(), time.process_time()
            ops.compute_run(february, None)
            db.session.commit()
            compute_times.append((time.perf_counter() - start, time.process_time() - start_cpu))
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(args.profile)
            lines = february.line_count

            rows = db.session.execute(
                select(*[table.c[n] for n in names]).where(table.c.run_id == february.id)
            ).all()
            columns = {name: [row[i] for row in rows] for i, name in enumerate(names)}
            db.session.execute(delete(PayRunLine).where(PayRunLine.run_id == february.id))
            db.session.commit()
            start, start_cpu = time.perf_counter(), time.process_time()
            insert_columns(PayRunLine, columns)
            db.session.commit()
            insert_times.append((time.perf_counter() - start, time.process_time() - start_cpu))
            assert db.session.get(PayRun, february.id) is not None
        # the best of the attempts (a shared machine only ever adds time)
        compute_seconds = min(t for t, _ in compute_times)
        compute_cpu = min(c for _, c in compute_times)
        insert_seconds = min(t for t, _ in insert_times)
        insert_cpu = min(c for _, c in insert_times)
        if args.repeat > 1:
            print(
                f"best of {args.repeat}: compute {[round(t, 2) for t, _ in compute_times]} s,"
                f" insert {[round(t, 2) for t, _ in insert_times]} s"
            )
        print(
            f"compute February ({lines} lines, cumulative from January): {compute_seconds:.2f} s"
            f" ({lines / compute_seconds:,.0f} lines/s; CPU {compute_cpu:.2f} s)"
        )
        print(
            f"bulk insert of the same lines: {insert_seconds:.2f} s"
            f" ({lines / insert_seconds:,.0f} lines/s; CPU {insert_cpu:.2f} s)"
        )
        print(
            f"ratio compute / insert: {compute_seconds / insert_seconds:.2f}"
            f" (CPU {compute_cpu / insert_cpu:.2f})"
        )


if __name__ == "__main__":
    main()
