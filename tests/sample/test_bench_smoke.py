"""``bench/bench_sample.py`` end to end, scaled down: three real servers, one view, SQLite, two short rounds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "bench_sample.py"


def test_small_run_writes_rounds_ranges_verdicts_and_a_chart(tmp_path):
    pytest.importorskip("matplotlib", reason="the benchmark's chart needs the bench extra: pip install -e '.[bench]'")
    command = [
        sys.executable, str(SCRIPT), "--databases", "sqlite", "--views", "category_list", "--sync-views", "category_list",
        "--duration", "0.5", "--warmup", "0.2", "--rounds", "2", "--clients", "5", "--out", str(tmp_path),
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, timeout=180)

    assert completed.returncode == 0, completed.stderr[-2000:]
    report = json.loads((tmp_path / "sample.json").read_text())
    assert [(r["server"], r["view"], len(r["rounds"]), r["errors"]) for r in report["results"]] == [
        ("sync", "category_list", 2, 0),
        ("gthread", "category_list", 2, 0),
        ("asgi", "category_list", 2, 0),
    ]
    throughput = report["results"][2]["summary"]["throughput_rps"]
    assert throughput["min"] <= throughput["median"] <= throughput["max"]
    assert set(report["results"][2]["summary"]) == {"throughput_rps", "p50_ms", "p95_ms", "p99_ms", "burst_50_seconds"}
    baselines = {(row["baseline"].split()[1], row["metric"]) for row in report["comparisons"]}
    assert ("gthread", "p99_ms") in baselines and ("sync", "throughput_rps") in baselines
    assert {row["verdict"] for row in report["comparisons"]} <= {"higher", "lower", "no measurable difference"}
    assert set(report["orm_gather"]["sqlite"]) == {"in_turn_seconds", "gathered_seconds"}
    assert (tmp_path / "sample.png").read_bytes().startswith(b"\x89PNG")
    assert "sqlite asgi category_list api=100ms pool=none  vs  sqlite gthread category_list api=100ms pool=none: req/s x" in completed.stdout
    assert "total: " in completed.stdout


def test_unknown_server_is_a_usage_error(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--servers", "daphne", "--out", str(tmp_path)], capture_output=True, text=True
    )
    assert completed.returncode == 2
    assert "unknown server: daphne" in completed.stderr


def test_pool_sizes_that_are_not_numbers_are_a_usage_error(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--slow-pool-sizes", "25,many", "--out", str(tmp_path)], capture_output=True, text=True
    )
    assert completed.returncode == 2
    assert "--slow-pool-sizes: whole numbers separated by commas, not '25,many'" in completed.stderr
