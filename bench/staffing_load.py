"""Load the staffing dashboard and the open API under gunicorn at city scale.

Usage: python bench/staffing_load.py [--database-url URL] [--institutions 3000]
       [--staff 300000] [--seconds 10] [--connections 16] [--workers 2]

Without --database-url it builds a SQLite city in a temporary directory (``db upgrade``,
``seed-demo``, ``seed-scale``; about five minutes); with it, it reuses that database. It
issues an API token, signs the demo office account (bianban) in through the login form,
starts gunicorn (sync workers) on a free loopback port, and drives each route with wrk
(2 threads, --connections connections, --seconds seconds; wrk ships with Debian) — or with
Python threads when wrk is missing. It prints requests/s, the median and the 95th
percentile for each route beside the same run's figures for a minimal route (a static
file), and stops everything it started. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "demo-2026"
LUA = """
wrk.headers["Cookie"] = "%(cookie)s"
wrk.headers["Authorization"] = "Bearer %(token)s"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%.3f %%.3f %%.3f %%d\\n", summary.requests,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


def flask(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True
    )


def build(url: str, institutions: int, staff: int) -> None:
    flask(url, "db", "upgrade")
    flask(url, "init")
    flask(url, "seed-demo")
    flask(url, "seed-scale", "--institutions", str(institutions), "--staff", str(staff))


def issue_token(url: str) -> str:
    os.environ["DATABASE_URL"] = url
    from core.app import create_app
    from core.extensions import db
    from institutions.staffing import operations as ops

    app = create_app()
    with app.app_context():
        _client, token = ops.issue_token({"name": "bench"})
        db.session.commit()
        db.engine.dispose()
    return token


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on port {port}")


def sign_in(base: str) -> str:
    """Sign bianban in through the form; return the session cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    data = {"username": "bianban", "password": PASSWORD}
    if token:
        data["csrf_token"] = token.group(1)
    opener.open(f"{base}/login", urllib.parse.urlencode(data).encode()).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    check = urllib.request.Request(f"{base}/staffing/dashboard", headers={"Cookie": cookie})
    with urllib.request.urlopen(check) as response:
        if response.status != 200 or "/login" in response.url:
            raise SystemExit("could not sign in as bianban (is the demo seeded?)")
    return cookie


def run_wrk(url: str, cookie: str, token: str, seconds: int, connections: int) -> tuple:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"cookie": cookie, "token": token})
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    match = re.search(r"RESULT (\d+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)", out)
    requests, duration, p50, p95, errors = match.groups()
    return int(requests) / float(duration), float(p50), float(p95), int(errors)


def run_threads(url: str, cookie: str, token: str, seconds: int, connections: int) -> tuple:
    """Python stand-in for wrk: ``connections`` threads, keep-alive off, for ``seconds``."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    headers = {"Cookie": cookie, "Authorization": f"Bearer {token}"}

    def work() -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
                    r.read()
            except OSError:
                with lock:
                    errors[0] += 1
                continue
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=work) for _ in range(connections)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else float("nan")
    return len(latencies) / (time.monotonic() - began), statistics.median(latencies), p95, errors[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--institutions", type=int, default=3000)
    parser.add_argument("--staff", type=int, default=300_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="staffing-bench-"))
    url = args.database_url
    if url is None:
        url = f"sqlite:///{workdir / 'city.db'}"
        print(f"building a city of {args.institutions} institutions, {args.staff} staff …")
        build(url, args.institutions, args.staff)
    token = issue_token(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret-key-not-for-use"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-w", str(args.workers), "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        cookie = sign_in(base)
        routes = [
            ("minimal: a static file", "/static/css/app.css"),
            ("dashboard, the city", "/staffing/dashboard"),
            ("dashboard, one district", "/staffing/dashboard?district=510107"),
            ("API institutions (50)", "/api/v1/institutions?page_size=50"),
            ("API quota and use (50)", "/api/v1/quota?page_size=50"),
            ("API report status (50)", "/api/v1/reports?page_size=50"),
        ]
        drive = run_wrk if shutil.which("wrk") else run_threads
        tool = "wrk -t2" if drive is run_wrk else "python threads"
        print(
            f"gunicorn {args.workers} sync workers; {tool}, {args.connections} connections, "
            f"{args.seconds} s per route; SQLite={url.startswith('sqlite')}"
        )
        print(f"{'route':28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'ratio':>7} {'errors':>7}")
        floor = None
        for label, path in routes:
            for _ in range(3):  # warm up each worker (and the minute-long figures cache)
                urllib.request.urlopen(
                    urllib.request.Request(
                        base + path, headers={"Cookie": cookie, "Authorization": f"Bearer {token}"}
                    )
                ).read()
            rate, p50, p95, errors = drive(
                base + path, cookie, token, args.seconds, args.connections
            )
            floor = floor or rate
            print(f"{label:28} {rate:8.0f} {p50:8.1f} {p95:8.1f} {rate / floor:7.2f} {errors:7d}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
