"""Time the 人员花名册 export against writing the same rows with XlsxWriter alone.

Usage: python bench/roster_export.py [--rows 100000] [--runs 3] [--db PATH] [--seed S]

Seeds --rows roster rows into one institution (through the roster import, as
bench/roster_import.py does; with --db the SQLite file is kept and reused when it exists),
then measures in the same process:
  (a) our export path, as the roster export page runs it: ``export_rows`` (the staff list's
      query, post and 薪级 in force, payroll's money columns) into
      ``core.excel.write_workbook_to`` (a temporary file, XlsxWriter constant_memory,
      formula-escaped text, styled header, formats, autofilter);
  (b) the floor: the same rows, already in memory as value lists, written with plain
      XlsxWriter in constant_memory mode (typed write_* calls, the same number formats).
Prints the median wall and CPU seconds of --runs runs of each, the ratios a/b (target
<= 1.5) and the file sizes. On a shared machine the CPU ratio is the steadier figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import xlsxwriter  # noqa: E402

from bench.roster_import import (  # noqa: E402
    end_to_end,
    generate,
    institution_codes,
    make_app,
    prepare,
)


def seed(app, rows: int, seed_value: int, tmp: str) -> None:
    """Import ``rows`` roster rows into one institution."""
    from core.extensions import db

    codes = institution_codes(1, seed_value)
    path = os.path.join(tmp, "roster.xlsx")
    counts = generate(path, rows, codes, seed_value)
    with app.app_context():
        prepare(codes, counts)
        db.session.remove()
        written, _steps = end_to_end(path)
        assert written == rows, (written, rows)
        db.session.remove()


def our_export(path: str, institution_id: int) -> int:
    """Run the roster export page's path into ``path``; return the rows written."""
    from hr.roster.excel import ROSTER_SPEC
    from hr.roster.queries import export_rows

    rows = export_rows(institution_ids=[institution_id], mask_ids=False, full_id=True)
    try:
        from core.excel import write_workbook_to
    except ImportError:  # before the streaming helper: what the page did then
        from core.excel import write_workbook

        counted = [0]

        def counting():
            for row in rows:
                counted[0] += 1
                yield row

        write_workbook(path, ROSTER_SPEC, counting())
        return counted[0]
    return write_workbook_to(path, ROSTER_SPEC, rows)


def plain_rows(institution_id: int) -> tuple[list[str], list[list[object]]]:
    """Return the headers and the same rows as value lists (outside the timing)."""
    from hr.roster.excel import ROSTER_SPEC
    from hr.roster.queries import export_rows

    fields = [c.field for c in ROSTER_SPEC.columns]
    rows = [
        [row.get(f) for f in fields]
        for row in export_rows(institution_ids=[institution_id], mask_ids=False, full_id=True)
    ]
    return [c.header for c in ROSTER_SPEC.columns], rows


def plain_export(path: str, headers: list[str], rows: list[list[object]]) -> int:
    """Write the rows with XlsxWriter alone, constant_memory, typed writes."""
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet("人员花名册")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    money_format = workbook.add_format({"num_format": "#,##0.00"})
    write_string, write_number = sheet.write_string, sheet.write_number
    write_datetime = sheet.write_datetime
    for col, header in enumerate(headers):
        write_string(0, col, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                write_string(r, c, value)
            elif isinstance(value, dt.date):
                write_datetime(r, c, value, date_format)
            elif isinstance(value, Decimal):
                write_number(r, c, float(value), money_format)
            else:
                write_number(r, c, value)
    workbook.close()
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--db", help="SQLite file to keep the seeded roster in (reused)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(args.db).resolve() if args.db else Path(tmp) / "bench.db"
        fresh = not db_path.exists()
        app = make_app(f"sqlite:///{db_path}", Path(tmp) / "instance")
        if fresh:
            start = time.perf_counter()
            seed(app, args.rows, args.seed, tmp)
            print(f"seeded {args.rows} rows in {time.perf_counter() - start:.1f} s")
        with app.app_context():
            from sqlalchemy import func, select

            from core.extensions import db
            from hr.models import Employment

            institution_id, count = db.session.execute(
                select(Employment.institution_id, func.count())
                .group_by(Employment.institution_id)
                .order_by(func.count().desc())
                .limit(1)
            ).one()
            headers, rows = plain_rows(institution_id)
            assert len(rows) == count
            a_times, b_times, a_cpu, b_cpu = [], [], [], []
            for run in range(args.runs):
                a_path = os.path.join(tmp, f"ours-{run}.xlsx")
                b_path = os.path.join(tmp, f"plain-{run}.xlsx")
                start, cpu = time.perf_counter(), time.process_time()
                assert our_export(a_path, institution_id) == count
                a_times.append(time.perf_counter() - start)
                a_cpu.append(time.process_time() - cpu)
                db.session.remove()
                start, cpu = time.perf_counter(), time.process_time()
                plain_export(b_path, headers, rows)
                b_times.append(time.perf_counter() - start)
                b_cpu.append(time.process_time() - cpu)
                print(
                    f"run {run + 1}: (a) {a_times[-1]:.2f} s ({a_cpu[-1]:.2f} s CPU), "
                    f"(b) {b_times[-1]:.2f} s ({b_cpu[-1]:.2f} s CPU), "
                    f"ratio {a_times[-1] / b_times[-1]:.2f} (CPU {a_cpu[-1] / b_cpu[-1]:.2f})"
                )
            sizes = os.path.getsize(a_path) / 2**20, os.path.getsize(b_path) / 2**20

    a_time, b_time = statistics.median(a_times), statistics.median(b_times)
    a_proc, b_proc = statistics.median(a_cpu), statistics.median(b_cpu)
    print(f"rows: {count}, runs: {args.runs} (medians; CPU = this process's CPU time)")
    print(
        f"(a) export_rows + write_workbook_to (our path): {a_time:6.2f} s, CPU {a_proc:6.2f} s,"
        f" {sizes[0]:.1f} MiB"
    )
    print(
        f"(b) plain xlsxwriter constant_memory:          {b_time:6.2f} s, CPU {b_proc:6.2f} s,"
        f" {sizes[1]:.1f} MiB"
    )
    ratio, cpu_ratio = a_time / b_time, a_proc / b_proc
    verdict = "met" if max(ratio, cpu_ratio) <= 1.5 else "NOT met"
    print(f"ratio a/b: {ratio:.2f} wall, {cpu_ratio:.2f} CPU (target <= 1.50: {verdict})")


if __name__ == "__main__":
    main()
