"""Time the 人员花名册 import end to end against pandas+calamine parsing the same file.

Usage: python bench/roster_import.py [--rows 100000] [--institutions 5] [--runs 3]
                                     [--database-url URL] [--seed S]

Generates a workbook of --rows valid rows (valid ID numbers, Chinese names, plausible
identity and post mixes) spread over --institutions institutions, then measures in the same
process:
  (a) pd.read_excel(engine="calamine", dtype=str): parsing only, the floor;
  (b) the one import path (core.imports: read_and_check with the roster importer, then
      write_checked) + commit: parse, validate every cell, check the whole file against
      the database into the typed plan, write people, employments, appointments and 薪级
      records through core.bulk, hand the hires to payroll (its pay settings), commit.
Each run of (b) gets a fresh temporary SQLite database (migrated, institutions and quotas
created outside the timing). With --database-url the given database is migrated and used
for a single run: point it at an empty database. Prints median seconds, rows/s, the ratio
b/a (target <= 3) and peak RSS growth (VmHWM reset per run through /proc/self/clear_refs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
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

from core.ids import make_citizen_id, make_credit_code  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文玉红梅鹏飞婷雪琳欣怡子涵浩宇思雨俊博晨阳佳琪梓萱一诺嘉怡睿轩"
DEPARTMENTS = (
    "办公室",
    "人事科",
    "财务科",
    "教务处",
    "总务处",
    "德育处",
    "内科",
    "外科",
    "护理部",
    "医务科",
)
REGIONS = ("510104", "510105", "510106", "510107", "510108", "510112", "510113", "510114")
#: (label, weight) of 人员身份
IDENTITIES = (("事业编制", 50), ("员额", 20), ("合同制", 20), ("劳务派遣", 10))
CATEGORIES = (("专业技术", 75), ("管理", 10), ("工勤技能", 15))
GRADES = {
    "专业技术": [str(g) for g in range(2, 14)],
    "管理": [str(g) for g in range(5, 11)],
    "工勤技能": ["1", "2", "3", "4", "5", "普通工"],
}
HEADERS = (
    "单位代码",
    "工号",
    "姓名",
    "身份证号",
    "部门",
    "人员身份",
    "岗位类别",
    "岗位等级",
    "薪级",
    "入职日期",
    "银行账号",
    "缴费基数",
    "公积金基数",
    "公积金比例",
)


def institution_codes(count: int, seed: int) -> list[str]:
    """Return ``count`` distinct valid 事业单位 credit codes."""
    rng = random.Random(seed)
    start = rng.randrange(10_000_000, 80_000_000)
    return [make_credit_code("510107", f"{start + n:08d}") for n in range(count)]


def generate(path: str, rows: int, codes: list[str], seed: int) -> dict[str, dict[str, int]]:
    """Write the roster workbook; return {code: {identity label: rows}} for the quotas."""
    rng = random.Random(seed)
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet("人员花名册")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    money_format = workbook.add_format({"num_format": "#,##0.00"})
    text_format = workbook.add_format({"num_format": "@"})
    for col, header in enumerate(HEADERS):
        sheet.write_string(0, col, header)
    identity_labels = [label for label, _ in IDENTITIES]
    identity_weights = [weight for _, weight in IDENTITIES]
    category_labels = [label for label, _ in CATEGORIES]
    category_weights = [weight for _, weight in CATEGORIES]
    counts: dict[str, dict[str, int]] = {code: {} for code in codes}
    seen: set[str] = set()
    today = dt.date.today()
    for i in range(rows):
        r = i + 1
        code = codes[i % len(codes)]
        while True:
            birth = dt.date(1962, 1, 1) + dt.timedelta(days=rng.randrange(0, 14_600))
            number = make_citizen_id(
                rng.choice(REGIONS), birth, rng.randrange(500), rng.random() < 0.5
            )
            if number not in seen:
                seen.add(number)
                break
        identity = rng.choices(identity_labels, identity_weights)[0]
        category = rng.choices(category_labels, category_weights)[0]
        counts[code][identity] = counts[code].get(identity, 0) + 1
        start = birth + dt.timedelta(days=rng.randrange(22 * 365, 40 * 365))
        start = min(start, today)
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))
        sheet.write_string(r, 0, code)
        sheet.write_string(r, 1, f"{i // len(codes) + 1:06d}", text_format)
        sheet.write_string(r, 2, name)
        sheet.write_string(r, 3, number, text_format)
        if rng.random() < 0.9:
            sheet.write_string(r, 4, rng.choice(DEPARTMENTS))
        sheet.write_string(r, 5, identity)
        sheet.write_string(r, 6, category)
        grade = rng.choice(GRADES[category])
        if grade.isdigit():
            sheet.write_number(r, 7, int(grade))  # typed as a number, as people do
        else:
            sheet.write_string(r, 7, grade)
        sheet.write_number(r, 8, rng.randint(1, 40 if category == "工勤技能" else 65))
        sheet.write_datetime(r, 9, start, date_format)
        if rng.random() < 0.95:
            sheet.write_string(r, 10, f"6222{rng.randrange(10**15):015d}", text_format)
        base = rng.randrange(400_000, 2_000_000) / 100
        sheet.write_number(r, 11, base, money_format)
        if rng.random() < 0.5:
            sheet.write_number(r, 12, base, money_format)
        else:
            sheet.write_string(r, 12, f"{base:,.2f}")  # money as text
        sheet.write_number(r, 13, rng.choice((0.05, 0.08, 0.1, 0.12)))
    workbook.close()
    return counts


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


#: CPU seconds of each measured call, in order (the wall clock is unreliable on a busy
#: machine: compare these too)
CPU: list[float] = []


def measure(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Return (seconds, peak RSS growth in MiB, result) of one call; its CPU time to CPU."""
    gc.collect()
    before, reset = _rss_now()
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    seconds = time.perf_counter() - start
    CPU.append(time.process_time() - cpu)
    peak = _status_kib("VmHWM") * 1024 if reset else before
    return seconds, max(peak - before, 0) / 2**20, result


def make_app(database_url: str, instance: Path):
    """Create the app on ``database_url``, migrate it and return it."""
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


def prepare(codes: list[str], counts: dict[str, dict[str, int]]) -> None:
    """Register the institutions with their departments and enough 编制 and 员额 for the
    file (one commit)."""
    from core.extensions import db
    from hr.models import Department
    from institutions.models import (
        FundingClass,
        Institution,
        InstitutionKind,
        QuotaEntry,
        QuotaKind,
        Sponsor,
    )

    sponsor = Sponsor(name=f"基准测试教育局{codes[0][-6:]}", district_code="510107")
    db.session.add(sponsor)
    for n, code in enumerate(codes, start=1):
        institution = Institution(
            credit_code=code,
            name=f"基准测试单位{n}（{code[-4:]}）",
            kind=InstitutionKind.SCHOOL.value if n % 2 else InstitutionKind.HOSPITAL.value,
            district_code="510107",
            sponsor=sponsor,
            funding_class=FundingClass.PUBLIC_WELFARE_1.value,
            legal_representative="张三",
        )
        db.session.add(institution)
        db.session.flush()
        for name in DEPARTMENTS:  # the 部门 the file names must exist (hr.departments)
            db.session.add(Department(institution_id=institution.id, name=name, kind="other"))
        for label, kind in (("事业编制", QuotaKind.ESTABLISHMENT), ("员额", QuotaKind.FILED)):
            db.session.add(
                QuotaEntry(
                    institution_id=institution.id,
                    kind=kind.value,
                    change=counts[code].get(label, 0) + 10,
                    document_number="成编发〔2026〕1号",
                    effective_on=dt.date(2000, 1, 1),
                )
            )
    db.session.commit()


def end_to_end(path: str) -> tuple[int, dict[str, float]]:
    """Import the workbook through the one import path, as the command line and a job do
    (read and check, write, commit); return (rows, seconds per step)."""
    from core.extensions import db
    from core.imports import ImportContext, read_and_check, write_checked
    from hr.roster.imports import ROSTER_IMPORTER

    steps: dict[str, float] = {}
    context = ImportContext(confirming=True)
    start = time.perf_counter()
    checked = read_and_check(ROSTER_IMPORTER, path, context)
    steps["read_and_check"] = time.perf_counter() - start
    assert checked.ok, [str(e) for e in checked.errors[:5]]
    mark = time.perf_counter()
    write_checked(ROSTER_IMPORTER, checked, context)
    steps["write"] = time.perf_counter() - mark
    mark = time.perf_counter()
    db.session.commit()
    steps["commit"] = time.perf_counter() - mark
    return len(checked.plan), steps


def export_all(path: str, expected: int) -> float:
    """Export every imported row to ``path`` (not part of the ratio); return the seconds."""
    from core.excel import write_workbook
    from hr.roster.excel import ROSTER_SPEC
    from hr.roster.queries import export_rows

    start = time.perf_counter()
    count = [0]

    def counted():
        for row in export_rows():
            count[0] += 1
            yield row

    write_workbook(path, ROSTER_SPEC, counted())
    assert count[0] == expected, (count[0], expected)
    return time.perf_counter() - start


def main() -> None:
    """Generate the workbook, time (a) and (b), print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--institutions", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", help="use this database (one run) instead of SQLite")
    args = parser.parse_args()
    runs = 1 if args.database_url else args.runs

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "roster.xlsx")
        codes = institution_codes(args.institutions, args.seed)
        start = time.perf_counter()
        counts = generate(path, args.rows, codes, args.seed)
        size = os.path.getsize(path) / 2**20
        print(
            f"generated {args.rows} rows for {len(codes)} institutions in "
            f"{time.perf_counter() - start:.1f} s ({size:.1f} MiB); runs={runs}"
        )

        a_times, a_mems, b_times, b_mems, all_steps = [], [], [], [], []
        for run in range(runs):
            seconds, mem, frame = measure(lambda: pd.read_excel(path, engine="calamine", dtype=str))
            nrows = len(frame)
            del frame
            a_times.append(seconds)
            a_mems.append(mem)

            url = args.database_url or f"sqlite:///{tmp}/bench-{run}.db"
            instance = Path(tmp) / f"instance-{run}"
            app = make_app(url, instance)
            with app.app_context():
                prepare(codes, counts)
                from core.extensions import db

                db.session.remove()
                seconds, mem, (written, steps) = measure(lambda: end_to_end(path))
                assert written == nrows, (written, nrows)
                db.session.remove()
                if run == runs - 1:
                    export_seconds = export_all(os.path.join(tmp, "export.xlsx"), nrows)
                db.engine.dispose()
            b_times.append(seconds)
            b_mems.append(mem)
            all_steps.append(steps)
            print(
                f"run {run + 1}: (a) {a_times[-1]:.2f} s, (b) {seconds:.2f} s "
                + " ".join(f"{k}={v:.2f}" for k, v in steps.items())
            )

    a_time, b_time = statistics.median(a_times), statistics.median(b_times)
    print(f"{'':52} {'seconds':>8} {'rows/s':>10} {'peak RSS +MiB':>14}")
    for label, secs, mem in (
        ("(a) pandas calamine dtype=str (parse only)", a_time, max(a_mems)),
        ("(b) read + check + import + commit (end to end)", b_time, max(b_mems)),
    ):
        print(f"{label:52} {secs:8.2f} {nrows / secs:10,.0f} {mem:14.0f}")
    steps = {k: statistics.median(s[k] for s in all_steps) for k in all_steps[0]}
    print("(b) by step (median s): " + ", ".join(f"{k} {v:.2f}" for k, v in steps.items()))
    print(
        f"(c) export of the imported roster (export_rows + write_workbook): {export_seconds:.2f} s"
    )
    ratio = b_time / a_time
    print(f"ratio b/a: {ratio:.2f} (target <= 3.00: {'met' if ratio <= 3 else 'NOT met'})")
    a_cpu, b_cpu = statistics.median(CPU[0::2]), statistics.median(CPU[1::2])
    print(f"CPU seconds (median): (a) {a_cpu:.2f}, (b) {b_cpu:.2f}, ratio {b_cpu / a_cpu:.2f}")
    print("memory: growth of the process peak RSS (VmHWM reset per run), not tracemalloc")


if __name__ == "__main__":
    main()
