"""The sample benchmark's claims in docs/benchmarks.md follow from ``bench/results/sample.json``.

The page's tables and verdicts are generated from the JSON (``make docs``); these tests check that
the committed JSON is consistent with its own rounds (medians, ranges, and every "higher", "lower"
or "no measurable difference"), that it measured what the page discusses, and that the page shows
exactly what the JSON says. Re-running ``make bench-sample`` and forgetting ``make docs`` fails here.
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import sys
from pathlib import Path

import pytest

from verify.docgen.sample_bench import sample_benchmark_markdown

ROOT = Path(__file__).resolve().parents[2]
RESULTS = json.loads((ROOT / "bench" / "results" / "sample.json").read_text())
PAGE = (ROOT / "docs" / "benchmarks.md").read_text()
CASES = {result["case"]: result for result in RESULTS["results"]}


def load_bench_script():
    spec = importlib.util.spec_from_file_location("bench_sample", ROOT / "bench" / "bench_sample.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("case", CASES)
def test_each_summary_is_the_median_and_range_of_its_rounds(case):
    result = CASES[case]
    assert len(result["rounds"]) == RESULTS["settings"]["rounds"] >= 5
    assert result["errors"] == 0
    for metric, summary in result["summary"].items():
        values = [figures[metric] for figures in result["rounds"]]
        assert summary == {"median": round(statistics.median(values), 3), "min": min(values), "max": max(values)}


def test_every_verdict_follows_from_the_ranges_of_the_rounds():
    for row in RESULTS["comparisons"]:
        ours = [figures[row["metric"]] for figures in CASES[row["subject"]]["rounds"]]
        theirs = [figures[row["metric"]] for figures in CASES[row["baseline"]]["rounds"]]
        if min(ours) > max(theirs):
            expected = "higher"
        elif max(ours) < min(theirs):
            expected = "lower"
        else:
            expected = "no measurable difference"
        assert row["verdict"] == expected, row
        assert row["ratio"] == round(statistics.median(ours) / statistics.median(theirs), 2), row


def test_the_run_measured_what_the_page_discusses():
    settings = RESULTS["settings"]
    measured = {(r["database"], r["server"], r["view"], r["api_latency_ms"], r["pool_size"]) for r in RESULTS["results"]}
    for database, pool in (("sqlite", None), ("postgres", settings["postgres_pool_size_per_worker"])):
        for server in ("sync", "gthread", "asgi"):
            assert (database, server, "user_dashboard", 100, pool) in measured
        for view in ("order_confirmation", "category_list"):
            assert {(database, server, view, 100, pool) for server in ("gthread", "asgi")} <= measured
    assert settings["slow_api_latency_ms"] == 500 and settings["slow_api_pool_sizes"] == [25, 40]
    assert {("postgres", "asgi", "user_dashboard", 500, pool) for pool in (25, 40)} <= measured
    assert ("postgres", "gthread", "user_dashboard", 500, 25) in measured
    compared = {(CASES[row["subject"]]["pool_size"], CASES[row["baseline"]]["pool_size"])
                for row in RESULTS["comparisons"] if CASES[row["baseline"]]["server"] == "asgi"}  # fmt: skip
    assert compared == {(25, 40)}, "the pool of 25 is compared with the pool of 40"


def test_the_page_shows_the_tables_and_verdicts_of_the_committed_results():
    block = PAGE.partition("<!-- bench-sample:begin -->\n")[2].partition("<!-- bench-sample:end -->")[0]
    assert block == sample_benchmark_markdown(RESULTS), "run `make docs` after `make bench-sample`"
    total = RESULTS["settings"]["total_seconds"] / 60
    assert f"The whole run took {total:.1f} minutes." in block


def test_a_verdict_is_a_direction_only_where_the_ranges_do_not_overlap():
    bench = load_bench_script()
    assert bench.verdict({"min": 11, "max": 12}, {"min": 9, "max": 10.9}) == "higher"
    assert bench.verdict({"min": 1, "max": 2}, {"min": 2.5, "max": 3}) == "lower"
    assert bench.verdict({"min": 1, "max": 2.5}, {"min": 2.5, "max": 3}) == "no measurable difference"
    assert bench.verdict({"min": 1, "max": 9}, {"min": 4, "max": 5}) == "no measurable difference"


def test_the_page_writes_no_direction_where_the_rounds_overlap():
    report = dict(RESULTS, comparisons=[dict(row, verdict="no measurable difference") for row in RESULTS["comparisons"]])
    text = sample_benchmark_markdown(report)
    assert "in every round" not in text and "no measurable difference (" in text
