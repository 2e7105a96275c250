"""Does async help? Load-test the sample shop's legacy views against their async conversions.

For each database (SQLite, PostgreSQL) this script serves the same project three ways, one after
the other, with the same number of worker processes, on 127.0.0.1:

- ``sync``:    gunicorn, sync workers, legacy views  (one request at a time per process)
- ``gthread``: gunicorn, gthread workers with threads, legacy views  (the usual fix for I/O waits)
- ``asgi``:    uvicorn, async views

and drives every view with an async load generator (``httpx2``): N concurrent clients, each
logged in as its own customer, at least 500 measured requests per view and server, spread over
rounds in which every server is started afresh and warmed up.
The external APIs are ``sample_project/fake_apis.py`` with a fixed latency (100 ms by default).
It also times one burst of 50 simultaneous requests (the tutorial's own test), the latency of a
single client alone (the tutorial's "400 ms to 120 ms"), and ``asyncio.gather`` over three ORM
calls against awaiting them in turn.

Results: a table on stdout, ``bench/results/sample.json`` and ``bench/results/sample.png``.

    .venv/bin/python bench/bench_sample.py                  # everything (a few minutes)
    .venv/bin/python bench/bench_sample.py --databases sqlite --requests 200
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx2

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_project"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
# One TLS context for all load clients: httpx2 spends about 40 ms of CPU building one per client.
CLIENT_TLS = httpx2.create_ssl_context()

SOLO_REQUESTS = 20
VIEWS = ("product_detail", "user_dashboard", "order_confirmation", "category_list")
SERVERS = ("sync", "gthread", "asgi")


@dataclass
class Customer:
    """One simulated client: a logged-in session and an order it may see."""

    session: str
    order: int


@dataclass
class Measurement:
    database: str
    server: str
    view: str
    requests: int
    errors: int
    seconds: float
    throughput_rps: float
    p50_ms: float
    p95_ms: float
    burst_50_seconds: float
    solo_p50_ms: float
    round_throughputs_rps: list[float]


# --- processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            if httpx2.get(url, timeout=2).status_code < 500:
                return
        except httpx2.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered {url} within {timeout:.0f}s")


@contextmanager
def running(command: list[str], env: dict, ready_url: str) -> Iterator[None]:
    process = subprocess.Popen(command, cwd=SAMPLE, env=env, stdout=subprocess.DEVNULL)
    try:
        wait_until_answering(ready_url, process)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def server_command(server: str, port: int, workers: int, threads: int) -> list[str]:
    if server == "asgi":
        return [
            str(BIN / "uvicorn"), "config.asgi:application", "--host", HOST, "--port", str(port),
            "--workers", str(workers), "--lifespan", "off", "--no-access-log", "--log-level", "warning",
        ]  # fmt: skip
    command = [
        str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"{HOST}:{port}",
        "--workers", str(workers), "--log-level", "warning",
    ]  # fmt: skip
    if server == "gthread":
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    return command


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=SAMPLE, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout


# Run inside the project (``manage.py shell -c``): log each customer in the way Django's test
# client does, without hashing passwords over HTTP 50 times, and print the sessions as JSON.
CUSTOMERS_SCRIPT = """
import json
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from shop.models import Order
customers = []
for user in get_user_model().objects.order_by("pk")[:{count}]:
    client = Client()
    client.force_login(user)
    order = Order.objects.filter(user=user).order_by("pk").first()
    customers.append({{"session": client.cookies[settings.SESSION_COOKIE_NAME].value, "order": order.pk}})
print(json.dumps(customers))
"""

# Three ORM calls that each take 100 ms in the database: in turn, then with asyncio.gather.
GATHER_SCRIPT = """
import asyncio, json, time
from django.db import connection
from django.db.models.expressions import RawSQL
from asgiref.sync import sync_to_async
from shop.models import Category

@sync_to_async
def slow_sql():
    if connection.vendor == "postgresql":
        return "(SELECT 1 FROM pg_sleep(%s))"
    connection.ensure_connection()
    connection.connection.create_function("sleep_seconds", 1, lambda s: time.sleep(s) or 1)
    return "sleep_seconds(%s)"

async def main():
    sql = await slow_sql()
    query = lambda: Category.objects.annotate(pause=RawSQL(sql, [0.1])).afirst()
    await query()  # opens the connection, so neither timing below pays for it
    started = time.perf_counter()
    for _ in range(3):
        await query()
    in_turn = time.perf_counter() - started
    started = time.perf_counter()
    await asyncio.gather(query(), query(), query())
    gathered = time.perf_counter() - started
    print(json.dumps({"in_turn_seconds": round(in_turn, 3), "gathered_seconds": round(gathered, 3)}))

asyncio.run(main())
"""


# --- databases ------------------------------------------------------------------------------


@contextmanager
def sqlite_database() -> Iterator[str]:
    folder = tempfile.mkdtemp(prefix="dak-bench-")
    try:
        yield f"sqlite:///{folder}/bench.sqlite3"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A throwaway database of our own on the server of ``admin_url``, dropped afterwards."""
    import psycopg

    name = f"dak_bench_{os.getpid()}"
    admin = admin_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_available(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or HOST, parts.port or 5432), timeout=1):
            return True
    except OSError:
        return False


# --- load -----------------------------------------------------------------------------------


def view_path(view: str, prefix: str, customer: Customer, index: int) -> str:
    match view:
        case "product_detail":
            return f"/{prefix}/products/{index % 48 + 1}/"
        case "user_dashboard":
            return f"/{prefix}/dashboard/"
        case "order_confirmation":
            return f"/{prefix}/orders/{customer.order}/confirmation/"
        case "category_list":
            return f"/{prefix}/categories/"
    raise ValueError(view)


async def drive(base_url: str, view: str, prefix: str, customers: list[Customer], total: int):
    """``total`` requests from one client per customer, all at once: (latencies, errors, seconds)."""
    tickets = iter(range(total))  # shared by the clients: each request is sent exactly once
    latencies: list[float] = []
    errors = 0

    async def client_loop(customer: Customer) -> None:
        nonlocal errors
        cookies = {"sessionid": customer.session}
        async with httpx2.AsyncClient(base_url=base_url, cookies=cookies, timeout=120, verify=CLIENT_TLS) as client:
            for index in tickets:
                started = time.perf_counter()
                try:
                    response = await client.get(view_path(view, prefix, customer, index))
                    ok = response.status_code == 200
                except httpx2.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - started)
                errors += not ok

    started = time.perf_counter()
    await asyncio.gather(*(client_loop(customer) for customer in customers))
    return latencies, errors, time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


@dataclass
class Samples:
    """What one server answered for one view, gathered over the rounds."""

    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0
    bursts: list[float] = field(default_factory=list)
    solo: list[float] = field(default_factory=list)
    round_throughputs: list[float] = field(default_factory=list)

    def measurement(self, database: str, server: str, view: str) -> Measurement:
        return Measurement(
            database=database,
            server=server,
            view=view,
            requests=len(self.latencies),
            errors=self.errors,
            seconds=round(self.seconds, 3),
            throughput_rps=round(len(self.latencies) / self.seconds, 1),
            p50_ms=round(percentile(self.latencies, 0.50) * 1000, 1),
            p95_ms=round(percentile(self.latencies, 0.95) * 1000, 1),
            burst_50_seconds=round(statistics.median(self.bursts), 3),
            solo_p50_ms=round(statistics.median(self.solo) * 1000, 1),
            round_throughputs_rps=[round(rps, 1) for rps in self.round_throughputs],
        )


def sample_view(samples: Samples, base_url: str, prefix: str, view: str, customers, requests: int, warmup: int):
    """One round for one view on a freshly started server: warm-up, load, burst, one client alone."""
    asyncio.run(drive(base_url, view, prefix, customers, warmup))
    latencies, errors, seconds = asyncio.run(drive(base_url, view, prefix, customers, requests))
    # The tutorial's own test: 50 simultaneous requests, one per client.
    _, burst_errors, burst = asyncio.run(drive(base_url, view, prefix, customers[:50], 50))
    # The latency of one request on an otherwise idle server (the tutorial's "400 ms to 120 ms").
    solo, solo_errors, _ = asyncio.run(drive(base_url, view, prefix, customers[:1], SOLO_REQUESTS))
    samples.latencies += latencies
    samples.seconds += seconds
    samples.round_throughputs.append(len(latencies) / seconds)
    samples.errors += errors + burst_errors + solo_errors
    samples.bursts.append(burst)
    samples.solo += solo


# --- reporting ------------------------------------------------------------------------------


def ratios(results: list[Measurement]) -> list[dict]:
    """Per database and view: how the async server compares with each sync one."""
    table = {(m.database, m.server, m.view): m for m in results}
    rows = []
    for database in dict.fromkeys(m.database for m in results):
        for view in dict.fromkeys(m.view for m in results):
            converted = table.get((database, "asgi", view))
            for baseline in ("sync", "gthread"):
                legacy = table.get((database, baseline, view))
                if converted and legacy:
                    rows.append(
                        {
                            "database": database,
                            "view": view,
                            "async_vs": baseline,
                            "throughput_ratio": round(converted.throughput_rps / legacy.throughput_rps, 2),
                            "p50_speedup": round(legacy.p50_ms / converted.p50_ms, 2),
                            "p95_speedup": round(legacy.p95_ms / converted.p95_ms, 2),
                        }
                    )
    return rows


def print_report(results: list[Measurement], ratio_rows: list[dict], gather: dict) -> None:
    print(f"\n{'database':9} {'server':8} {'view':19} {'req':>5} {'err':>4} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'50 at once':>10} {'alone ms':>9}")
    for m in results:
        print(
            f"{m.database:9} {m.server:8} {m.view:19} {m.requests:5} {m.errors:4} {m.throughput_rps:8.1f}"
            f" {m.p50_ms:8.1f} {m.p95_ms:8.1f} {m.burst_50_seconds:9.2f}s {m.solo_p50_ms:9.1f}"
        )
    print(f"\n{'database':9} {'view':19} {'async vs':9} {'throughput x':>12} {'p50 faster x':>12} {'p95 faster x':>12}")
    for row in ratio_rows:
        print(
            f"{row['database']:9} {row['view']:19} {row['async_vs']:9} {row['throughput_ratio']:12.2f}"
            f" {row['p50_speedup']:12.2f} {row['p95_speedup']:12.2f}"
        )
    print("\nasyncio.gather over three 100 ms ORM calls, against awaiting them in turn:")
    for database, timing in gather.items():
        print(f"  {database:9} in turn {timing['in_turn_seconds']:.3f}s, gathered {timing['gathered_seconds']:.3f}s")


METRICS = [
    ("throughput_rps", "requests/s, 50 clients (higher is better)"),
    ("p95_ms", "p95 latency, 50 clients, ms (lower is better)"),
    ("solo_p50_ms", "p50 latency, one client alone, ms (lower is better)"),
]


def draw_chart(results: list[Measurement], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    databases = list(dict.fromkeys(m.database for m in results))
    views = list(dict.fromkeys(m.view for m in results))
    servers = [s for s in SERVERS if any(m.server == s for m in results)]
    table = {(m.database, m.server, m.view): m for m in results}
    figure, axes = plt.subplots(len(METRICS), len(databases), figsize=(6.5 * len(databases), 11), squeeze=False)
    width = 0.8 / len(servers)
    for column, database in enumerate(databases):
        for row, (metric, label) in enumerate(METRICS):
            axis = axes[row][column]
            for offset, server in enumerate(servers):
                values = [getattr(table[(database, server, view)], metric) for view in views]
                axis.bar([i + offset * width for i in range(len(views))], values, width, label=server)
            axis.set_xticks([i + width * (len(servers) - 1) / 2 for i in range(len(views))], views, fontsize=8)
            axis.set_title(f"{database}: {label}", fontsize=10)
            axis.legend(fontsize=8)
    figure.suptitle("Sample shop: legacy views on gunicorn (sync, gthread) vs async views on uvicorn")
    figure.tight_layout()
    figure.savefig(path, dpi=110)


# --- main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--views", default=",".join(VIEWS), help="comma-separated view names")
    parser.add_argument("--servers", default=",".join(SERVERS), help="comma-separated: sync, gthread, asgi")
    parser.add_argument("--requests", type=int, default=500, help="measured requests per view and server")
    parser.add_argument("--warmup", type=int, default=50, help="unmeasured requests per view before each round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds, each server restarted per round")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="worker processes per server")
    parser.add_argument("--threads", type=int, default=25, help="threads per gthread worker")
    parser.add_argument(
        "--pool-size",
        type=int,
        help="PostgreSQL connections per worker process (default: --threads). Django holds a request's "
        "connection until the request ends, API calls included, so this caps concurrent requests",
    )
    parser.add_argument("--latency-ms", type=float, default=100, help="latency of each fake API call")
    parser.add_argument("--postgres-url", default=os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES_URL)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results", help="folder for JSON and PNG")
    args = parser.parse_args()
    databases = args.databases.split(",")
    views = args.views.split(",")
    servers = args.servers.split(",")
    for name, chosen, allowed in (("database", databases, ("sqlite", "postgres")), ("view", views, VIEWS),
                                  ("server", servers, SERVERS)):  # fmt: skip
        if unknown := set(chosen) - set(allowed):
            parser.error(f"unknown {name}: {', '.join(sorted(unknown))} (choose from {', '.join(allowed)})")
    if args.clients < 50:
        print("note: fewer than 50 clients; the '50 at once' column then uses all of them", file=sys.stderr)
    if "postgres" in databases and not postgres_available(args.postgres_url):
        print(f"skipping PostgreSQL: nothing answers at {args.postgres_url}", file=sys.stderr)
        databases.remove("postgres")

    pool_size = args.pool_size or args.threads  # by default, a connection for every thread
    per_round = -(-args.requests // args.rounds)  # ceiling: at least --requests in all
    load_before = os.getloadavg()[0]
    if load_before > 1:
        print(f"note: load average {load_before:.1f} before the run: other work on this machine adds noise", file=sys.stderr)
    api_port = free_port()
    api_base = f"http://{HOST}:{api_port}"
    api = subprocess.Popen(
        [sys.executable, "fake_apis.py", "--port", str(api_port), "--latency-ms", str(args.latency_ms)], cwd=SAMPLE
    )
    results: list[Measurement] = []
    gather: dict[str, dict] = {}
    started = time.monotonic()
    try:
        wait_until_answering(f"{api_base}/analytics/users/1", api)
        for database in databases:
            context = sqlite_database() if database == "sqlite" else postgres_database(args.postgres_url)
            with context as database_url:
                env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
                env |= {
                    "DATABASE_URL": database_url,
                    "DATABASE_POOL_MAX_SIZE": str(pool_size),
                    "PAYMENTS_API_URL": f"{api_base}/payments",
                    "ANALYTICS_API_URL": f"{api_base}/analytics",
                    "DASHBOARD_CACHE_SECONDS": "0",  # measure the API calls, not the cache
                    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
                    "DJANGO_SETTINGS_MODULE": "config.settings",
                }
                manage(env, "migrate", "--verbosity", "0")
                manage(env, "load_demo_data", "--users", str(args.clients))
                customers = [Customer(**c) for c in json.loads(manage(env, "shell", "--no-imports", "-c", CUSTOMERS_SCRIPT.format(count=args.clients)))]
                gather[database] = json.loads(manage(env, "shell", "--no-imports", "-c", GATHER_SCRIPT))
                samples = {(server, view): Samples() for server in servers for view in views}
                # Rounds, each server started afresh in turn: a burst of load from elsewhere on the
                # machine then spreads over all servers instead of spoiling one of them.
                for round_number in range(1, args.rounds + 1):
                    for server in servers:
                        port = free_port()
                        base_url = f"http://{HOST}:{port}"
                        command = server_command(server, port, args.workers, args.threads)
                        prefix = "async" if server == "asgi" else "legacy"
                        with running(command, env, f"{base_url}/legacy/categories/"):
                            for view in views:
                                sample_view(samples[server, view], base_url, prefix, view, customers,
                                            per_round, args.warmup)  # fmt: skip
                        print(f"{database} round {round_number}/{args.rounds}: {server} done", flush=True)
                results += [samples[key].measurement(database, *key) for key in samples]
    finally:
        api.terminate()
        api.wait(timeout=10)

    ratio_rows = ratios(results)
    print_report(results, ratio_rows, gather)
    args.out.mkdir(parents=True, exist_ok=True)
    report = {
        "settings": {
            "clients": args.clients,
            "requests_per_view_and_server": args.requests,
            "warmup_requests": args.warmup,
            "worker_processes": args.workers,
            "gthread_threads_per_worker": args.threads,
            "postgres_pool_size_per_worker": pool_size,
            "fake_api_latency_ms": args.latency_ms,
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
            "rounds": args.rounds,
            "total_seconds": round(time.monotonic() - started, 1),
            # 1-minute load averages: well above 0 before the run means other work shared the CPUs.
            "load_average_before": round(load_before, 2),
            "load_average_after": round(os.getloadavg()[0], 2),
        },
        "results": [asdict(m) for m in results],
        "ratios": ratio_rows,
        "orm_gather": gather,
    }
    (args.out / "sample.json").write_text(json.dumps(report, indent=2) + "\n")
    draw_chart(results, args.out / "sample.png")
    print(f"\nwrote {args.out / 'sample.json'} and {args.out / 'sample.png'}")
    return 1 if any(m.errors for m in results) else 0


if __name__ == "__main__":
    sys.exit(main())
