"""Does async help? Load-test the sample shop's legacy views against their async conversions.

For each database (SQLite, PostgreSQL) this script serves the same project several ways, one after
the other, with the same number of worker processes, on 127.0.0.1:

- ``sync``:    gunicorn, sync workers, legacy views  (one request at a time per process)
- ``gthread``: gunicorn, gthread workers with threads, legacy views  (the usual fix for I/O waits)
- ``asgi``:    uvicorn, async views

Every case (database, server, view, API latency, pool size) is measured in ``--rounds`` rounds; in
each round every server is started afresh. Per case and round: a few unmeasured requests, the
latency of one client alone (the dashboard only: the tutorial's "400 ms to 120 ms"), one burst of
50 simultaneous requests (the tutorial's own test), then ``--clients`` clients, each logged in as
its own customer, for ``--warmup`` seconds (and until every client has had an answer) and then for
``--duration`` measured seconds. Reported per case: the median over the rounds and the range
(lowest to highest round) of throughput and of p50/p95/p99 latency. Two cases differ only when
their ranges do not overlap; otherwise the verdict is "no measurable difference".

The external APIs are ``sample_project/fake_apis.py`` with a fixed latency (100 ms by default).
A second set of runs serves only the dashboard with slower APIs (500 ms) on PostgreSQL, with
pools of 25 and 40 connections per process. It also times ``asyncio.gather`` over three ORM calls
against awaiting them in turn.

Results: tables on stdout, ``bench/results/sample.json`` and ``bench/results/sample.png``;
``make docs`` turns the JSON into the tables and verdicts of ``docs/benchmarks.md``.

    .venv/bin/python bench/bench_sample.py           # everything, about 10 minutes on 2 cores
    .venv/bin/python bench/bench_sample.py --databases sqlite --duration 1 --rounds 2 --slow-pool-sizes ''
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
from dataclasses import dataclass
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

VIEWS = ("product_detail", "user_dashboard", "order_confirmation", "category_list")
DEFAULT_VIEWS = ("user_dashboard", "order_confirmation", "category_list")
SERVERS = ("sync", "gthread", "asgi")
DASHBOARD = "user_dashboard"
BURST = 50
# One client alone: at least this many measured requests and this many seconds.
SOLO_REQUESTS = 3
SOLO_SECONDS = 1.0
# Per round and case: throughput, latency under load, the burst, and one client alone.
METRICS = ("throughput_rps", "p50_ms", "p95_ms", "p99_ms", "burst_50_seconds", "solo_p50_ms")
NO_DIFFERENCE = "no measurable difference"


@dataclass(frozen=True)
class Customer:
    """One simulated client: a logged-in session and an order it may see."""

    session: str
    order: int


@dataclass(frozen=True)
class Setup:
    """One way of serving the project: a server started afresh each round, and the views it is measured on."""

    server: str
    views: tuple[str, ...]
    api_latency_ms: float
    pool_size: int
    seconds: float  # measured per round


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


def new_client(base_url: str, customer: Customer) -> httpx2.AsyncClient:
    cookies = {"sessionid": customer.session}
    return httpx2.AsyncClient(base_url=base_url, cookies=cookies, timeout=120, verify=CLIENT_TLS)


async def timed_get(client: httpx2.AsyncClient, path: str) -> tuple[float, float, bool]:
    """(when the answer came, latency, whether it was a 200), times in seconds."""
    started = time.perf_counter()
    try:
        ok = (await client.get(path)).status_code == 200
    except httpx2.HTTPError:
        ok = False
    finished = time.perf_counter()
    return finished, finished - started, ok


async def at_once(base_url: str, view: str, prefix: str, customers: list[Customer]) -> tuple[float, int]:
    """One request per customer, all sent together: (seconds until the last answer, errors)."""

    async def one(index: int, customer: Customer) -> bool:
        async with new_client(base_url, customer) as client:
            return (await timed_get(client, view_path(view, prefix, customer, index)))[2]

    started = time.perf_counter()
    answers = await asyncio.gather(*(one(index, customer) for index, customer in enumerate(customers)))
    return time.perf_counter() - started, answers.count(False)


async def alone(base_url: str, view: str, prefix: str, customer: Customer) -> tuple[list[float], int]:
    """One client, request after request, on an otherwise idle server: (latencies, errors)."""
    latencies, errors = [], 0
    async with new_client(base_url, customer) as client:
        await timed_get(client, view_path(view, prefix, customer, 0))  # unmeasured: opens the connection
        started = time.perf_counter()
        while len(latencies) < SOLO_REQUESTS or time.perf_counter() - started < SOLO_SECONDS:
            _, latency, ok = await timed_get(client, view_path(view, prefix, customer, len(latencies) + 1))
            latencies.append(latency)
            errors += not ok
    return latencies, errors


async def sustained(base_url: str, view: str, prefix: str, customers: list[Customer], warmup: float, duration: float):
    """Every client sends request after request; measured are the answers of the ``duration`` seconds
    after the warm-up, which lasts ``warmup`` seconds and until every client has had an answer (a
    slow server's queue is full by then). Clients still waiting at the end are cancelled.

    Returns (latencies, errors, measured seconds)."""
    answers: list[tuple[float, float, bool]] = []
    clients_answered: set[int] = set()
    warm = asyncio.Event()
    started = time.perf_counter()

    async def client_loop(number: int, customer: Customer) -> None:
        async with new_client(base_url, customer) as client:
            for index in range(number, sys.maxsize, len(customers)):
                answer = await timed_get(client, view_path(view, prefix, customer, index))
                answers.append(answer)
                clients_answered.add(number)
                if len(clients_answered) == len(customers) and answer[0] - started >= warmup:
                    warm.set()

    tasks = [asyncio.create_task(client_loop(number, customer)) for number, customer in enumerate(customers)]
    try:
        await asyncio.wait_for(warm.wait(), timeout=warmup + 120)
        window_start = time.perf_counter()
        await asyncio.sleep(duration)
        window_end = time.perf_counter()
    finally:
        for task in tasks:
            task.cancel()
        for outcome in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(outcome, Exception):
                raise outcome
    measured = [(latency, ok) for finished, latency, ok in answers if window_start <= finished <= window_end]
    return [latency for latency, _ in measured], sum(not ok for _, ok in measured), window_end - window_start


def percentile(values: list[float], fraction: float) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


async def measure_round(base_url: str, view: str, prefix: str, customers: list[Customer], seconds: float, args) -> dict:
    """One round of one case on a freshly started server: its figures, and its errors."""
    # Unmeasured: a few requests at once, so that every worker process has served this view.
    await at_once(base_url, view, prefix, customers[: 2 * args.workers])
    solo, solo_errors = await alone(base_url, view, prefix, customers[0]) if view == DASHBOARD else ([], 0)
    burst, burst_errors = await at_once(base_url, view, prefix, customers[:BURST])
    latencies, errors, seconds = await sustained(base_url, view, prefix, customers, args.warmup, seconds)
    if not latencies:
        raise RuntimeError(f"{view}: no answer within the {seconds} s measured; raise --duration")
    figures = {
        "requests": len(latencies),
        "errors": errors + burst_errors + solo_errors,
        "throughput_rps": round(len(latencies) / seconds, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "burst_50_seconds": round(burst, 3),
    }
    if solo:
        figures["solo_p50_ms"] = round(statistics.median(solo) * 1000, 1)
    return figures


# --- results --------------------------------------------------------------------------------


def case_id(database: str, server: str, view: str, api_latency_ms: float, pool_size: int | None) -> str:
    return f"{database} {server} {view} api={api_latency_ms:g}ms pool={pool_size or 'none'}"


def summary(rounds: list[dict]) -> dict:
    """Per metric: the median over the rounds and the range (lowest and highest round)."""
    table = {}
    for metric in METRICS:
        values = [figures[metric] for figures in rounds if metric in figures]
        if values:
            table[metric] = {"median": round(statistics.median(values), 3), "min": min(values), "max": max(values)}
    return table


def verdict(subject: dict, baseline: dict) -> str:
    """``higher`` or ``lower`` when the two ranges over the rounds do not overlap."""
    if subject["min"] > baseline["max"]:
        return "higher"
    if subject["max"] < baseline["min"]:
        return "lower"
    return NO_DIFFERENCE


def comparisons(results: list[dict]) -> list[dict]:
    """Async against each sync server with the same database, view and API latency; and, where the
    async views ran with several pool sizes, the smallest pool against the largest."""

    def key(result: dict) -> tuple:
        return result["database"], result["view"], result["api_latency_ms"]

    pairs = []
    for subject in (result for result in results if result["server"] == "asgi"):
        pairs += [(subject, other) for server in ("gthread", "sync") for other in results
                  if other["server"] == server and key(other) == key(subject)]  # fmt: skip
        pools = sorted((r for r in results if r["server"] == "asgi" and key(r) == key(subject)), key=lambda r: r["pool_size"])
        if len(pools) > 1 and subject is pools[0]:
            pairs.append((subject, pools[-1]))
    rows = []
    for subject, baseline in pairs:
        for metric in METRICS:
            if metric in subject["summary"] and metric in baseline["summary"]:
                ours, theirs = subject["summary"][metric], baseline["summary"][metric]
                rows.append({
                    "subject": subject["case"], "baseline": baseline["case"], "metric": metric,
                    "ratio": round(ours["median"] / theirs["median"], 2), "verdict": verdict(ours, theirs),
                })  # fmt: skip
    return rows


# --- reporting ------------------------------------------------------------------------------

LABELS = {
    "throughput_rps": "req/s", "p50_ms": "p50 ms", "p95_ms": "p95 ms", "p99_ms": "p99 ms",
    "burst_50_seconds": "50 at once s", "solo_p50_ms": "alone p50 ms",
}  # fmt: skip


def spread(figure: dict) -> str:
    return f"{figure['median']:g} [{figure['min']:g}-{figure['max']:g}]"


def print_report(results: list[dict], rows: list[dict], gather: dict, seconds: float) -> None:
    print("\nmedian [lowest-highest round]")
    for result in results:
        figures = ", ".join(f"{LABELS[metric]} {spread(figure)}" for metric, figure in result["summary"].items())
        print(f"{result['case']}: {figures}" + (f", ERRORS {result['errors']}" if result["errors"] else ""))
    print("\nasync against (ratio of medians; a difference only where the rounds' ranges do not overlap)")
    for row in rows:
        print(f"{row['subject']}  vs  {row['baseline']}: {LABELS[row['metric']]} x{row['ratio']} {row['verdict']}")
    print("\nasyncio.gather over three 100 ms ORM calls, against awaiting them in turn:")
    for database, timing in gather.items():
        print(f"  {database:9} in turn {timing['in_turn_seconds']:.3f}s, gathered {timing['gathered_seconds']:.3f}s")
    print(f"\ntotal: {seconds:.0f} s ({seconds / 60:.1f} min)")


# One colour per server in every chart; a hatch marks the larger PostgreSQL pool.
COLOURS = {"sync": "tab:red", "gthread": "tab:blue", "asgi": "tab:green"}
SERVER_NAMES = {"sync": "gunicorn sync, legacy views", "gthread": "gunicorn gthread, legacy views", "asgi": "uvicorn, async views"}
DATABASE_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def bars(axis, groups: list[str], series: list[tuple[str, str, list[dict | None]]], hatches: dict | None = None,
         legend: str | None = None) -> None:
    """Grouped bars at the median with the range over the rounds as error bars.

    ``series``: (server, legend label, one summary figure per group, or None); ``legend``: where
    to put a legend of the panel's own (the figure has one for the servers)."""
    width = 0.8 / len(series)
    for offset, (server, label, figures) in enumerate(series):
        xs = [index + (offset - (len(series) - 1) / 2) * width for index in range(len(groups))]
        present = [(x, figure) for x, figure in zip(xs, figures, strict=True) if figure]
        drawn = axis.bar(
            [x for x, _ in present], [f["median"] for _, f in present], width,
            yerr=[[f["median"] - f["min"] for _, f in present], [f["max"] - f["median"] for _, f in present]],
            capsize=3, color=COLOURS[server], hatch=(hatches or {}).get(label), edgecolor="white", label=label,
        )  # fmt: skip
        axis.bar_label(drawn, [f"{f['median']:.0f}" for _, f in present], fontsize=6, padding=1)
    axis.set_xticks(range(len(groups)), groups, fontsize=8)
    if legend:
        axis.set_ylim(top=axis.get_ylim()[1] * 1.6)  # room for the legend above the bars
        axis.legend(fontsize=7, loc=legend)


def draw_chart(results: list[dict], api_latency_ms: float, path: Path) -> None:
    import matplotlib
    import matplotlib.patches

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by = {(r["database"], r["server"], r["view"], r["api_latency_ms"], r["pool_size"]): r for r in results}
    base = [r for r in results if r["api_latency_ms"] == api_latency_ms]
    slow = [r for r in results if r["api_latency_ms"] != api_latency_ms]
    databases = list(dict.fromkeys(r["database"] for r in base))
    servers = [s for s in SERVERS if any(r["server"] == s for r in base)]
    other_views = [v for v in dict.fromkeys(r["view"] for r in base) if v != DASHBOARD]

    def pick(database: str, server: str, view: str, metric: str) -> dict | None:
        matches = [r for key, r in by.items() if key[:4] == (database, server, view, api_latency_ms)]
        return matches[0]["summary"].get(metric) if matches else None

    def series(database: str, chosen: list[str], views: list[str], metric: str) -> list:
        return [(s, SERVER_NAMES[s], [pick(database, s, view, metric) for view in views]) for s in chosen]

    rows = []  # (title, y label, log scale, draw(axis, database))
    if any(r["view"] == DASHBOARD for r in base):
        dashboard = f"Dashboard (two {api_latency_ms:g} ms API calls)"
        rows.append((f"{dashboard}: requests/s, 50 clients", "requests/s (log)", True,
                     lambda axis, db: bars(axis, ["50 clients"], series(db, servers, [DASHBOARD], "throughput_rps"))))
        latency = [("solo_p50_ms", "alone, p50"), ("p50_ms", "50 clients, p50"), ("p95_ms", "p95"), ("p99_ms", "p99")]

        def dashboard_latency(axis, db):
            drawn = []
            for s in servers:
                figures = [pick(db, s, DASHBOARD, metric) for metric, _ in latency]
                burst = pick(db, s, DASHBOARD, "burst_50_seconds")
                figures.append({k: v * 1000 for k, v in burst.items()} if burst else None)
                drawn.append((s, SERVER_NAMES[s], figures))
            bars(axis, [label for _, label in latency] + ["50 at once,\nlast answer"], drawn)

        rows.append((f"{dashboard}: latency", "ms (log)", True, dashboard_latency))
    if other_views:
        view_servers = [s for s in servers if any(pick(db, s, v, "throughput_rps") for db in databases for v in other_views)]
        for metric, unit in (("throughput_rps", "requests/s"), ("p95_ms", "p95 latency, ms")):
            rows.append((f"Database-only views: {unit}, 50 clients", unit, False,
                         lambda axis, db, metric=metric: bars(axis, other_views, series(db, view_servers, other_views, metric))))
    height = 3.6 * (len(rows) + bool(slow))
    figure, axes = plt.subplots(len(rows) + bool(slow), max(len(databases), 2), figsize=(13, height), squeeze=False)
    for row, (title, ylabel, log, draw) in enumerate(rows):
        for column, database in enumerate(databases):
            axis = axes[row][column]
            draw(axis, database)
            axis.set_title(f"{DATABASE_NAMES[database]}: {title}", fontsize=9)
            axis.set_ylabel(ylabel, fontsize=8)
            if log:
                axis.set_yscale("log")
        # The same y-axis range for SQLite and PostgreSQL, so the panels compare at a glance.
        limits = [axes[row][column].get_ylim() for column in range(len(databases))]
        for column in range(len(databases)):
            axes[row][column].set_ylim(min(low for low, _ in limits), max(high for _, high in limits))
        for column in range(len(databases), axes.shape[1]):
            axes[row][column].set_visible(False)
    if slow:
        draw_slow_apis(axes[-1], slow)
    figure.suptitle(
        "Sample shop: legacy views on gunicorn vs async views on uvicorn, 2 worker processes each\n"
        "bars: median over the rounds; error bars: lowest to highest round", fontsize=11,
    )  # fmt: skip
    legend = [matplotlib.patches.Patch(color=COLOURS[server], label=SERVER_NAMES[server]) for server in servers]
    figure.legend(handles=legend, loc="upper center", ncol=len(legend), fontsize=9, bbox_to_anchor=(0.5, 0.995 - 0.75 / height))
    figure.tight_layout(rect=(0, 0, 1, 1 - 1.1 / height))
    figure.savefig(path, dpi=100)


def draw_slow_apis(axes, slow: list[dict]) -> None:
    """The dashboard with slow APIs: throughput, and latency, per server and pool size."""
    (database,) = {r["database"] for r in slow}
    (latency,) = {r["api_latency_ms"] for r in slow}
    cases = sorted(slow, key=lambda r: (SERVERS.index(r["server"]), r["pool_size"] or 0))
    largest = max(r["pool_size"] or 0 for r in cases)
    labels = {r["case"]: f"{SERVER_NAMES[r['server']]}, pool of {r['pool_size']}" for r in cases}
    hatches = {labels[r["case"]]: "//" for r in cases if r["server"] == "asgi" and r["pool_size"] == largest}
    pools = " vs ".join(str(r["pool_size"]) for r in cases if r["server"] == "asgi")
    title = f"{DATABASE_NAMES[database]}: dashboard (two {latency:g} ms API calls), pool of {pools} connections"
    bars(axes[0], ["50 clients"], [(r["server"], labels[r["case"]], [r["summary"]["throughput_rps"]]) for r in cases], hatches,
         legend="upper left")
    axes[0].set_title(f"{title}: requests/s", fontsize=9)
    axes[0].set_ylabel("requests/s", fontsize=8)
    metrics = [("p50_ms", "p50"), ("p95_ms", "p95"), ("p99_ms", "p99")]
    bars(axes[1], [label for _, label in metrics],
         [(r["server"], labels[r["case"]], [r["summary"][m] for m, _ in metrics]) for r in cases], hatches, legend="upper right")  # fmt: skip
    axes[1].set_title(f"{title}: latency", fontsize=9)
    axes[1].set_ylabel("ms", fontsize=8)


# --- main -----------------------------------------------------------------------------------


def plan(database: str, args, views: list[str], servers: list[str]) -> list[Setup]:
    """What to start each round, in order."""
    setups = []
    for server in servers:
        served = [v for v in views if v in args.sync_views] if server == "sync" else views
        if served:
            setups.append(Setup(server, tuple(served), args.latency_ms, args.pool_size or args.threads, args.duration))
    # Slow APIs: the dashboard on PostgreSQL, the async views with each pool size (the threads never
    # hold more connections than there are threads, so they need no larger pool).
    if database == "postgres" and DASHBOARD in views and args.slow_pool_sizes:
        if "gthread" in servers:
            setups.append(Setup("gthread", (DASHBOARD,), args.slow_latency_ms, args.threads, args.slow_duration))
        if "asgi" in servers:
            setups += [Setup("asgi", (DASHBOARD,), args.slow_latency_ms, pool, args.slow_duration) for pool in args.slow_pool_sizes]
    return setups


def comma_list(text: str) -> list[str]:
    return [item for item in text.split(",") if item]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--views", default=",".join(DEFAULT_VIEWS), help=f"comma-separated, of: {', '.join(VIEWS)}")
    parser.add_argument("--servers", default=",".join(SERVERS), help="comma-separated: sync, gthread, asgi")
    parser.add_argument("--sync-views", default=DASHBOARD,
                        help="views also served by gunicorn sync workers (default: the dashboard only, to keep the run short)")  # fmt: skip
    parser.add_argument("--duration", type=float, default=2.0, help="measured seconds per case and round")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds of load before them")
    parser.add_argument("--rounds", type=int, default=5, help="rounds, each server restarted per round")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="worker processes per server")
    parser.add_argument("--threads", type=int, default=25, help="threads per gthread worker")
    parser.add_argument(
        "--pool-size", type=int,
        help="PostgreSQL connections per worker process (default: --threads). Django holds a request's "
        "connection until the request ends, API calls included, so this caps concurrent requests",
    )  # fmt: skip
    parser.add_argument("--latency-ms", type=float, default=100, help="latency of each fake API call")
    parser.add_argument("--slow-latency-ms", type=float, default=500, help="API latency of the slow-API runs")
    parser.add_argument("--slow-duration", type=float, default=4.0,
                        help="measured seconds per round of the slow-API runs (a request there takes 0.5 to 2 s)")
    parser.add_argument("--slow-pool-sizes", default="25,40",
                        help="pool sizes of the slow-API runs of the async views ('' for no slow-API runs)")  # fmt: skip
    parser.add_argument("--postgres-url", default=os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES_URL)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results", help="folder for JSON and PNG")
    args = parser.parse_args()
    databases, views, servers = comma_list(args.databases), comma_list(args.views), comma_list(args.servers)
    args.sync_views = comma_list(args.sync_views)
    for name, chosen, allowed in (("database", databases, ("sqlite", "postgres")), ("view", views + args.sync_views, VIEWS),
                                  ("server", servers, SERVERS)):  # fmt: skip
        if unknown := set(chosen) - set(allowed):
            parser.error(f"unknown {name}: {', '.join(sorted(unknown))} (choose from {', '.join(allowed)})")
    try:
        args.slow_pool_sizes = [int(size) for size in comma_list(args.slow_pool_sizes)]
    except ValueError:
        parser.error(f"--slow-pool-sizes: whole numbers separated by commas, not {args.slow_pool_sizes!r}")
    if args.rounds < 1 or min(args.duration, args.slow_duration) <= 0 or args.warmup < 0:
        parser.error("--rounds must be at least 1, --duration and --slow-duration above 0, --warmup at least 0")
    if args.clients < BURST:
        print(f"note: fewer than {BURST} clients; the '{BURST} at once' burst then uses all of them", file=sys.stderr)
    if "postgres" in databases and not postgres_available(args.postgres_url):
        print(f"skipping PostgreSQL: nothing answers at {args.postgres_url}", file=sys.stderr)
        databases.remove("postgres")

    load_averages = [os.getloadavg()[0]]
    if load_averages[0] > 1:
        print(f"note: load average {load_averages[0]:.1f} before the run: other work on this machine adds noise", file=sys.stderr)
    setups = {database: plan(database, args, views, servers) for database in databases}
    latencies = sorted({setup.api_latency_ms for plans in setups.values() for setup in plans})
    started = time.monotonic()
    apis = {latency: (free_port(), None) for latency in latencies}
    rounds: dict[tuple, list[dict]] = {}
    gather: dict[str, dict] = {}
    try:
        for latency, (port, _) in apis.items():
            command = [sys.executable, "fake_apis.py", "--port", str(port), "--latency-ms", str(latency)]
            apis[latency] = (port, subprocess.Popen(command, cwd=SAMPLE))
            wait_until_answering(f"http://{HOST}:{port}/analytics/users/1", apis[latency][1])
        for database in databases:
            context = sqlite_database() if database == "sqlite" else postgres_database(args.postgres_url)
            with context as database_url:
                env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
                env |= {
                    "DATABASE_URL": database_url,
                    "DASHBOARD_CACHE_SECONDS": "0",  # measure the API calls, not the cache
                    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
                    "DJANGO_SETTINGS_MODULE": "config.settings",
                }
                manage(env, "migrate", "--verbosity", "0")
                manage(env, "load_demo_data", "--users", str(args.clients))
                script = CUSTOMERS_SCRIPT.format(count=args.clients)
                customers = [Customer(**c) for c in json.loads(manage(env, "shell", "--no-imports", "-c", script))]
                gather[database] = json.loads(manage(env, "shell", "--no-imports", "-c", GATHER_SCRIPT))
                # Rounds, each server started afresh in turn: a burst of load from elsewhere on the
                # machine then spreads over all servers instead of spoiling one of them.
                for round_number in range(1, args.rounds + 1):
                    load_averages.append(os.getloadavg()[0])
                    for setup in setups[database]:
                        api = f"http://{HOST}:{apis[setup.api_latency_ms][0]}"
                        server_env = env | {
                            "DATABASE_POOL_MAX_SIZE": str(setup.pool_size),
                            "PAYMENTS_API_URL": f"{api}/payments",
                            "ANALYTICS_API_URL": f"{api}/analytics",
                        }
                        port = free_port()
                        base_url = f"http://{HOST}:{port}"
                        prefix = "async" if setup.server == "asgi" else "legacy"
                        command = server_command(setup.server, port, args.workers, args.threads)
                        with running(command, server_env, f"{base_url}/legacy/categories/"):
                            for number, view in enumerate(setup.views):
                                if number:  # let the requests cancelled at the end of the last view finish
                                    time.sleep(max(rounds[key][-1]["p99_ms"] / 1000, 0.2))
                                key = (database, setup.server, view, setup.api_latency_ms,
                                       setup.pool_size if database == "postgres" else None)  # fmt: skip
                                figures = asyncio.run(measure_round(base_url, view, prefix, customers, setup.seconds, args))
                                rounds.setdefault(key, []).append(figures)
                    print(f"{database} round {round_number}/{args.rounds} done, {time.monotonic() - started:.0f} s", flush=True)
    finally:
        for _, process in apis.values():
            if process:
                process.terminate()
                process.wait(timeout=10)

    results = [
        {
            "case": case_id(*key), "database": key[0], "server": key[1], "view": key[2], "api_latency_ms": key[3],
            "pool_size": key[4], "errors": sum(figures["errors"] for figures in measured),
            "summary": summary(measured), "rounds": measured,
        }  # fmt: skip
        for key, measured in rounds.items()
    ]
    rows = comparisons(results)
    seconds = time.monotonic() - started
    load_averages.append(os.getloadavg()[0])
    args.out.mkdir(parents=True, exist_ok=True)
    report = {
        "settings": {
            "clients": args.clients,
            "rounds": args.rounds,
            "measured_seconds_per_round": args.duration,
            "warmup_seconds": args.warmup,
            "worker_processes": args.workers,
            "gthread_threads_per_worker": args.threads,
            "postgres_pool_size_per_worker": args.pool_size or args.threads,
            "fake_api_latency_ms": args.latency_ms,
            "slow_api_latency_ms": args.slow_latency_ms,
            "slow_api_pool_sizes": args.slow_pool_sizes,
            "slow_api_measured_seconds_per_round": args.slow_duration,
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
            "total_seconds": round(seconds),
            # 1-minute load averages: well above 0 means other work shared the CPUs.
            "load_average_before": round(load_averages[0], 2),
            "load_average_highest": round(max(load_averages), 2),
            "load_average_after": round(load_averages[-1], 2),
        },
        "results": results,
        "comparisons": rows,
        "orm_gather": gather,
    }
    (args.out / "sample.json").write_text(json.dumps(report, indent=2) + "\n")
    draw_chart(results, args.latency_ms, args.out / "sample.png")
    print_report(results, rows, gather, seconds)
    print(f"wrote {args.out / 'sample.json'} and {args.out / 'sample.png'}")
    return 1 if any(result["errors"] for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
