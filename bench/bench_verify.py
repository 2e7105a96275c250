"""Verifier speed, side by side with ruff and flake8-async, on this machine.

    python bench/bench_verify.py [--tools-venv bench/.tools-venv] [--flake8] [--repeat 5]

Corpora: Django's own source (the installed Django package, copied out of the virtualenv so
that no .gitignore hides it) and a generated all-async code base of 100k lines
(bench/make_corpus.py). Measured, each the median of --repeat runs:

- cold, no cache: `python -m verify DIR --no-cache` and `ruff check --select ASYNC --no-cache`;
- the floor under a cold run in Python: reading and `ast.parse`-ing only the files with
  `async def` (the ones the verifier must analyse), one process per core;
- warm: `python -m verify DIR` with a filled cache and nothing changed;
- `verify --changed` in a git repository holding both corpora, one file edited;
- flake8 with flake8-async (`--select ASYNC`): minutes per run, so measured only with --flake8
  and otherwise read from the last recorded run (bench/results/flake8_async.json).

Peak memory is each process's maximum resident set size. Results go to bench/results/verify.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))
from make_corpus import generate  # noqa: E402


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, float, int, subprocess.CompletedProcess]:
    """(wall seconds, CPU seconds of the process and its workers, peak RSS in MB, result) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: each run is measured in a fresh
    # helper process (see _measure) so that it is this run's peak.
    return wall, cpu, after.ru_maxrss // 1024, result


def _measure(command: list[str], cwd: str | None) -> None:
    wall, cpu, peak, result = timed(command, Path(cwd) if cwd else None)
    print(json.dumps({"wall": wall, "cpu": cpu, "peak": peak, "code": result.returncode, "stderr": result.stderr[-2000:]}))


def median_run(command: list[str], repeat: int, cwd: Path | None = None) -> dict:
    walls, cpus, peaks = [], [], []
    for _ in range(repeat):
        probe = subprocess.run([sys.executable, __file__, "--measure", json.dumps([command, str(cwd) if cwd else None])],
                               capture_output=True, text=True, check=True)
        run = json.loads(probe.stdout)
        if run["code"] not in (0, 1):
            raise SystemExit(f"failed: {' '.join(command)}\n{run['stderr']}")
        walls.append(run["wall"])
        cpus.append(run["cpu"])
        peaks.append(run["peak"])
    return {"seconds": round(statistics.median(walls), 3), "cpu_seconds": round(statistics.median(cpus), 3), "peak_mb": max(peaks)}


def _parse_all(paths: list[Path]) -> None:
    import ast

    for path in paths:
        try:
            ast.parse(path.read_bytes())
        except SyntaxError:  # newer syntax than this Python: the attempt is still the floor's work
            pass


def parse_in_parallel(paths: list[Path]) -> None:
    """Read and ``ast.parse`` these files, one process per core."""
    workers = os.cpu_count() or 1
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map(_parse_all, [paths[w::workers] for w in range(workers)])


def parse_async_files(folder: Path) -> None:
    """Read every file under ``folder`` and parse those with ``async def``, one process per core."""
    parse_in_parallel([path for path in folder.rglob("*.py") if b"async def" in path.read_bytes()])


def count(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*.py")]
    return len(files), sum(p.read_bytes().count(b"\n") for p in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tools-venv", type=Path, default=HERE / ".tools-venv")
    parser.add_argument("--flake8", action="store_true", help="also run flake8 + flake8-async (about 10 minutes)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: one measured run
    parser.add_argument("--parse-only", help=argparse.SUPPRESS)  # internal: the ast.parse floor of a folder
    args = parser.parse_args()
    if args.measure:
        _measure(*json.loads(args.measure))
        return
    if args.parse_only:
        parse_async_files(Path(args.parse_only))
        return
    ruff = args.tools_venv / "bin" / "ruff"
    flake8 = args.tools_venv / "bin" / "flake8"
    if not ruff.exists():
        raise SystemExit(f"ruff not found in {args.tools_venv}: run `make bench-verify`, which installs it")
    verify = [sys.executable, "-m", "verify"]
    import django  # only the benchmark needs it: the source tree it measures

    # Measure an installed kit as users run it: with its bytecode compiled (this machine may set
    # PYTHONDONTWRITEBYTECODE, which would make every run recompile the package).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "verify")], check=True)
    work = Path(tempfile.mkdtemp(prefix="dak-bench-"))
    try:
        django_src = work / "repo" / "django"
        shutil.copytree(Path(django.__file__).parent, django_src, ignore=shutil.ignore_patterns("__pycache__"))
        corpus = work / "repo" / "corpus"
        generate(corpus, 100_000)
        repo = work / "repo"
        corpora = {"django": django_src, "corpus": corpus}
        sizes = {name: count(path) for name, path in corpora.items()}
        cache_dir = work / "cache"
        results: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                         "django_version": django.get_version(), "sizes": {k: {"files": f, "lines": n} for k, (f, n) in sizes.items()}}
        ruff_version = subprocess.run([str(ruff), "--version"], capture_output=True, text=True).stdout.strip()
        results["ruff"] = ruff_version
        for name, path in corpora.items():
            cold = median_run([*verify, str(path), "--no-cache", "--exit-zero", "-q"], args.repeat)
            parse_floor = median_run([sys.executable, __file__, "--parse-only", str(path)], args.repeat)
            ruff_run = median_run([str(ruff), "check", "--select", "ASYNC", "--no-cache", "--exit-zero", "--quiet", str(path)], args.repeat)
            median_run([*verify, str(path), "--cache-dir", str(cache_dir), "--exit-zero", "-q"], 1)  # fill the cache
            warm = median_run([*verify, str(path), "--cache-dir", str(cache_dir), "--exit-zero", "-q"], args.repeat)
            results[name] = {"verify_cold": cold, "ruff": ruff_run, "verify_warm": warm, "parse_async_files": parse_floor,
                             "cold_over_ruff": round(cold["seconds"] / ruff_run["seconds"], 2)}

        # verify --changed: a git repository with both corpora, one view edited.
        subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
        subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-qm", "base"], cwd=repo, check=True)
        edited = corpus / "app001" / "views_0.py"
        edited.write_text(edited.read_text().replace("order_by(\"-created\")[:20]", "order_by(\"-created\")[:25]", 1))
        results["changed"] = median_run([*verify, "--changed", "--no-cache", "--exit-zero", "-q"], args.repeat, cwd=repo)

        flake8_record = RESULTS / "flake8_async.json"
        if args.flake8:
            if not flake8.exists():
                raise SystemExit(f"flake8 not found in {args.tools_venv}")
            once = median_run([str(flake8), "--select", "ASYNC", "--exit-zero", str(django_src)], 1)
            version = subprocess.run([str(flake8), "--version"], capture_output=True, text=True).stdout.split("\n")[0]
            flake8_record.write_text(json.dumps({**once, "flake8": version, "measured": time.strftime("%Y-%m-%d"),
                                                 "machine": results["machine"]}, indent=2) + "\n")
        if flake8_record.exists():
            recorded = json.loads(flake8_record.read_text())
            results["flake8_async_django"] = recorded
            # CPU seconds on both sides: the flake8 run is recorded once, maybe on a busier machine.
            results["django"]["flake8_over_cold"] = round(recorded["cpu_seconds"] / results["django"]["verify_cold"]["cpu_seconds"], 1)
            results["django"]["flake8_over_cold_wall"] = round(recorded["seconds"] / results["django"]["verify_cold"]["seconds"], 1)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "verify.json").write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)


def readme_table(results: dict) -> str:
    """The table of these results in docs/benchmarks.md (a test keeps it in step with the JSON)."""
    rows = [f"Measured on {results['machine']}, Django {results['django_version']}'s source and a generated "
            f"all-async code base, {results['ruff']}; median of runs, wall time.", "",
            "| corpus | files | lines | verify, cold (no cache) | ruff `--select ASYNC` | verify / ruff | `ast.parse` of the async files | verify, warm | peak memory |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, label in (("django", "Django source"), ("corpus", "all-async corpus")):
        row, size = results[name], results["sizes"][name]
        peak = max(row["verify_cold"]["peak_mb"], row["verify_warm"]["peak_mb"])
        rows.append(f"| {label} | {size['files']} | {size['lines']:,} | {row['verify_cold']['seconds']:.2f} s | "
                    f"{row['ruff']['seconds']:.2f} s | {row['cold_over_ruff']:.1f}x | {row['parse_async_files']['seconds']:.2f} s | "
                    f"{row['verify_warm']['seconds']:.2f} s | {peak} MB |")
    floors = {name: results[name]["parse_async_files"]["seconds"] / results[name]["ruff"]["seconds"] for name in ("django", "corpus")}
    rows += ["", f"The parse floor is {floors['django']:.1f}x ruff's wall time on Django's source and "
                 f"{floors['corpus']:.1f}x on the all-async corpus."]
    changed = results["changed"]
    rows += [f"`verify --changed` with one edited view in the repository holding both: {changed['seconds']:.2f} s, "
                 f"{changed['peak_mb']} MB."]
    if "flake8_async_django" in results:
        recorded = results["flake8_async_django"]
        rows.append(f"flake8 with flake8-async on the Django source (measured once, {recorded['measured']}): "
                    f"{recorded['seconds']:.0f} s wall, {recorded['cpu_seconds']:.0f} s CPU: "
                    f"{results['django']['flake8_over_cold_wall']:.0f}x the verifier's cold wall time, "
                    f"{results['django']['flake8_over_cold']:.0f}x its CPU time.")
    return "\n".join(rows) + "\n"


def print_table(results: dict) -> None:
    print(f"machine: {results['machine']}; Django {results['django_version']}; {results['ruff']}")
    print(f"{'corpus':<8} {'files':>6} {'lines':>8} {'verify cold':>12} {'ruff ASYNC':>11} {'ratio':>6} {'parse async':>12} {'verify warm':>12} {'peak MB':>8}")
    for name in ("django", "corpus"):
        row, size = results[name], results["sizes"][name]
        peak = max(row["verify_cold"]["peak_mb"], row["verify_warm"]["peak_mb"])
        print(f"{name:<8} {size['files']:>6} {size['lines']:>8} {row['verify_cold']['seconds']:>11.3f}s {row['ruff']['seconds']:>10.3f}s "
              f"{row['cold_over_ruff']:>5.2f}x {row['parse_async_files']['seconds']:>11.3f}s {row['verify_warm']['seconds']:>11.3f}s {peak:>8}")
    changed = results["changed"]
    print(f"verify --changed, one edited file in the {sum(s['files'] for s in results['sizes'].values())}-file repository: "
          f"{changed['seconds']:.3f}s, peak {changed['peak_mb']} MB")
    if "flake8_async_django" in results:
        recorded = results["flake8_async_django"]
        print(f"flake8 + flake8-async on Django (recorded {recorded['measured']}): {recorded['seconds']:.0f}s wall, "
              f"{recorded['cpu_seconds']:.0f}s CPU: {results['django']['flake8_over_cold_wall']}x the verifier's cold run (wall), "
              f"{results['django']['flake8_over_cold']}x (CPU)")


if __name__ == "__main__":
    main()
