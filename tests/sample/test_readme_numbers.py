"""The benchmark tables of docs/benchmarks.md show the numbers of ``bench/results/sample.json``, not others.

Re-running ``make bench-sample`` rewrites the JSON; this test then says which cells to update.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RESULTS = json.loads((ROOT / "bench" / "results" / "sample.json").read_text())
SLOW_APIS = {
    pool: json.loads((ROOT / "bench" / "results" / f"slow-apis-pool{pool}" / "sample.json").read_text())
    for pool in (25, 40)
}
SECTION = (ROOT / "docs" / "benchmarks.md").read_text().partition("## Does async help? Measured")[2].partition("\n## ")[0]
PROSE = " ".join(SECTION.split())  # line breaks in the prose do not matter
SERVERS = ("sync", "gthread", "asgi")


def result(database: str, server: str, view: str, results: dict = RESULTS) -> dict:
    (match,) = [r for r in results["results"] if (r["database"], r["server"], r["view"]) == (database, server, view)]
    return match


def cells(label: str) -> list[str]:
    """The cells after the label of the table row that starts with ``label``."""
    (row,) = [line for line in SECTION.splitlines() if line.startswith(f"| {label} |")]
    return [cell.strip().strip("*") for cell in row.strip("|").split("|")[1:]]


def pair(view: str, server: str, metric: str, template: str, results: dict = RESULTS) -> str:
    sqlite, postgres = (result(db, server, view, results)[metric] for db in ("sqlite", "postgres"))
    return f"{template.format(sqlite)} / {template.format(postgres)}"


@pytest.mark.parametrize(
    ("label", "metric", "template", "unit"),
    [
        ("one client alone, p50", "solo_p50_ms", "{:.0f}", " ms"),
        ("50 clients, requests/s", "throughput_rps", "{}", ""),
        ("50 clients, p50", "p50_ms", "{:.0f}", " ms"),
        ("50 requests at once", "burst_50_seconds", "{:.2f}", " s"),
    ],
)
def test_dashboard_table_matches_the_results(label, metric, template, unit):
    expected = [pair("user_dashboard", server, metric, template) + unit for server in SERVERS]
    assert cells(label) == expected


@pytest.mark.parametrize("view", ["product_detail", "order_confirmation", "category_list"])
def test_database_only_table_matches_the_results(view):
    ratios = {
        r["database"]: r["throughput_ratio"]
        for r in RESULTS["ratios"]
        if r["view"] == view and r["async_vs"] == "gthread"
    }
    (label,) = [line.split("|")[1].strip() for line in SECTION.splitlines() if line.startswith(f"| `{view}` ")]
    expected = [pair(view, server, "throughput_rps", "{}") for server in SERVERS]
    expected.append(f"{ratios['sqlite']:.2f} / {ratios['postgres']:.2f}")
    assert cells(label) == expected


def test_gather_timings_match_the_results():
    gather = RESULTS["orm_gather"]
    assert (
        f"SQLite {gather['sqlite']['in_turn_seconds']:.3f} s in turn, {gather['sqlite']['gathered_seconds']:.3f} s gathered; "
        f"PostgreSQL {gather['postgres']['in_turn_seconds']:.3f} s in turn, "
        f"{gather['postgres']['gathered_seconds']:.3f} s gathered"
    ) in PROSE


def test_load_average_is_reported():
    settings = RESULTS["settings"]
    assert f"average {settings['load_average_before']:.1f} at the start, {settings['load_average_after']:.1f} at the end" in PROSE


@pytest.mark.parametrize(
    ("label", "pool", "metric", "template", "unit"),
    [
        ("one client alone, p50 (pool of 40)", 40, "solo_p50_ms", "{:.0f}", " ms"),
        ("50 clients, requests/s, pool of 40 connections per process", 40, "throughput_rps", "{}", ""),
        ("50 clients, requests/s, pool of 25 connections per process", 25, "throughput_rps", "{}", ""),
    ],
)
def test_slow_api_table_matches_the_results(label, pool, metric, template, unit):
    results = SLOW_APIS[pool]
    assert results["settings"]["fake_api_latency_ms"] == 500
    assert results["settings"]["gthread_threads_per_worker"] == 25
    expected = [pair("user_dashboard", server, metric, template, results) + unit for server in ("gthread", "asgi")]
    assert cells(label) == expected


@pytest.mark.parametrize("pool", [25, 40])
def test_slow_api_runs_used_the_pool_sizes_the_readme_names(pool):
    assert SLOW_APIS[pool]["settings"]["postgres_pool_size_per_worker"] == pool
