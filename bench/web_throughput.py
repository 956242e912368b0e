"""Web throughput under gunicorn: the staff list and an open motion page against a floor.

Usage: python bench/web_throughput.py [--duration 10] [--connections 16] [--threads 2]
       [--workers 2] [--rounds 1] [--scale-staff N [--scale-institutions M]]
       [--requests 300] [--profile] [--keep DIR]

It builds its own SQLite database in a temporary directory (``flask db upgrade``,
``seed-demo``; with --scale-staff also ``seed-scale`` and then the staff list of its largest
institution, seen by the staffing office), adds a ``bench_floor`` table of 100,000 rows, and
starts gunicorn (--workers sync workers) on a free loopback port with the bench-only
wrapper bench/web_floor_wsgi.py, which adds the floor route ``/bench/floor``: one SQLite
query of 50 rows through a cached template. It signs in through the login form and drives
each route for --duration seconds with wrk (Debian's ``wrk``; a Python load generator if
it is missing), after a short warm-up, and prints req/s, p50 and p95 of

  floor          GET /bench/floor (anonymous)
  staff list     GET /hr/<school>/staff as the school's HR officer (renshi)
  open motion    GET /governance/<school>/motions/<id> as a council member who has not voted

and the ratio of each page to the floor (goal: at least 0.25). With --rounds N it repeats
the three in turn and prints the median of each. Then it times --requests requests of each
route in-process through Flask's test client, in CPU time, which stays steady when the
machine is shared, with the SQL statements a request runs; --profile adds a cProfile of
the two pages.
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import http.cookiejar
import os
import pstats
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))

PASSWORD = "demo-2026"
USER_AGENT = "web-throughput-bench"
SECRET_KEY = "web-throughput-bench-secret"
FLOOR_ROWS = 100_000
#: in-process requests timed together
BATCH = 20
SCHOOL = "成都市武侯区第一实验小学"
_CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')

WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local nbad = 0
  for _, t in ipairs(threads) do nbad = nbad + t:get("bad") end
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    nbad, e.connect + e.read + e.write + e.timeout, latency:percentile(50),
    latency:percentile(95)))
end
"""


@dataclass
class Result:
    requests: int
    seconds: float
    not_ok: int
    socket_errors: int
    p50_ms: float
    p95_ms: float
    #: CPU seconds the gunicorn workers spent meanwhile (None where /proc is missing)
    server_cpu: float | None = None

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms(self) -> float | None:
        """Server CPU per request: steady when other processes share the machine."""
        if self.server_cpu is None or not self.requests:
            return None
        return self.server_cpu / self.requests * 1000


def workers_cpu(master: int) -> float | None:
    """Return the CPU seconds (user + system) used so far by gunicorn's worker processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    try:
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:  # the parent's pid
                total += int(fields[11]) + int(fields[12])  # utime, stime
    except OSError:
        return None
    return total / ticks


# --------------------------------------------------------------------------- database


def flask(*args: str, env: dict) -> None:
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def build_database(path: Path, env: dict, scale_staff: int, scale_institutions: int) -> None:
    started = time.perf_counter()
    flask("db", "upgrade", env=env)
    flask("seed-demo", env=env)
    if scale_staff:
        flask(
            "seed-scale",
            "--institutions",
            str(scale_institutions),
            "--staff",
            str(scale_staff),
            env=env,
        )
    rng = random.Random(1)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "value INTEGER NOT NULL)"
        )
        conn.executemany(
            "INSERT INTO bench_floor (id, name, value) VALUES (?, ?, ?)",
            ((i, f"名称{i:06d}", rng.randrange(1_000_000)) for i in range(1, FLOOR_ROWS + 1)),
        )
    print(f"database built in {time.perf_counter() - started:.1f} s: {path}")


def find_targets(env: dict, scale_staff: int) -> dict:
    """Return the institution, motion and usernames the pages are measured with."""
    os.environ.update(env)
    from sqlalchemy import func, select

    from core.app import create_app
    from core.auth.models import User
    from core.extensions import db
    from hr.models import Employment
    from institutions.governance import queries as gov_queries
    from institutions.governance.models import Motion, MotionStatus
    from institutions.models import Institution

    app = create_app()
    with app.app_context():
        school = db.session.scalar(select(Institution).where(Institution.name == SCHOOL))
        motion = db.session.scalar(
            select(Motion).where(
                Motion.institution_id == school.id, Motion.status == MotionStatus.OPEN
            )
        )
        voted = set(gov_queries.latest_ballots(motion))
        users = {
            u.username: u.id
            for u in db.session.scalars(select(User).where(User.username.in_(["lishi", "jianshi"])))
        }
        voter = next(name for name in ("lishi", "jianshi") if users[name] not in voted)
        staff_institution, staff_user = school.id, "renshi"
        if scale_staff:
            staff_institution = db.session.execute(
                select(Employment.institution_id)
                .group_by(Employment.institution_id)
                .order_by(func.count().desc())
                .limit(1)
            ).scalar_one()
            staff_user = "bianban"
        size = db.session.scalar(
            select(func.count())
            .select_from(Employment)
            .where(Employment.institution_id == staff_institution)
        )
        targets = {
            "app": app,
            "staff_url": f"/hr/{staff_institution}/staff",
            "staff_user": staff_user,
            "staff_size": size,
            "motion_url": f"/governance/{school.id}/motions/{motion.id}",
            "motion_user": voter,
        }
        db.session.remove()
    return targets


# --------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [
        *(sys.executable, "-m", "gunicorn"),
        *("--workers", str(workers), "--worker-class", "sync"),
        *("--bind", f"127.0.0.1:{port}", "--pythonpath", str(BENCH)),
        *("--error-logfile", str(log)),
        "web_floor_wsgi:app",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/floor", timeout=2):
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(base: str, username: str) -> str:
    """Sign in through the login form; return the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    opener.addheaders = [("User-Agent", USER_AGENT)]
    with opener.open(f"{base}/login") as response:
        token = _CSRF.search(response.read().decode()).group(1)
    data = urllib.parse.urlencode(
        {"csrf_token": token, "username": username, "password": PASSWORD}
    ).encode()
    try:
        opener.open(f"{base}/login", data)
    except urllib.error.HTTPError as error:
        if error.code != 302:
            raise SystemExit(f"sign-in as {username} answered {error.code}") from error
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def check_page(base: str, path: str, cookie: str) -> int:
    request = urllib.request.Request(
        base + path, headers={"Cookie": cookie, "User-Agent": USER_AGENT}
    )
    opener = urllib.request.build_opener(_NoRedirect())
    with opener.open(request) as response:
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
    return len(body)


# --------------------------------------------------------------------------- load


def run_wrk(url: str, cookie: str, seconds: float, args, script: Path) -> Result:
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        "-H",
        f"User-Agent: {USER_AGENT}",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    requests, duration_us, bad, socket_errors, p50, p95 = map(int, line.split()[1:])
    return Result(requests, duration_us / 1e6, bad, socket_errors, p50 / 1000, p95 / 1000)


def run_python(url: str, cookie: str, seconds: float, args) -> Result:
    """A plain load generator: one thread per connection, requests back to back."""
    parts = urllib.parse.urlsplit(url)
    headers = {"User-Agent": USER_AGENT, **({"Cookie": cookie} if cookie else {})}
    latencies: list[float] = []
    counts = {"bad": 0, "errors": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client():
        mine, bad, errors = [], 0, 0
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                conn.request("GET", parts.path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.will_close:
                    conn.close()
            except OSError:
                errors += 1
                conn.close()
                continue
            mine.append(time.perf_counter() - started)
            bad += response.status != 200
        conn.close()
        with lock:
            latencies.extend(mine)
            counts["bad"] += bad
            counts["errors"] += errors

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(len(latencies) * q))] * 1000  # noqa: E731
    return Result(len(latencies), elapsed, counts["bad"], counts["errors"], pick(0.5), pick(0.95))


# --------------------------------------------------------------------------- in process


def in_process(targets: dict, requests: int, show_profile: bool) -> None:
    """Time each route through Flask's test client, in CPU time (steady on a busy machine).

    The routes take turns, a batch each, so that a change in the machine's load hits all of
    them alike; the quickest batch of each is the least disturbed.
    """
    import web_floor_wsgi
    from sqlalchemy import event, select

    from core.auth.models import User
    from core.extensions import db

    routes = [
        ("floor", web_floor_wsgi.app, "/bench/floor", None),
        ("staff list", targets["app"], targets["staff_url"], targets["staff_user"]),
        ("open motion", targets["app"], targets["motion_url"], targets["motion_user"]),
    ]
    clients, statements = {}, {}
    for label, app, url, username in routes:
        client = clients[label] = app.test_client()
        with app.app_context():
            engine = db.engine
            if username:
                user = db.session.scalar(select(User).where(User.username == username))
                with client.session_transaction() as session:
                    session["_user_id"] = user.get_id()
                    session["_fresh"] = True
            db.session.remove()
        for _ in range(10):
            assert client.get(url).status_code == 200
        counter = {"n": 0}

        def count(*_args, _counter=counter, **_kwargs):
            _counter["n"] += 1

        event.listen(engine, "before_cursor_execute", count)
        client.get(url)
        event.remove(engine, "before_cursor_execute", count)
        statements[label] = counter["n"]
    batches: dict[str, list[float]] = {label: [] for label, *_ in routes}
    for _ in range(max(1, requests // BATCH)):
        for label, _app, url, _user in routes:
            client = clients[label]
            started = time.process_time()
            for _ in range(BATCH):
                client.get(url)
            batches[label].append((time.process_time() - started) / BATCH * 1000)
    print(f"\nin process, {requests} requests a route (Flask test client, no server):")
    print(f"{'route':<12} {'best ms':>8} {'median':>8} {'SQL':>4} {'ratio':>6}  (CPU a request)")
    floor_cpu = min(batches["floor"])
    for label, times in batches.items():
        best = min(times)
        print(
            f"{label:<12} {best:8.2f} {statistics.median(times):8.2f} {statements[label]:4d} "
            f"{floor_cpu / best:6.2f}"
        )
    if not show_profile:
        return
    for label, _app, url, username in routes:
        if not username:
            continue
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            clients[label].get(url)
        profiler.disable()
        print(f"\n=== profile: {label}, {requests} requests ===")
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(20)
        stats.sort_stats("cumulative").print_stats(30)


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds per route")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--warmup", type=float, default=2, help="seconds per route")
    parser.add_argument("--scale-staff", type=int, default=0, help="also run seed-scale")
    parser.add_argument("--scale-institutions", type=int, default=20)
    parser.add_argument("--python-load", action="store_true", help="do not use wrk")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-server", action="store_true", help="only the in-process part")
    parser.add_argument("--requests", type=int, default=300, help="in-process requests")
    parser.add_argument("--keep", type=Path, help="build the database in this directory")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="web-bench-")) if args.keep is None else args.keep
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / "bench.db"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{path}",
        "SECRET_KEY": SECRET_KEY,
        "PYTHONWARNINGS": "ignore",
    }
    if not path.exists():
        build_database(path, env, args.scale_staff, args.scale_institutions)
    targets = find_targets(env, args.scale_staff)

    if args.no_server:
        in_process(targets, args.requests, args.profile)
        return
    wrk = None if args.python_load else shutil.which("wrk")
    script = tmp / "bench.lua"
    script.write_text(WRK_SCRIPT)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(env, port, args.workers, tmp / "gunicorn.log")
    try:
        pages = [
            ("floor", "/bench/floor", ""),
            ("staff list", targets["staff_url"], sign_in(base, targets["staff_user"])),
            ("open motion", targets["motion_url"], sign_in(base, targets["motion_user"])),
        ]
        print(
            f"gunicorn {args.workers} sync workers on {base}; "
            f"load: {'wrk' if wrk else 'python'} {args.threads}x{args.connections}, "
            f"{args.duration:g} s a route, {args.rounds} round(s)"
        )
        print(
            f"staff list: {targets['staff_url']} as {targets['staff_user']} "
            f"({targets['staff_size']} employments); open motion: {targets['motion_url']} "
            f"as {targets['motion_user']}"
        )
        for label, path_, cookie in pages:
            size = check_page(base, path_, cookie)
            print(f"  {label:<12} {path_}: 200, {size:,} bytes")

        def load(path_: str, cookie: str, seconds: float) -> Result:
            before = workers_cpu(server.pid)
            if wrk:
                result = run_wrk(base + path_, cookie, seconds, args, script)
            else:
                result = run_python(base + path_, cookie, seconds, args)
            after = workers_cpu(server.pid)
            if before is not None and after is not None:
                result.server_cpu = after - before
            return result

        results: dict[str, list[Result]] = {label: [] for label, _, _ in pages}
        for _ in range(args.rounds):
            for label, path_, cookie in pages:
                if args.warmup:
                    load(path_, cookie, args.warmup)
                results[label].append(load(path_, cookie, args.duration))
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"\n{'route':<12} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'non-200':>8} "
        f"{'errors':>7} {'ratio':>6} {'CPU ms':>7} {'ratio':>6}"
    )
    print(f"{'':<55} (server CPU a request, and the floor's over it)")

    def cpu(runs: list[Result]) -> float | None:
        found = [r.cpu_ms for r in runs if r.cpu_ms is not None]
        return min(found) if found else None

    floor_rate = statistics.median(r.rate for r in results["floor"])
    floor_cpu = cpu(results["floor"])
    for label, runs in results.items():
        rate = statistics.median(r.rate for r in runs)
        p50 = statistics.median(r.p50_ms for r in runs)
        p95 = statistics.median(r.p95_ms for r in runs)
        bad = sum(r.not_ok for r in runs)
        errors = sum(r.socket_errors for r in runs)
        page_cpu = cpu(runs)
        cpu_text = (
            f"{page_cpu:7.2f} {floor_cpu / page_cpu:6.2f}"
            if page_cpu and floor_cpu
            else f"{'-':>7} {'-':>6}"
        )
        print(
            f"{label:<12} {rate:8.0f} {p50:8.1f} {p95:8.1f} {bad:8d} {errors:7d} "
            f"{rate / floor_rate:6.2f} {cpu_text}"
        )
    in_process(targets, args.requests, args.profile)
    if args.keep is None:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
