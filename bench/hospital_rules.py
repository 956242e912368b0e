"""Time the pure hospital rules on a 3,000-staff hospital: allocation and identity pay gap.

Usage: python bench/hospital_rules.py [--staff 3000] [--departments 40] [--months 12] [--runs 5]

Prints the median seconds of --runs runs of (a) hospitals.scheme.allocate over all staff
(four weighted indicators, two-stage largest remainder) and (b) hospitals.paygap.identity_gaps
over a year of monthly pay records (staff × months). Issue 13 asks for both under 1 s
including the database read; these are the rule parts alone.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hospitals.paygap import GapRules, PayRecord, identity_gaps  # noqa: E402
from hospitals.scheme import Department, Person, Scheme, SchemeIndicator, allocate  # noqa: E402

IDENTITIES = ("establishment", "filed", "contract", "dispatch")
INDICATORS = (
    SchemeIndicator("post_coefficient", Decimal("30")),
    SchemeIndicator("rbrvs_points", Decimal("40")),
    SchemeIndicator("medical_record_quality", Decimal("20")),
    SchemeIndicator("inpatient_satisfaction", Decimal("10")),
)


def _median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--staff", type=int, default=3000)
    parser.add_argument("--departments", type=int, default=40)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(1)

    departments = [
        Department(f"d{n:02d}", f"科室{n}", rng.randint(1, 100)) for n in range(args.departments)
    ]
    staff = [
        (n, f"职工{n}", f"d{rng.randrange(args.departments):02d}", rng.choice(IDENTITIES))
        for n in range(args.staff)
    ]
    people = [
        Person(
            n,
            name,
            department,
            {i.key: Decimal(rng.randint(0, 10_000)) / 100 for i in INDICATORS},
        )
        for n, name, department, _ in staff
    ]
    scheme = Scheme(pool=Decimal("12345678.90"), indicators=INDICATORS)

    records = []
    for n, name, department, identity in staff:
        grade = f"专技 {8 + n % 6} 级"
        cut = Decimal("0") if identity == "establishment" else Decimal("150")
        for month in range(1, args.months + 1):
            score = Decimal(rng.randint(60, 100))
            records.append(
                PayRecord(
                    n,
                    name,
                    department,
                    grade,
                    identity,
                    {
                        "post_pay": Decimal("1000.00") - cut,
                        "scale_pay": Decimal(rng.randint(200, 900)),
                        "basic_performance": Decimal("2000.00"),
                        "reward_performance": score * 20,
                        "allowances": Decimal("300.00"),
                    },
                    score,
                    (2026, month),
                )
            )
    rules = GapRules.from_value()

    allocation = _median(lambda: allocate(scheme, departments, people), args.runs)
    gaps = _median(lambda: identity_gaps(records, rules), args.runs)
    print(f"allocate: {args.staff} staff, {args.departments} departments: {allocation:.3f} s")
    print(f"identity_gaps: {len(records)} pay records: {gaps:.3f} s")


if __name__ == "__main__":
    main()
