"""Regenerate the repository's generated documentation: ``python -m verify.docgen`` (``make docs``).

* ``docs/rules.md`` from the rule registry;
* the README's rules by family, between ``<!-- rules-summary:begin -->`` and ``<!-- rules-summary:end -->``;
* the README's headline figures, between ``<!-- figures:begin -->`` and ``<!-- figures:end -->``, read
  from the benchmark results in ``bench/results/``;
* the recall and speed tables in ``docs/benchmarks.md`` (``bench-recall``,
  ``bench-recall-conversions``, ``bench-verify``), rendered by ``bench/bench_recall.py`` and
  ``bench/bench_verify.py`` from ``bench/results/recall*.json`` and ``verify.json``;
* the sample benchmark's tables and verdicts in ``docs/benchmarks.md``, between
  ``<!-- bench-sample:begin -->`` and ``<!-- bench-sample:end -->``, from ``bench/results/sample.json``;
* the public test suites run with the runtime plugin, in the README between
  ``<!-- runtime-suites:begin -->`` and ``<!-- runtime-suites:end -->`` and in ``docs/runtime.md``
  between ``<!-- runtime-suites-detail:begin -->`` and ``<!-- runtime-suites-detail:end -->``, from
  ``bench/results/runtime_suites.json``;
* copy-paste snippets in the README and the ``docs/`` pages, between
  ``<!-- snippet:begin docs/snippets/NAME -->`` and ``<!-- snippet:end -->``, copied verbatim from
  ``docs/snippets/`` (the files the tests run).

``--check`` writes nothing and exits 1, naming the stale files, when anything is out of date.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

from verify.analysis.rules_doc import RULES_DOC_PATH, rules_markdown, rules_summary
from verify.docgen.runtime_suites import detail as runtime_suites_detail
from verify.docgen.runtime_suites import summary_table as runtime_suites_table
from verify.docgen.sample_bench import sample_benchmark_markdown

_RULES_SUMMARY = re.compile(r"(<!-- rules-summary:begin -->\n).*?(<!-- rules-summary:end -->)", re.DOTALL)
_FIGURES = re.compile(r"(<!-- figures:begin -->\n).*?(<!-- figures:end -->)", re.DOTALL)
_SAMPLE_BENCH = re.compile(r"(<!-- bench-sample:begin -->\n).*?(<!-- bench-sample:end -->)", re.DOTALL)
_RUNTIME_SUITES = re.compile(r"(<!-- runtime-suites:begin -->\n).*?(<!-- runtime-suites:end -->)", re.DOTALL)
_RUNTIME_SUITES_DETAIL = re.compile(
    r"(<!-- runtime-suites-detail:begin -->\n).*?(<!-- runtime-suites-detail:end -->)", re.DOTALL
)
_SNIPPET = re.compile(r"(<!-- snippet:begin (?P<path>\S+) -->\n).*?(<!-- snippet:end -->)", re.DOTALL)
_FENCE_LANGUAGE = {".yaml": "yaml", ".yml": "yaml", ".toml": "toml"}


def _fenced(path: Path) -> str:
    body = path.read_text(encoding="utf-8")
    return f"```{_FENCE_LANGUAGE.get(path.suffix, 'text')}\n{body.rstrip()}\n```\n"


def headline_figures(results: Path) -> str:
    """One table of the measured figures, from the recorded benchmark results."""
    recall = json.loads((results / "recall.json").read_text(encoding="utf-8"))
    speed = json.loads((results / "verify.json").read_text(encoding="utf-8"))
    sample = json.loads((results / "sample.json").read_text(encoding="utf-8"))
    confirmed = json.loads((results / "recall-conversions.json").read_text(encoding="utf-8"))
    bugfix = json.loads((results / "bugfix.json").read_text(encoding="utf-8"))
    projects = len({bug["project"] for bug in bugfix["bugs"]})
    found = sum(recall[key]["found"] for key in ("db", "blocking", "helper"))
    expected = sum(recall[key]["expected"] for key in ("db", "blocking", "helper"))
    django, size = speed["django"], speed["sizes"]["django"]

    def solo(server: str) -> float:
        (row,) = [r for r in sample["results"] if (r["database"], r["server"], r["view"], r["api_latency_ms"])
                  == ("postgres", server, "user_dashboard", sample["settings"]["fake_api_latency_ms"])]
        return row["summary"]["solo_p50_ms"]["median"]

    rows = [
        "| what | measured | how |", "| --- | --- | --- |",
        f"| bugs found in AI-style conversions (evaluation corpus) | {found} / {expected}, "
        f"{len(recall['false_positives'])} findings on {recall['correct_files']} correct files | `bench/bench_recall.py` |",
        f"| runtime-confirmed bugs in converted views (runnable corpus) | {confirmed['all']['found']} / "
        f"{confirmed['all']['expected']}, {len(confirmed['false_positives'])} findings on {confirmed['correct_files']} "
        f"correct files | `bench/bench_recall.py --corpus tests/data/conversions` |",
        f"| real async bugs that shipped in {projects} public projects, found at the lines their fix changed | "
        f"{bugfix['found']} / {bugfix['total']}; held out (chosen before the verifier ran on them): "
        f"{bugfix['held_out']['found']} / {bugfix['held_out']['total']} | `make bench-bugfix` ([the set](docs/bugfix.md)) |",
        f"| verify, Django's source ({size['files']} files), cold / warm | {django['verify_cold']['seconds']:.2f} s / "
        f"{django['verify_warm']['seconds']:.2f} s (ruff `--select ASYNC`: {django['ruff']['seconds']:.2f} s) | `make bench-verify` |",
        f"| sample dashboard (two 100 ms API calls), one client, p50 (median of {sample['settings']['rounds']} rounds), PostgreSQL | sync views on threads "
        f"{solo('gthread'):.0f} ms, async views {solo('asgi'):.0f} ms | `make bench-sample` |",
    ]
    return "\n".join(rows)


def page_text(page: Path, root: Path) -> str:
    """A README or docs page with its generated blocks brought up to date."""
    text = page.read_text(encoding="utf-8")
    summary = rules_summary(link_prefix=os.path.relpath(root / RULES_DOC_PATH, page.parent))
    text = _RULES_SUMMARY.sub(lambda m: f"{m.group(1)}{summary}\n{m.group(2)}", text)
    if _FIGURES.search(text):
        figures = headline_figures(root / "bench" / "results")
        text = _FIGURES.sub(lambda m: f"{m.group(1)}{figures}\n{m.group(2)}", text)
    if _SAMPLE_BENCH.search(text):
        sample = json.loads((root / "bench" / "results" / "sample.json").read_text(encoding="utf-8"))
        text = _SAMPLE_BENCH.sub(lambda m: f"{m.group(1)}{sample_benchmark_markdown(sample)}{m.group(2)}", text)
    for name, (script, results) in _BENCH_BLOCKS.items():
        block = re.compile(rf"(<!-- {name}:begin -->\n).*?(<!-- {name}:end -->)", re.DOTALL)
        if block.search(text):
            recorded = json.loads((root / "bench" / "results" / results).read_text(encoding="utf-8"))
            table = _bench_script(root, script).readme_table(recorded)
            text = block.sub(lambda m, body=table: f"{m.group(1)}{body}{m.group(2)}", text)
    for block, render in ((_RUNTIME_SUITES, runtime_suites_table), (_RUNTIME_SUITES_DETAIL, runtime_suites_detail)):
        if block.search(text):
            suites = json.loads((root / "bench" / "results" / "runtime_suites.json").read_text(encoding="utf-8"))
            text = block.sub(lambda m, body=render(suites): f"{m.group(1)}{body}{m.group(2)}", text)

    def snippet(match: re.Match) -> str:
        return f"{match.group(1)}{_fenced(root / match.group('path'))}{match.group(3)}"

    return _SNIPPET.sub(snippet, text)


# docs/benchmarks.md's tables, each rendered by its benchmark script from the results it recorded.
_BENCH_BLOCKS = {"bench-recall": ("bench_recall", "recall.json"),
                 "bench-recall-conversions": ("bench_recall", "recall-conversions.json"),
                 "bench-verify": ("bench_verify", "verify.json")}


@lru_cache(maxsize=None)  # the pages of one run share each script
def _bench_script(root: Path, name: str):
    """A script of the repository's bench/ folder (not a module of the package), imported the way
    it runs: with bench/ on the path, for its own imports."""
    folder = str(root / "bench")
    spec = importlib.util.spec_from_file_location(name, root / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(folder)
    return module


def generated_files(root: Path) -> dict[Path, str]:
    """Every generated file and the text it should have."""
    rules_doc = root / RULES_DOC_PATH
    pages = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    generated = {rules_doc: rules_markdown()}
    for page in pages:
        if page != rules_doc:
            generated[page] = page_text(page, root)
    return generated


def stale_files(root: Path) -> list[Path]:
    return [path for path, text in generated_files(root).items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m verify.docgen", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the repository (default: .)")
    parser.add_argument("--check", action="store_true", help="only report stale files (exit 1 if any)")
    args = parser.parse_args(argv)
    stale = stale_files(args.root)
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(args.root)} (run `make docs`)", file=sys.stderr)
        return 1 if stale else 0
    for path, text in generated_files(args.root).items():
        if path in stale:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(args.root)}")
    return 0
