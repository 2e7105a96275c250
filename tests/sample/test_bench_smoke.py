"""``bench/bench_sample.py`` end to end, scaled down: three real servers, one view, SQLite."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "bench_sample.py"


def test_small_run_writes_results_for_every_server_and_a_chart(tmp_path):
    pytest.importorskip("matplotlib", reason="the benchmark's chart needs the bench extra: pip install -e '.[bench]'")
    command = [
        sys.executable, str(SCRIPT), "--databases", "sqlite", "--views", "category_list",
        "--requests", "20", "--warmup", "2", "--rounds", "1", "--clients", "5", "--out", str(tmp_path),
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, timeout=180)

    assert completed.returncode == 0, completed.stderr[-2000:]
    report = json.loads((tmp_path / "sample.json").read_text())
    assert [(r["server"], r["view"], r["requests"], r["errors"]) for r in report["results"]] == [
        ("sync", "category_list", 20, 0),
        ("gthread", "category_list", 20, 0),
        ("asgi", "category_list", 20, 0),
    ]
    assert {(r["view"], r["async_vs"]) for r in report["ratios"]} == {("category_list", "sync"), ("category_list", "gthread")}
    assert set(report["orm_gather"]["sqlite"]) == {"in_turn_seconds", "gathered_seconds"}
    assert (tmp_path / "sample.png").read_bytes().startswith(b"\x89PNG")
    assert "async vs" in completed.stdout


def test_unknown_server_is_a_usage_error(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--servers", "daphne", "--out", str(tmp_path)], capture_output=True, text=True
    )
    assert completed.returncode == 2
    assert "unknown server: daphne" in completed.stderr
