"""What does ``pytest --async-verify`` cost? Time a Django test suite with the plugin on and off.

The suite (``--project``) is the runtime plugin's demo project (``tests/runtime/demo_project``,
the default): its tests that pass in both modes (async views with the async ORM, a TemplateResponse with a lazy QuerySet
through ``Client`` and ``AsyncClient``, a sync view, ``sync_to_async``, logged-in twins compared
by ``assert_views_equivalent``), repeated ``--repeat`` times in one pytest session with
``--keep-duplicates``. Each mode runs ``--runs`` times, the two modes alternating so that a busy
machine slows both alike, and the fastest run of each mode is compared (as ``timeit`` does: the
fastest run is the one other processes disturbed least). ``--project api`` times the API project
instead (``tests/runtime/api_project/api_tests``: django-ninja, adrf, logging to a file and live
logs, templates, httpx2 calls to a local fake). Three figures:

- session: pytest's own duration ("N passed in X s"): collection, database set-up and the tests;
- wall:    the whole process, including Python start-up and imports (the same in both modes);
- cpu:     the CPU time of the whole process (user + system), less sensitive to other processes.

The budget (``--max-ratio``) applies to the session time: what a developer waits for.

    .venv/bin/python bench/bench_runtime_plugin.py               # 5 runs per mode, suite x 20
    .venv/bin/python bench/bench_runtime_plugin.py --runs 3 --repeat 10 --max-ratio 1.3
    .venv/bin/python bench/bench_runtime_plugin.py --project api --repeat 10

Exit status 1 when the session time ratio exceeds ``--max-ratio``.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

RUNTIME_TESTS = Path(__file__).resolve().parent.parent / "tests" / "runtime"
# Per project: its directory and the tests that pass with and without the plugin.
PROJECTS = {
    "demo": (
        RUNTIME_TESTS / "demo_project",
        (
            "demo_tests/test_safe_views.py",
            "demo_tests/test_request_user.py::test_whoami_anonymous",
            "demo_tests/test_equivalence.py::test_twins_answer_alike",
            "demo_tests/test_equivalence.py::test_twins_answer_alike_for_staff",
        ),
    ),
    "api": (RUNTIME_TESTS / "api_project", ("api_tests",)),
}
_SESSION_TIME = re.compile(r"(\d+) passed.* in ([\d.]+)s")


class Timing(NamedTuple):
    session: float  # seconds, as pytest reports them
    wall: float
    cpu: float
    passed: int


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_suite(project: Path, suite: tuple[str, ...], repeat: int, plugin_on: bool) -> Timing:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--keep-duplicates"]
    if plugin_on:
        command.append("--async-verify")
    command += list(suite) * repeat
    environment = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTEST_ADDOPTS")}
    cpu_before, started = _children_cpu(), time.perf_counter()
    completed = subprocess.run(command, cwd=project, env=environment, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - started, _children_cpu() - cpu_before
    match = _SESSION_TIME.search(completed.stdout)
    if completed.returncode != 0 or match is None:
        sys.exit(f"the suite failed (plugin {'on' if plugin_on else 'off'}):\n{completed.stdout}{completed.stderr}")
    return Timing(float(match.group(2)), wall, cpu, int(match.group(1)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per mode (default 5)")
    parser.add_argument("--repeat", type=int, default=20, help="copies of the suite per run (default 20)")
    parser.add_argument("--project", choices=sorted(PROJECTS), default="demo", help="the suite to time (demo)")
    parser.add_argument("--max-ratio", type=float, default=1.3, help="fail above this session time ratio (1.3)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-runtime-plugin-") as directory:
        project = Path(directory)
        source, suite = PROJECTS[args.project]
        shutil.copytree(source, project, dirs_exist_ok=True)
        run_suite(project, suite, 1, plugin_on=True)  # warm-up: .pyc files, the OS file cache
        timings: dict[bool, list[Timing]] = {False: [], True: []}
        for _ in range(args.runs):
            for plugin_on in (False, True):
                timings[plugin_on].append(run_suite(project, suite, args.repeat, plugin_on))

    tests = timings[True][0].passed
    print(f"{args.project} suite: {tests} tests per run ({tests // args.repeat} tests x {args.repeat}), {args.runs} runs per mode")
    print(f"{'':12}{'session s':>11}{'wall s':>9}{'cpu s':>8}")
    fastest = {
        plugin_on: Timing(*(min(getattr(t, field) for t in timings[plugin_on]) for field in Timing._fields))
        for plugin_on in (False, True)
    }
    for plugin_on, label in ((False, "plugin off"), (True, "plugin on")):
        best = fastest[plugin_on]
        print(f"{label:12}{best.session:11.2f}{best.wall:9.2f}{best.cpu:8.2f}")
    on, off = fastest[True], fastest[False]
    ratios = [on.session / off.session, on.wall / off.wall, on.cpu / off.cpu]
    print(f"{'ratio':12}{ratios[0]:10.2f}x{ratios[1]:8.2f}x{ratios[2]:7.2f}x")
    print(f"per test: {(on.session - off.session) / tests * 1000:+.2f} ms with the plugin on (fastest runs)")
    if ratios[0] > args.max_ratio:
        print(f"over budget: session {ratios[0]:.2f}x > {args.max_ratio}x", file=sys.stderr)
        return 1
    return 0

if __name__ == "__main__":
    sys.exit(main())
