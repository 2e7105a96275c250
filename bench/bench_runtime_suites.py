"""Does ``pytest --async-verify`` hold on public test suites? Run them without and with it, plant bugs.

For each public Django project with an async test suite (``SUITES``), at a pinned commit:

1. its source tree (package and tests) is exported from a git repository at that commit (the
   commit id is the hash that pins it): a local mirror under ``--mirrors`` (``owner+name/repo``,
   as the kit's source cache stores them) or, failing that, a clone from GitHub; cached under
   ``--cache`` (``~/.cache/django-async-kit/runtime-suites``), never in this repository;
2. it is installed, with its test dependencies at pinned versions, into a virtualenv of its own in
   that cache, created once; the kit is loaded from this checkout (``-p verify.pytest_plugin``);
3. its test suite runs twice: plain, then with ``--async-verify -o async_verify_paths=<package>``
   (its package, an absolute path: a ``pytest.ini`` in the test directory would move a relative
   one; the package is the code under check, its tests are not), ``--runs`` times each, the modes
   alternating; the per-test outcomes (JUnit XML, first run) tell which tests pass plain and fail
   with the plugin, and the fastest wall and CPU times of each mode are kept;
4. three bugs are planted in an async view added to its package (``PLANTED_VIEW``: a
   ``time.sleep``, a sync ORM call, a lazy foreign key, on Django's own auth models, which every
   suite installs), with a test that requests it through ``Client``; the plugin must report each
   one at its file and line.

Results go to ``bench/results/runtime_suites.json``; ``make docs`` renders them into the README
and ``docs/runtime.md``.

    .venv/bin/python bench/bench_runtime_suites.py                    # all suites
    .venv/bin/python bench/bench_runtime_suites.py --suite adrf       # one
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
import venv
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "runtime_suites.json"
DEFAULT_CACHE = Path.home() / ".cache" / "django-async-kit" / "runtime-suites"
DEFAULT_MIRRORS = Path("/work/.mirror")
# The test tools every suite runs with, and the Django the kit targets.
COMMON_REQUIREMENTS = (
    "Django==6.1.3",
    "pytest==9.2.0",
    "pytest-django==4.14.0",
    "pytest-asyncio==1.5.0",
    "blockbuster==1.5.29",
)


@dataclass(frozen=True)
class Suite:
    name: str
    repository: str  # owner/name on GitHub
    commit: str  # 40 hex digits
    package: str  # the directory of the project's own code, relative to the tree
    tests: str  # the test directory pytest runs
    requirements: tuple[str, ...]  # test dependencies, pinned


SUITES = (
    Suite(
        "django-ninja",
        "vitalik/django-ninja",
        "d524516f9ec4ec3aa6ca73db87d3238663c10f7f",
        "ninja",
        "tests",
        ("pydantic==2.14.4", "psycopg2-binary==2.9.13"),
    ),
    Suite(
        "adrf",
        "em1208/adrf",
        "d63848a27ed6f942a4b63ee6a831fe2e3919d627",  # the 0.1.14 release
        "adrf",
        "tests",
        ("djangorestframework==3.18.3", "async-property==0.2.2", "faker==26.3.0"),
    ),
    Suite(
        "django-ninja-extra",
        "eadwinCode/django-ninja-extra",
        "4be4bb5f4680519555392e24c5fb0a3c4b52b9fc",
        "ninja_extra",
        "tests",
        ("django-ninja==1.7.1", "pydantic==2.14.4", "injector==0.24.0", "ninja-schema==0.14.3"),
    ),
)

PLANTED_MODULE = "async_verify_planted"
# Each bug on a line of its own, found again by its marker to know the line the report must name.
PLANTED_BUGS = {"time.sleep": "# planted: blocking sleep", "sync ORM call": "# planted: sync ORM call",
                "lazy foreign key": "# planted: lazy foreign key"}
PLANTED_VIEW = '''"""Planted by bench/bench_runtime_suites.py: an async view with three async-safety bugs."""

import time

from django.contrib.auth.models import Permission
from django.http import HttpResponse
from django.urls import path


async def planted_bugs(request):
    time.sleep(0.001)  # planted: blocking sleep
    count = Permission.objects.count()  # planted: sync ORM call
    permission = await Permission.objects.order_by("pk").afirst()
    label = permission.content_type.app_label  # planted: lazy foreign key
    return HttpResponse(f"{count} {label}")


urlpatterns = [path("async-verify-planted/", planted_bugs)]
'''
PLANTED_TEST = '''import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType


@pytest.mark.urls("{package}.{module}")
def test_planted_bugs(client, db):
    content_type = ContentType.objects.create(app_label="async_verify", model="planted")
    Permission.objects.create(codename="planted", name="Planted", content_type=content_type)
    assert client.get("/async-verify-planted/").status_code == 200
'''
# The place a violation was found, in the plugin's report: `  at:      path:line in function`.
_REPORTED_AT = re.compile(r"^  at:      (\S+):(\d+) in ", re.MULTILINE)
# `__version__` in the package, else `version` in pyproject.toml (poetry).
_VERSION = re.compile(r"""^(?:__version__|version)\s*=\s*["']([^"']+)["']""", re.MULTILINE)


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def export_tree(suite: Suite, cache: Path, mirrors: Path) -> Path:
    """The project's tree at the pinned commit, exported once into the cache."""
    tree = cache / f"{suite.name}-{suite.commit[:12]}"
    if (tree / suite.package).is_dir():
        return tree
    git_dir = mirrors / suite.repository.replace("/", "+") / "repo"
    if not git_dir.is_dir():
        git_dir = cache / "git" / suite.repository.replace("/", "+")
        if not git_dir.is_dir():
            _run(["git", "clone", "--bare", f"https://github.com/{suite.repository}.git", str(git_dir)])
    staging = tree.with_suffix(".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    # The package, the tests and the top-level files: a mirror may lack the blobs of docs' images.
    top_level = _run(["git", f"--git-dir={git_dir}", "ls-tree", suite.commit]).stdout.splitlines()
    paths = [entry.split("\t", 1)[1] for entry in top_level
             if entry.split()[1] == "blob" or entry.split("\t", 1)[1] in (suite.package, suite.tests)]
    archive = subprocess.run(["git", f"--git-dir={git_dir}", "archive", suite.commit, *paths], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(staging)], input=archive.stdout, check=True)
    staging.rename(tree)
    return tree


def environment_python(suite: Suite, tree: Path, cache: Path) -> Path:
    """A virtualenv with the project and its pinned test dependencies, created once."""
    directory = cache / f"venv-{suite.name}-{suite.commit[:12]}"
    python = directory / "bin" / "python"
    if not (directory / ".complete").is_file():
        shutil.rmtree(directory, ignore_errors=True)
        venv.create(directory, with_pip=True)
        _run([str(python), "-m", "pip", "install", "--quiet", *COMMON_REQUIREMENTS, *suite.requirements, str(tree)])
        (directory / ".complete").write_text("")
    return python


@dataclass
class Run:
    outcomes: dict[str, str]  # test id -> passed / failed / skipped
    wall: float
    cpu: float
    output: str

    def count(self, outcome: str) -> int:
        return sum(1 for value in self.outcomes.values() if value == outcome)

    def summary(self) -> dict[str, int]:
        return {outcome: self.count(outcome) for outcome in ("passed", "failed", "skipped")}


def _outcomes(junit: Path) -> dict[str, str]:
    outcomes = {}
    for case in ElementTree.parse(junit).iter("testcase"):
        test = f"{case.get('classname')}::{case.get('name')}"
        if case.find("failure") is not None or case.find("error") is not None:
            outcomes[test] = "failed"
        elif case.find("skipped") is not None:
            outcomes[test] = "skipped"
        else:
            outcomes[test] = "passed"
    return outcomes


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_tests(python: Path, tree: Path, arguments: list[str], junit: Path, *, load_kit: bool = True) -> Run:
    """``load_kit``: load the plugin by name (the suites' virtualenvs do not install the kit)."""
    command = [str(python), "-m", "pytest", "-p", "no:cacheprovider", *(["-p", "verify.pytest_plugin"] if load_kit else []),
               f"--junitxml={junit}", "-q", *arguments]
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("DJANGO_SETTINGS_MODULE", "PYTEST_ADDOPTS", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    environment["PYTHONPATH"] = str(ROOT)  # the kit from this checkout, not an installed copy
    cpu_before, started = _children_cpu(), time.perf_counter()
    completed = subprocess.run(command, cwd=tree, env=environment, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - started, _children_cpu() - cpu_before
    if not junit.is_file():
        sys.exit(f"pytest did not run in {tree}:\n{completed.stdout[-3000:]}{completed.stderr[-3000:]}")
    return Run(_outcomes(junit), wall, cpu, completed.stdout)


def planted_files(suite: Suite, tree: Path) -> tuple[Path, Path]:
    """The planted view, in the project's package, and the test that requests it."""
    return tree / suite.package / f"{PLANTED_MODULE}.py", tree / suite.tests / f"test_{PLANTED_MODULE}.py"


def plant(suite: Suite, tree: Path) -> None:
    view, test = planted_files(suite, tree)
    view.write_text(PLANTED_VIEW, encoding="utf-8")
    test.write_text(PLANTED_TEST.format(package=suite.package, module=PLANTED_MODULE), encoding="utf-8")


def planted_findings(suite: Suite, output: str) -> dict[str, dict]:
    """For each planted bug: the file:line it is on, and whether the report named that place."""
    planted_file = f"{suite.package}/{PLANTED_MODULE}.py"
    lines = PLANTED_VIEW.splitlines()
    findings = {}
    for bug, marker in PLANTED_BUGS.items():
        (number,) = [index for index, line in enumerate(lines, start=1) if marker in line]
        where = f"{planted_file}:{number}"
        # Relative to pytest's rootdir, or absolute when the rootdir is the test directory.
        reported = any(
            match.group(1).replace("\\", "/").endswith(planted_file) and int(match.group(2)) == number
            for match in _REPORTED_AT.finditer(output)
        )
        findings[bug] = {"where": where, "reported": reported}
    return findings


def bench_suite(suite: Suite, cache: Path, mirrors: Path, runs: int) -> dict:
    tree = export_tree(suite, cache, mirrors)
    python = environment_python(suite, tree, cache)
    version_match = _VERSION.search((tree / suite.package / "__init__.py").read_text(encoding="utf-8")) or _VERSION.search(
        (tree / "pyproject.toml").read_text(encoding="utf-8")
    )
    work = cache / "runs" / suite.name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    planted_view, planted_test = planted_files(suite, tree)
    for planted in (planted_view, planted_test):
        planted.unlink(missing_ok=True)

    # The two modes alternate, so that a busy machine slows both alike; the fastest run of each
    # is the one other processes disturbed least (as timeit does). Outcomes are from the first.
    plain_runs, checked_runs = [], []
    for round_number in range(1, runs + 1):
        print(f"{suite.name}: plain run {round_number}/{runs}", flush=True)
        plain_runs.append(run_tests(python, tree, [suite.tests], work / f"plain-{round_number}.xml"))
        if "error during collection" in plain_runs[0].output or "errors during collection" in plain_runs[0].output:
            sys.exit(f"{suite.name}: its tests do not collect (a missing test dependency?):\n{plain_runs[0].output[-3000:]}")
        print(f"{suite.name}: run {round_number}/{runs} with --async-verify", flush=True)
        checked_runs.append(run_tests(
            python, tree, ["--async-verify", "-o", f"async_verify_paths={tree / suite.package}", suite.tests],
            work / f"checked-{round_number}.xml",
        ))
    plain, checked = plain_runs[0], checked_runs[0]
    (work / "checked.txt").write_text(checked.output)

    plant(suite, tree)
    try:
        print(f"{suite.name}: planted bugs", flush=True)
        planted_run = run_tests(
            python, tree, ["--async-verify", "-o", f"async_verify_paths={tree / suite.package}", str(planted_test.relative_to(tree))],
            work / "planted.xml",
        )
    finally:
        planted_view.unlink()
        planted_test.unlink()
    (work / "planted.txt").write_text(planted_run.output)

    newly_failing = sorted(test for test, outcome in checked.outcomes.items()
                           if outcome == "failed" and plain.outcomes.get(test) == "passed")
    return {
        "name": suite.name,
        "repository": suite.repository,
        "commit": suite.commit,
        "version": version_match.group(1) if version_match else "?",
        "tests": len(plain.outcomes),
        "plain": plain.summary(),
        "checked": checked.summary(),
        "failing_only_with_plugin": newly_failing,
        "runs_per_mode": runs,
        "wall_seconds": {"plain": round(min(run.wall for run in plain_runs), 2),
                         "checked": round(min(run.wall for run in checked_runs), 2)},
        "cpu_seconds": {"plain": round(min(run.cpu for run in plain_runs), 2),
                        "checked": round(min(run.cpu for run in checked_runs), 2)},
        "planted": planted_findings(suite, planted_run.output),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", choices=[suite.name for suite in SUITES], action="append",
                        help="run only this suite (repeatable; default: all)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"where trees and venvs go ({DEFAULT_CACHE})")
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS,
                        help="local git mirrors, owner+name/repo (else clone from GitHub)")
    parser.add_argument("--runs", type=int, default=3, help="runs per mode; the fastest is kept (default 3)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="the JSON results file")
    args = parser.parse_args(argv)

    selected = [suite for suite in SUITES if not args.suite or suite.name in args.suite]
    args.cache.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    results = [bench_suite(suite, args.cache, args.mirrors, args.runs) for suite in selected]
    document = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_before": round(load_before, 1),
        "requirements": list(COMMON_REQUIREMENTS),
        "suites": results,
    }
    args.output.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    for result in results:
        planted = ", ".join(f"{bug} {'reported' if found['reported'] else 'MISSED'}"
                            for bug, found in result["planted"].items())
        print(f"{result['name']} {result['version']}: {result['tests']} tests; plain {result['plain']}, "
              f"with the plugin {result['checked']}; wall {result['wall_seconds']['plain']} s / "
              f"{result['wall_seconds']['checked']} s; failing only with the plugin: "
              f"{result['failing_only_with_plugin'] or 'none'}; {planted}")
    missed = [result["name"] for result in results if not all(found["reported"] for found in result["planted"].values())]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
