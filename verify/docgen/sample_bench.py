"""The sample benchmark's tables and verdicts in ``docs/benchmarks.md``, from ``bench/results/sample.json``.

``make docs`` writes them between ``<!-- bench-sample:begin -->`` and ``<!-- bench-sample:end -->``,
so a re-run of ``make bench-sample`` that changes the picture changes the page's claims with it.
Every figure is the median over the rounds with the lowest and highest round; every comparison is
the verdict ``bench/bench_sample.py`` recorded: a direction only when the ranges do not overlap.
"""

from __future__ import annotations

DASHBOARD = "user_dashboard"
SERVER_NAMES = {"sync": "gunicorn sync", "gthread": "gunicorn gthread", "asgi": "uvicorn, async views"}
DATABASE_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
MEASURES = {
    "solo_p50_ms": "one client alone, p50, ms",
    "throughput_rps": "50 clients, requests/s",
    "p50_ms": "50 clients, p50, ms",
    "p95_ms": "50 clients, p95, ms",
    "p99_ms": "50 clients, p99, ms",
    "burst_50_seconds": "50 requests at once, last answer, s",
}
VIEW_NAMES = {
    "product_detail": "`product_detail` (3 queries)",
    "order_confirmation": "`order_confirmation` (3 queries, then the email: 1 more)",
    "category_list": "`category_list` (1 query, a sync view under both)",
}


def number(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def figure(summary: dict) -> str:
    """``median (lowest–highest)``."""
    return f"{number(summary['median'])} ({number(summary['min'])}–{number(summary['max'])})"


def judged(row: dict) -> str:
    if row["verdict"] == "no measurable difference":
        return f"no measurable difference ({row['ratio']:.2f}x)"
    return f"**{row['ratio']:.2f}x**, {row['verdict']} in every round"


class SampleReport:
    """Lookups into one ``sample.json``."""

    def __init__(self, report: dict) -> None:
        self.settings = report["settings"]
        self.results = {result["case"]: result for result in report["results"]}
        self.comparisons = {(row["subject"], row["baseline"], row["metric"]): row for row in report["comparisons"]}
        self.gather = report["orm_gather"]
        self.databases = list(dict.fromkeys(result["database"] for result in report["results"]))

    def case(self, database: str, server: str, view: str, slow: bool = False, pool: int | None = None) -> dict | None:
        latency = self.settings["slow_api_latency_ms" if slow else "fake_api_latency_ms"]
        if database == "postgres" and pool is None:
            pool = self.settings["postgres_pool_size_per_worker"]
        wanted = (database, server, view, latency, pool if database == "postgres" else None)
        for result in self.results.values():
            if (result["database"], result["server"], result["view"], result["api_latency_ms"], result["pool_size"]) == wanted:
                return result
        return None

    def verdict(self, subject: dict | None, baseline: dict | None, metric: str) -> str:
        row = subject and baseline and self.comparisons.get((subject["case"], baseline["case"], metric))
        return judged(row) if row else ""

    def cell(self, result: dict | None, metric: str) -> str:
        return figure(result["summary"][metric]) if result and metric in result["summary"] else ""


def method(report: SampleReport) -> str:
    s = report.settings
    minutes = s["total_seconds"] / 60
    return (
        f"Measured on {s['machine']}: {s['rounds']} rounds per case, each {s['measured_seconds_per_round']:g} s "
        f"({s['slow_api_measured_seconds_per_round']:g} s with slow APIs) measured after at least "
        f"{s['warmup_seconds']:g} s of warm-up, every server restarted per round; "
        f"{s['clients']} clients; {s['worker_processes']} worker processes per server, "
        f"{s['gthread_threads_per_worker']} threads per gthread worker, a PostgreSQL pool of "
        f"{s['postgres_pool_size_per_worker']} connections per process. The whole run took {minutes:.1f} minutes. "
        f"Load average (1 minute) {s['load_average_before']:.1f} before the run, {s['load_average_highest']:.1f} "
        f"at its highest, {s['load_average_after']:.1f} after (the benchmark alone keeps both CPUs busy). "
        f"With {s['rounds']} rounds, the range from the lowest to the highest round holds the median of the "
        f"rounds' distribution with {100 * (1 - 2 * 0.5 ** s['rounds']):.0f}% confidence.\n"
    )


def table(intro: str, header: list[str], rows: list[list[str]], labels: int) -> str:
    """A Markdown table after an introducing line: ``labels`` text columns, then figures, then verdicts."""
    figures = sum(1 for cell in header[labels:] if " vs " not in cell)
    align = ["---"] * labels + ["---:"] * figures + ["---"] * (len(header) - labels - figures)
    lines = [intro, "", "| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def dashboard_table(report: SampleReport) -> str:
    rows = []
    for database in report.databases:
        sync, threads, converted = (report.case(database, server, DASHBOARD) for server in ("sync", "gthread", "asgi"))
        rows += [[DATABASE_NAMES[database], measure, report.cell(sync, metric), report.cell(threads, metric),
                  report.cell(converted, metric), report.verdict(converted, threads, metric),
                  report.verdict(converted, sync, metric)] for metric, measure in MEASURES.items()]  # fmt: skip
    header = ["database", "measure", "gunicorn sync", "gunicorn gthread", "uvicorn, async views",
              "async vs gthread", "async vs sync"]  # fmt: skip
    return table(f"The dashboard (two {report.settings['fake_api_latency_ms']:g} ms API calls):", header, rows, 2)


def database_views_table(report: SampleReport) -> str:
    rows = []
    for view in VIEW_NAMES:
        for database in report.databases:
            threads, converted = report.case(database, "gthread", view), report.case(database, "asgi", view)
            if threads and converted:
                rows += [[VIEW_NAMES[view], DATABASE_NAMES[database], MEASURES[metric], report.cell(threads, metric),
                          report.cell(converted, metric), report.verdict(converted, threads, metric)]
                         for metric in ("throughput_rps", "p50_ms", "p95_ms", "p99_ms")]  # fmt: skip
    header = ["view", "database", "measure", "gunicorn gthread", "uvicorn, async views", "async vs gthread"]
    return table("Views that only query the database:", header, rows, 3) if rows else ""


def slow_apis_table(report: SampleReport) -> str:
    pools = report.settings["slow_api_pool_sizes"]
    threads = report.case("postgres", "gthread", DASHBOARD, slow=True, pool=report.settings["gthread_threads_per_worker"])
    converted = [report.case("postgres", "asgi", DASHBOARD, slow=True, pool=pool) for pool in pools]
    if not threads or not all(converted):
        return ""
    header = ["measure", f"gunicorn gthread, pool of {threads['pool_size']}"]
    header += [f"async, pool of {pool}" for pool in pools]
    header += [f"async (pool of {pool}) vs gthread" for pool in pools]
    header.append(f"async, pool of {pools[0]} vs {pools[-1]}")
    rows = []
    for metric, measure in MEASURES.items():
        if metric in threads["summary"]:
            row = [measure, report.cell(threads, metric)] + [report.cell(result, metric) for result in converted]
            row += [report.verdict(result, threads, metric) for result in converted]
            rows.append(row + [report.verdict(converted[0], converted[-1], metric)])
    intro = (f"The dashboard with slow APIs (two {report.settings['slow_api_latency_ms']:g} ms calls), PostgreSQL, "
             "with pools of different sizes:")  # fmt: skip
    return table(intro, header, rows, 1)


def gather_sentence(report: SampleReport) -> str:
    timings = "; ".join(
        f"{DATABASE_NAMES[database]} {timing['in_turn_seconds']:.3f} s in turn, {timing['gathered_seconds']:.3f} s gathered"
        for database, timing in report.gather.items()
    )
    return f"`asyncio.gather` over three ORM calls that each take 100 ms in the database: {timings}.\n"


def sample_benchmark_markdown(results: dict) -> str:
    report = SampleReport(results)
    parts = [method(report), tutorial_claims(report), dashboard_table(report), database_views_table(report),
             slow_apis_table(report), gather_sentence(report)]  # fmt: skip
    return "\n".join(part for part in parts if part)


def tutorial_claims(report: SampleReport) -> str:
    """The tutorial's claims, each next to what this run measured."""
    alone, speed, burst = [], [], []
    for database in report.databases:
        sync, threads, converted = (report.case(database, server, DASHBOARD) for server in ("sync", "gthread", "asgi"))
        if not (threads and converted):
            continue
        name = DATABASE_NAMES[database]
        legacy = f"sync workers {report.cell(sync, 'solo_p50_ms')} ms, " if sync else ""
        alone.append(f"{name}: {legacy}threads {report.cell(threads, 'solo_p50_ms')} ms, async "
                     f"{report.cell(converted, 'solo_p50_ms')} ms (async vs threads: {report.verdict(converted, threads, 'solo_p50_ms')})")  # fmt: skip
        versus = [f"dashboard against sync workers {report.verdict(converted, sync, 'throughput_rps')}"] if sync else []
        for view in (DASHBOARD, *VIEW_NAMES):
            subject, baseline = report.case(database, "asgi", view), report.case(database, "gthread", view)
            if subject and baseline:
                versus.append(f"`{view}` against threads {report.verdict(subject, baseline, 'throughput_rps')}")
        speed.append(f"{name}: " + "; ".join(versus))
        legacy = f"sync workers {report.cell(sync, 'burst_50_seconds')} s, " if sync else ""
        burst.append(f"{name}: {legacy}threads {report.cell(threads, 'burst_50_seconds')} s, "
                     f"async {report.cell(converted, 'burst_50_seconds')} s")  # fmt: skip
    if not alone:
        return ""
    return "\n".join([
        "Against the tutorial's claims:",
        "",
        "| The tutorial says | Measured here |",
        "| --- | --- |",
        "| A view with 3 queries and 1 API call: 400 ms sync, 120 ms async | The dashboard (two API calls), one "
        "client alone, p50: " + ". ".join(alone) + ". |",
        "| \"Boost performance 3x\" | Requests/s with 50 clients, async views against legacy views: "
        + ". ".join(speed) + ". |",
        "| 50 requests in 2.34 s async, 8-12 s sync | The dashboard, 50 requests at once, until the last answer: "
        + ". ".join(burst) + ". |",
    ]) + "\n"  # fmt: skip
