"""The runtime-confirmed conversions corpus (tests/data/conversions): every annotated bug really
breaks its view when the view runs, every correct twin runs cleanly, and the verifier's figures
on it are the recorded ones (bench/results/recall-conversions.json, shown in docs/benchmarks.md).

The corpus is its own Django project with its own settings, so its confirm_runtime.py runs in a
subprocess; the main suite runs with the sample project's settings.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_recall  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "conversions"


@pytest.fixture(scope="module")
def result():
    return bench_recall.run(CORPUS, "6.1")


def test_every_annotated_bug_is_confirmed_at_runtime(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env["CONVERSIONS_SCRATCH"] = str(tmp_path)
    run = subprocess.run([sys.executable, "-m", "pytest", "-v"], cwd=CORPUS, env=env,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    confirmed = re.findall(r"test_annotated_bug_happens_at_its_line\[\S+\] PASSED", run.stdout)
    correct = re.findall(r"test_correct_view_runs_cleanly\[\S+\] PASSED", run.stdout)
    expectations, _ = bench_recall.load_expectations(CORPUS)
    annotated_lines = {(e["file"], e["line"]) for e in expectations}
    # One annotated line per buggy view, each confirmed by its own test.
    assert len(confirmed) == len(annotated_lines) >= 120
    assert len(correct) >= 100


def test_no_findings_on_correct_code(result):
    assert result["false_positives"] == []


def test_no_unannotated_findings_on_buggy_files(result):
    assert result["extra_on_buggy"] == []


def test_recorded_figures_are_the_current_verifiers(result):
    recorded = json.loads((ROOT / "bench" / "results" / "recall-conversions.json").read_text())
    for key in ("db", "blocking", "pitfalls", "helper", "all"):
        assert result[key] == recorded[key], f"{key}: rerun `python bench/bench_recall.py --json --corpus tests/data/conversions`"


def test_recall_target(result):
    # Issue 17: at least 90% of the runtime-confirmed bugs in assistant-style conversions.
    assert result["all"]["recall"] >= 0.90, result["missed"]
