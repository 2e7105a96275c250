"""The public test suites run with the runtime plugin, from ``bench/results/runtime_suites.json``.

``make docs`` writes a short table into the README (between ``<!-- runtime-suites:begin -->`` and
``<!-- runtime-suites:end -->``) and the detail into ``docs/runtime.md`` (between
``<!-- runtime-suites-detail:begin -->`` and ``<!-- runtime-suites-detail:end -->``), so the
figures on both pages are the ones ``bench/bench_runtime_suites.py`` measured.
"""

from __future__ import annotations


def _outcome(counts: dict[str, int]) -> str:
    parts = [f"{counts[outcome]} {outcome}" for outcome in ("passed", "failed", "skipped") if counts[outcome]]
    return ", ".join(parts) or "no tests"


def _planted(suite: dict) -> str:
    found = [bug for bug, finding in suite["planted"].items() if finding["reported"]]
    return f"{len(found)} / {len(suite['planted'])}"


def _time(seconds: dict[str, float]) -> str:
    return f"{seconds['plain']:.1f} s / {seconds['checked']:.1f} s ({seconds['checked'] / seconds['plain']:.2f}x)"


def summary_table(results: dict) -> str:
    rows = [
        "| project (version, commit) | tests | plain | `--async-verify` | wall time without / with "
        "| CPU time without / with | planted bugs reported |",
        "| --- | ---: | --- | --- | --- | --- | ---: |",
    ]
    for suite in results["suites"]:
        rows.append(
            f"| {suite['name']} ({suite['version']}, {suite['commit'][:7]}) | {suite['tests']} | "
            f"{_outcome(suite['plain'])} | {_outcome(suite['checked'])} | {_time(suite['wall_seconds'])} | "
            f"{_time(suite['cpu_seconds'])} | {_planted(suite)} |"
        )
    return "\n".join(rows) + "\n"


def detail(results: dict) -> str:
    lines = [
        f"Measured on {results['machine']} (load average {results['load_average_before']} before the run), "
        f"with {', '.join(results['requirements'])}; times are the fastest of "
        f"{results['suites'][0]['runs_per_mode']} runs per mode, the modes alternating.",
        "",
        summary_table(results),
        "| project | tests failing only with the plugin | planted bugs (file:line) |",
        "| --- | --- | --- |",
    ]
    for suite in results["suites"]:
        failing = "<br>".join(f"`{test}`" for test in suite["failing_only_with_plugin"]) or "none"
        planted = "<br>".join(
            f"{bug}: `{finding['where']}` {'reported' if finding['reported'] else '**missed**'}"
            for bug, finding in suite["planted"].items()
        )
        lines.append(f"| {suite['name']} | {failing} | {planted} |")
    return "\n".join(lines) + "\n"
