"""Time the staff list and the person page on a 300,000-staff database.

Usage: python bench/staff_pages.py [--database-url URL] [--institutions 3000]
       [--staff 300000] [--seed 2026] [--requests 50]

Without --database-url it builds a SQLite database in a temporary directory: ``flask db
upgrade`` through the app factory with DATABASE_URL, then ``seed-scale``. With it, it reuses
that database (seeding it first only if it has no staff). It then signs in a staffing-office
account with Flask's test client and prints, for the institution with the most staff, the
median, 90th percentile and SQL statement count of --requests requests to
``/hr/<institution_id>/staff`` (first page, then a search and a filtered page) and to
``/hr/<institution_id>/people/<person_id>``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_USER = "bench-bianban"


def migrate(url: str) -> None:
    """Run ``flask db upgrade`` on the database at url."""
    env = {**os.environ, "DATABASE_URL": url}
    flask = Path(sys.executable).with_name("flask")
    command = [str(flask)] if flask.exists() else [sys.executable, "-m", "flask"]
    subprocess.run([*command, "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True)


def time_requests(client, url: str, runs: int, counter: dict) -> tuple[float, float, int, int]:
    """Return (median ms, p90 ms, SQL statements of the last request, status) for url."""
    for _ in range(3):  # warm up caches, templates and the SQLite page cache
        client.get(url)
    times, status = [], 0
    for _ in range(runs):
        counter["n"] = 0
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        status = response.status_code
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1], counter["n"], status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="reuse this database instead of a temporary one")
    parser.add_argument("--institutions", type=int, default=3000)
    parser.add_argument("--staff", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        os.environ["DATABASE_URL"] = url
        migrate(url)

        from sqlalchemy import event, func, select

        from core.app import create_app
        from core.auth import operations as accounts
        from core.auth.models import User
        from core.extensions import db
        from core.roles import Role
        from hr.models import Employment
        from hr.seed.scale import seed_scale

        app = create_app()
        with app.app_context():
            has_staff = db.session.scalar(select(Employment.id).limit(1)) is not None
            if not has_staff:
                start = time.perf_counter()
                seed_scale(args.institutions, args.staff, args.seed)
                db.session.commit()
                print(f"seed-scale: {time.perf_counter() - start:.1f} s in all")
            user = db.session.scalar(select(User).where(User.username == BENCH_USER))
            if user is None:
                user = accounts.create_user(
                    username=BENCH_USER,
                    full_name="编办（性能测试）",
                    password="bench-pass-2026",
                    must_change_password=False,
                )
                accounts.grant(user, Role.STAFFING_OFFICE)
                db.session.commit()
            user_key = user.get_id()

            institution_id, size = db.session.execute(
                select(Employment.institution_id, func.count())
                .where(Employment.end_on.is_(None))
                .group_by(Employment.institution_id)
                .order_by(func.count().desc())
                .limit(1)
            ).one()
            person_id = db.session.scalar(
                select(Employment.person_id)
                .where(Employment.institution_id == institution_id)
                .order_by(Employment.id)
                .offset(size // 2)
                .limit(1)
            )
            total = db.session.scalar(select(func.count()).select_from(Employment))
            engine = db.engine
            db.session.remove()

        print(f"database: {url} ({total:,} employments)")
        print(f"institution {institution_id}: {size:,} active staff; person {person_id}")
        counter = {"n": 0}

        def count(*_args, **_kwargs):
            counter["n"] += 1

        event.listen(engine, "before_cursor_execute", count)
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user_key
            session["_fresh"] = True
        pages = [
            ("staff list", f"/hr/{institution_id}/staff"),
            ("staff list, page 5", f"/hr/{institution_id}/staff?page=5"),
            ("staff list, search 王", f"/hr/{institution_id}/staff?q=王"),
            ("staff list, 事业编制", f"/hr/{institution_id}/staff?identity=establishment"),
            ("person page", f"/hr/{institution_id}/people/{person_id}"),
        ]
        print(
            f"{'page':<24} {'median':>9} {'p90':>9} {'SQL':>4}  status  ({args.requests} requests)"
        )
        for label, page in pages:
            median, p90, statements, status = time_requests(client, page, args.requests, counter)
            print(f"{label:<24} {median:7.1f} ms {p90:6.1f} ms {statements:>4}  {status}")
        event.remove(engine, "before_cursor_execute", count)


if __name__ == "__main__":
    main()
