"""The verifier on the hand-written evaluation corpus (tests/data/eval), against the targets the
project is judged on: >= 90% of the DJA1xx/DJA2xx bugs, >= 95% of the blocking calls (DJA3xx),
>= 60% of the bugs hidden in sync helpers, and no finding on correct code.

The corpus and its `# expect:` annotations were written without reading the verifier's code;
bench/bench_recall.py documents the convention and prints the full list of misses and false
positives. A target the verifier does not meet yet is a strict xfail whose reason holds the
measured numbers: never lower a threshold to make it pass.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_recall  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "eval"


@pytest.fixture(scope="module")
def result():
    return bench_recall.run(CORPUS, "6.1")


def test_corpus_is_annotated_as_documented():
    expectations, _ = bench_recall.load_expectations(CORPUS)
    db = [e for e in expectations if not e["helper"] and not e["code"].startswith("DJA3")]
    blocking = [e for e in expectations if not e["helper"] and e["code"].startswith("DJA3")]
    helper = [e for e in expectations if e["helper"]]
    assert len(db) >= 140 and len(blocking) >= 40 and len(helper) >= 25
    apps = {p.parent.name for p in CORPUS.rglob("views_buggy.py")}
    assert apps == {p.parent.name for p in CORPUS.rglob("views_correct.py")} and len(apps) >= 5


def test_db_rules_recall(result):
    assert result["db"]["recall"] >= 0.90, result["missed"]


def test_blocking_recall(result):
    assert result["blocking"]["recall"] >= 0.95, result["missed"]


def test_helper_hidden_recall(result):
    assert result["helper"]["recall"] >= 0.60, result["missed"]


def test_no_findings_on_correct_code(result):
    assert result["false_positives"] == []


def test_no_unannotated_findings_on_buggy_files(result):
    # Each extra finding is a missing annotation or a false positive: triage it, never ignore it.
    assert result["extra_on_buggy"] == []
