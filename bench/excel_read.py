"""Time read_workbook against pandas+calamine on a synthetic 人员花名册 (roster) workbook.

Usage: python bench/excel_read.py [--rows 100000] [--file PATH] [--runs 3]

Prints, for (a) pd.read_excel(engine="calamine", dtype=str) parse only and (b)
core.excel.read_workbook (parse + convert + validate), the median seconds of --runs runs,
rows per second, the ratio b/a, and peak RSS growth: the process's resident set high-water
mark (VmHWM, reset before each run through /proc/self/clear_refs) minus its RSS at the
start of the run, so it counts Rust (calamine) and C allocations, not only Python objects.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402
import xlsxwriter  # noqa: E402

from core.excel import Column, Spec, read_workbook  # noqa: E402

IDENTITIES = ("事业编制", "员额", "合同制", "劳务派遣")
CATEGORIES = ("管理", "专业技术", "工勤技能")
LEVELS = tuple(str(n) for n in range(1, 14)) + ("普通工",)

SPEC = Spec(
    columns=(
        Column("单位代码", "unit_code", "code", required=True),
        Column("工号", "staff_no", "code", required=True),
        Column("姓名", "name", "text", required=True),
        Column("身份证号", "citizen_id", "code", required=True),
        Column("部门", "department", "text"),
        Column("人员身份", "identity", "choice", required=True, choices=IDENTITIES),
        Column("岗位类别", "category", "choice", required=True, choices=CATEGORIES),
        Column("岗位等级", "level", "choice", required=True, choices=LEVELS),
        Column("薪级", "grade", "int", required=True, min=1, max=65),
        Column("入职日期", "hired_on", "date", required=True),
        Column("银行账号", "bank_account", "code"),
        Column("缴费基数", "insurance_base", "money"),
        Column("公积金基数", "fund_base", "money"),
        Column("公积金比例", "fund_rate", "decimal", min=0, max=1),
    ),
    sheet_name="人员花名册",
    title="人员花名册",
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"
DEPARTMENTS = ("办公室", "人事科", "财务科", "教务处", "总务处", "内科", "外科", "护理部")


def generate(path: str, rows: int) -> None:
    """Write a roster workbook with rows synthetic people to path."""
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet(SPEC.sheet_name)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    money_format = workbook.add_format({"num_format": "#,##0.00"})
    for col, column in enumerate(SPEC.columns):
        sheet.write_string(0, col, column.header)
    base_day = dt.date(1990, 1, 1)
    for i in range(rows):
        r = i + 1
        birth = dt.date(1965, 1, 1) + dt.timedelta(days=(i * 37) % 12000)
        sheet.write_string(r, 0, f"12510100{(i // 500):09d}X")
        sheet.write_string(r, 1, f"{i:06d}")
        sheet.write_string(
            r, 2, SURNAMES[i % 20] + GIVEN[i % len(GIVEN)] + GIVEN[(i * 7) % len(GIVEN)]
        )
        sheet.write_string(r, 3, f"510104{birth:%Y%m%d}{i % 1000:03d}{i % 10}")
        if i % 5:
            sheet.write_string(r, 4, DEPARTMENTS[i % len(DEPARTMENTS)])
        sheet.write_string(r, 5, IDENTITIES[i % 4])
        sheet.write_string(r, 6, CATEGORIES[i % 3])
        sheet.write_number(r, 7, i % 13 + 1)  # typed as numbers, as people do
        sheet.write_number(r, 8, i % 65 + 1)
        sheet.write_datetime(r, 9, base_day + dt.timedelta(days=i % 12000), date_format)
        if i % 3:
            sheet.write_string(r, 10, f"6222{i:015d}")
        sheet.write_number(r, 11, 4000 + (i % 9000) + (i % 100) / 100, money_format)
        sheet.write_string(r, 12, f"{5000 + i % 7000:,}.50")  # money as text
        sheet.write_number(r, 13, (5, 8, 10, 12)[i % 4] / 100)
    workbook.close()


def _rss_now() -> tuple[int, bool]:
    """Return (current RSS in bytes, whether the peak could be reset)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # reset VmHWM (peak RSS) to the current RSS
        reset = True
    except OSError:
        reset = False
    return _status_kib("VmRSS") * 1024, reset


def _status_kib(key: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def measure(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Return (median seconds, max peak RSS growth in MiB, last result) over runs."""
    times, growths, result = [], [], None
    for _ in range(runs):
        result = None
        gc.collect()
        before, reset = _rss_now()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        peak = _status_kib("VmHWM") * 1024 if reset else before
        growths.append(max(peak - before, 0) / 2**20)
    return statistics.median(times), max(growths), result


def main() -> None:
    """Generate (or reuse) the workbook and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--file", help="workbook to write (if missing) and read")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or os.path.join(tmp, "roster.xlsx")
        if not os.path.exists(path):
            start = time.perf_counter()
            generate(path, args.rows)
            print(f"generated {args.rows} rows in {time.perf_counter() - start:.2f} s")
        size = os.path.getsize(path) / 2**20
        print(f"file: {path} ({size:.1f} MiB), {len(SPEC.columns)} columns, runs={args.runs}")

        a_time, a_mem, frame = measure(
            lambda: pd.read_excel(path, engine="calamine", dtype=str), args.runs
        )
        nrows = len(frame)
        del frame
        b_time, b_mem, result = measure(lambda: read_workbook(path, SPEC), args.runs)
        assert result.ok, result.messages[:5]
        assert len(result.rows) == nrows, (len(result.rows), nrows)
        del result

    print(f"{'':40} {'seconds':>8} {'rows/s':>10} {'peak RSS +MiB':>14}")
    for label, secs, mem in (
        ("(a) pandas calamine dtype=str (parse)", a_time, a_mem),
        ("(b) read_workbook (parse + validate)", b_time, b_mem),
    ):
        print(f"{label:40} {secs:8.2f} {nrows / secs:10,.0f} {mem:14.0f}")
    print(f"ratio b/a: {b_time / a_time:.2f}")
    print("memory: growth of the process peak RSS (VmHWM reset per run), not tracemalloc")


if __name__ == "__main__":
    main()
