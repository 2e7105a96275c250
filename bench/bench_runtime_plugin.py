"""What does ``pytest --async-verify`` cost? Time a Django test suite with the plugin on and off.

The suite is the runtime plugin's demo project (``tests/runtime/demo_project``): its tests that
pass in both modes (async views with the async ORM, a TemplateResponse with a lazy QuerySet
through ``Client`` and ``AsyncClient``, a sync view, ``sync_to_async``, logged-in twins compared
by ``assert_views_equivalent``), repeated ``--repeat`` times in one pytest session with
``--keep-duplicates``. Each mode runs ``--runs`` times, the two modes alternating so that a busy
machine slows both alike, and the medians are compared. Two figures:

- session: pytest's own duration ("N passed in X s"): collection, database set-up and the tests;
- wall:    the whole process, including Python start-up and imports (the same in both modes).

    .venv/bin/python bench/bench_runtime_plugin.py               # 5 runs per mode, suite x 20
    .venv/bin/python bench/bench_runtime_plugin.py --runs 3 --repeat 10 --max-ratio 1.3

Exit status 1 when the session ratio exceeds ``--max-ratio``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEMO_PROJECT = Path(__file__).resolve().parent.parent / "tests" / "runtime" / "demo_project"
# The demo tests that pass with and without the plugin: what a healthy suite looks like.
SUITE = (
    "demo_tests/test_safe_views.py",
    "demo_tests/test_request_user.py::test_whoami_anonymous",
    "demo_tests/test_equivalence.py::test_twins_answer_alike",
    "demo_tests/test_equivalence.py::test_twins_answer_alike_for_staff",
)
_SESSION_TIME = re.compile(r"(\d+) passed.* in ([\d.]+)s")


def run_suite(project: Path, repeat: int, plugin_on: bool) -> tuple[float, float, int]:
    """(session seconds, wall seconds, tests passed) of one pytest run."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--keep-duplicates"]
    if plugin_on:
        command.append("--async-verify")
    command += list(SUITE) * repeat
    environment = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTEST_ADDOPTS")}
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=project, env=environment, capture_output=True, text=True)
    wall = time.perf_counter() - started
    match = _SESSION_TIME.search(completed.stdout)
    if completed.returncode != 0 or match is None:
        sys.exit(f"the suite failed (plugin {'on' if plugin_on else 'off'}):\n{completed.stdout}{completed.stderr}")
    return float(match.group(2)), wall, int(match.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per mode (default 5)")
    parser.add_argument("--repeat", type=int, default=20, help="copies of the suite per run (default 20)")
    parser.add_argument("--max-ratio", type=float, default=1.3, help="fail above this session ratio (1.3)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-runtime-plugin-") as directory:
        project = Path(directory)
        shutil.copytree(DEMO_PROJECT, project, dirs_exist_ok=True)
        run_suite(project, 1, plugin_on=True)  # warm-up: .pyc files, the OS file cache
        timings: dict[bool, list[tuple[float, float, int]]] = {False: [], True: []}
        for _ in range(args.runs):
            for plugin_on in (False, True):
                timings[plugin_on].append(run_suite(project, args.repeat, plugin_on))

    tests = timings[True][0][2]
    print(f"suite: {tests} tests per run ({tests // args.repeat} tests x {args.repeat}), {args.runs} runs per mode")
    print(f"{'':12}{'session s':>12}{'wall s':>10}")
    medians = {}
    for plugin_on, label in ((False, "plugin off"), (True, "plugin on")):
        session = statistics.median(t[0] for t in timings[plugin_on])
        wall = statistics.median(t[1] for t in timings[plugin_on])
        medians[plugin_on] = (session, wall)
        print(f"{label:12}{session:12.2f}{wall:10.2f}")
    session_ratio = medians[True][0] / medians[False][0]
    wall_ratio = medians[True][1] / medians[False][1]
    per_test_ms = (medians[True][0] - medians[False][0]) / tests * 1000
    print(f"{'ratio':12}{session_ratio:11.2f}x{wall_ratio:9.2f}x   ({per_test_ms:+.2f} ms per test)")
    if session_ratio > args.max_ratio:
        print(f"over budget: {session_ratio:.2f}x > {args.max_ratio}x", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
