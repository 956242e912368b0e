"""Time the 工资表 export against writing the same rows with XlsxWriter alone.

Usage: python bench/payroll_export.py [--staff 100000] [--runs 3] [--database-url URL]
                                      [--profile FILE]

Builds its own data: one institution with --staff people (``seed_scale``, as
bench/payroll_run.py does) and a computed run for 2026-01 (one line per person). Then
measures in the same process:
  (a) our export path, as the run's export route (``?kind=payroll``) runs it:
      ``payroll.runs.excel.workbook_for(run, "payroll")`` (the run's lines by department,
      subtotal rows, the totals row) into ``core.excel.write_workbook_to`` (a temporary file,
      XlsxWriter constant_memory, formula-escaped text, styled header, formats, frozen
      columns, autofilter, bold subtotals and totals);
  (b) the floor: the same rows (lines, subtotals, totals), already in memory as value lists,
      written with plain XlsxWriter in constant_memory mode (typed write_* calls, the money
      format).
Prints medians of wall and CPU seconds, the ratio a/b (target <= 1.5) and the process's peak
RSS during (a) (VmHWM reset before each run through /proc/self/clear_refs; target < 1 GiB).
SQLite by default (a temporary file); PostgreSQL with --database-url (a database it empties).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import xlsxwriter  # noqa: E402

from bench.payroll_import import reset_database, seed_run  # noqa: E402
from bench.roster_import import _rss_now, _status_kib, make_app  # noqa: E402


def our_export(path: str, run_id: int) -> int:
    """Run the export route's path for the 工资表 into ``path``; return the rows written."""
    from core.excel import write_workbook_to
    from core.extensions import db
    from payroll.excel_specs import frozen_columns
    from payroll.runs import excel
    from payroll.runs.models import PayRun

    run = db.session.get(PayRun, run_id)
    spec, rows, total, _stem = excel.workbook_for(run, "payroll")
    return write_workbook_to(path, spec, rows, totals=total, freeze_columns=frozen_columns(spec))


def fresh_process_export(url: str, instance: str, run_id: int, path: str):
    """In a fresh (spawned) interpreter: create the app, then run (a) once; return
    (seconds, CPU seconds, the process's peak RSS in MiB, its RSS before (a) in MiB)."""
    app = make_app(url, Path(instance))
    with app.app_context():
        gc.collect()
        before, _reset = _rss_now()
        start, cpu = time.perf_counter(), time.process_time()
        our_export(path, run_id)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return seconds, cpu, _status_kib("VmHWM") / 1024, before / 2**20


def plain_rows(run_id: int) -> tuple[list[str], list[list[object]]]:
    """Return the headers and the same rows (subtotals and totals too) as value lists."""
    from core.extensions import db
    from payroll.runs import excel
    from payroll.runs.models import PayRun

    run = db.session.get(PayRun, run_id)
    spec, rows, total, _stem = excel.workbook_for(run, "payroll")
    fields = [c.field for c in spec.columns]
    values = [[row.get(f) for f in fields] for row in rows]
    values.append([total.get(f) for f in fields])
    return [c.header for c in spec.columns], values


def plain_export(path: str, headers: list[str], rows: list[list[object]]) -> int:
    """Write the rows with XlsxWriter alone, constant_memory, typed writes."""
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet("工资表")
    money_format = workbook.add_format({"num_format": "#,##0.00"})
    write_string, write_number = sheet.write_string, sheet.write_number
    for col, header in enumerate(headers):
        write_string(0, col, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                write_string(r, c, value)
            elif isinstance(value, Decimal):
                write_number(r, c, float(value), money_format)
            else:
                write_number(r, c, value)
    workbook.close()
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", help="use this database (emptied) instead of SQLite")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the first (a) into FILE")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        reset_database(url)
        app = make_app(url, Path(tmp) / "instance")
        with app.app_context():
            from core.extensions import db
            from payroll.runs import operations as ops

            start = time.perf_counter()
            run = seed_run(args.staff)
            ops.compute_run(run, None)
            db.session.commit()
            run_id, lines = run.id, run.line_count
            print(f"seeded and computed {lines} lines in {time.perf_counter() - start:.1f} s")
            db.session.remove()
            headers, rows = plain_rows(run_id)
            db.session.remove()

            a_times, b_times, a_cpu, b_cpu, a_peaks, a_growth = [], [], [], [], [], []
            for attempt in range(args.runs):
                a_path = os.path.join(tmp, f"ours-{attempt}.xlsx")
                b_path = os.path.join(tmp, f"plain-{attempt}.xlsx")
                gc.collect()
                before, reset = _rss_now()
                profiler = None
                if args.profile and attempt == 0:
                    import cProfile

                    profiler = cProfile.Profile()
                    profiler.enable()
                start, cpu = time.perf_counter(), time.process_time()
                written = our_export(a_path, run_id)
                a_times.append(time.perf_counter() - start)
                a_cpu.append(time.process_time() - cpu)
                if profiler is not None:
                    profiler.disable()
                    profiler.dump_stats(args.profile)
                peak = _status_kib("VmHWM") * 1024 if reset else before
                a_peaks.append(peak / 2**20)
                a_before = before / 2**20
                a_growth.append(max(peak - before, 0) / 2**20)
                assert written == len(rows) - 1, (written, len(rows))  # totals row not counted
                db.session.remove()
                start, cpu = time.perf_counter(), time.process_time()
                plain_export(b_path, headers, rows)
                b_times.append(time.perf_counter() - start)
                b_cpu.append(time.process_time() - cpu)
                print(
                    f"run {attempt + 1}: (a) {a_times[-1]:.2f} s ({a_cpu[-1]:.2f} s CPU, "
                    f"peak RSS {a_peaks[-1]:.0f} MiB), (b) {b_times[-1]:.2f} s "
                    f"({b_cpu[-1]:.2f} s CPU), ratio {a_times[-1] / b_times[-1]:.2f} "
                    f"(CPU {a_cpu[-1] / b_cpu[-1]:.2f})"
                )
            sizes = os.path.getsize(a_path) / 2**20, os.path.getsize(b_path) / 2**20
            db.engine.dispose()
            # the memory target: (a) alone in a fresh process, as a web or job worker runs it
            # (this process still holds the seeding's and the floor's memory)
            import multiprocessing

            with multiprocessing.get_context("spawn").Pool(1) as pool:
                fresh = pool.apply(
                    fresh_process_export,
                    (url, os.path.join(tmp, "instance-fresh"), run_id, a_path),
                )

    a_time, b_time = statistics.median(a_times), statistics.median(b_times)
    a_proc, b_proc = statistics.median(a_cpu), statistics.median(b_cpu)
    print(f"lines: {lines}, rows written: {len(rows)} (with subtotals and totals), runs: {args.runs}")
    print(
        f"(a) workbook_for + write_workbook_to (our path): {a_time:6.2f} s, CPU {a_proc:6.2f} s,"
        f" {sizes[0]:.1f} MiB"
    )
    print(
        f"(b) plain xlsxwriter constant_memory:            {b_time:6.2f} s, CPU {b_proc:6.2f} s,"
        f" {sizes[1]:.1f} MiB"
    )
    ratio, cpu_ratio = a_time / b_time, a_proc / b_proc
    verdict = "met" if max(ratio, cpu_ratio) <= 1.5 else "NOT met"
    print(f"ratio a/b: {ratio:.2f} wall, {cpu_ratio:.2f} CPU (target <= 1.50: {verdict})")
    print(
        f"in this process: RSS before (a) {a_before:.0f} MiB (seeding, computing and (b)'s"
        f" rows), peak during (a) {max(a_peaks):.0f} MiB, growth {max(a_growth):.0f} MiB"
    )
    seconds, cpu, peak, before = fresh
    print(
        f"(a) in a fresh process: {seconds:.2f} s, CPU {cpu:.2f} s; peak RSS {peak:.0f} MiB"
        f" (app loaded: {before:.0f} MiB; target < 1024 MiB: {'met' if peak < 1024 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
