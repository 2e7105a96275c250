"""The ecosystem check: the verifier, as a new user runs it, on real public Django projects.

    python bench/ecosystem/run.py [--project NAME ...] [--update] [--write-docs]
    python bench/ecosystem/run.py --pin NAME==VERSION      # print a project-list entry

Each project in projects.toml is a pinned PyPI sdist, downloaded into a cache outside the
repository ($XDG_CACHE_HOME/django-async-kit/ecosystem, else ~/.cache/django-async-kit/ecosystem),
checked against its sha256 and unpacked there. The verifier runs on it with its default
configuration and no cache; every finding is matched against its verdict in expected.json.

Exit codes: 0 every finding is classified true or accepted; 1 a finding is new (unclassified)
or wrong; 2 a download, checksum, archive or input problem.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path[:0] = [str(HERE), str(HERE.parent)]
import sdists  # noqa: E402
import verdicts  # noqa: E402
from bench_verify import parse_in_parallel  # noqa: E402

RESULTS = REPO / "bench" / "results" / "ecosystem.json"
README = REPO / "README.md"
DOCS = REPO / "docs" / "ecosystem.md"
SHOWN_VERDICTS = ("true", "accepted", "wrong", "unclassified")


def checked_files(root: Path, paths: tuple[str, ...]) -> list[Path]:
    """The files the verifier checks there, found as it finds them (same configuration, same walk)."""
    from verify.pipeline import config
    from verify.pipeline.discovery import collect

    cfg = config.load(config.find_pyproject(root))
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return [file.path for file in collect(list(paths), cfg.exclude, root)]
    finally:
        os.chdir(cwd)


def count_async_defs(files: list[Path]) -> int:
    total = 0
    for path in files:
        data = path.read_bytes()
        if b"async def" not in data:
            continue
        try:
            total += sum(isinstance(node, ast.AsyncFunctionDef) for node in ast.walk(ast.parse(data)))
        except SyntaxError:  # newer syntax than this Python: count the definitions by their text
            total += len(re.findall(rb"^[ \t]*async[ \t]+def[ \t]", data, re.MULTILINE))
    return total


def run_verifier(root: Path, paths: tuple[str, ...]) -> tuple[dict, float]:
    """The verifier's JSON report and wall seconds of one cold run (no cache), default configuration."""
    # -P: the sdist's folder stays off sys.path, so a `verify.py` of its own is not run in the kit's place.
    command = [sys.executable, "-P", "-m", "verify", *paths, "--no-cache", "--format", "json"]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=root, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    try:
        report = json.loads(result.stdout)
    except ValueError:
        tail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise sdists.SdistError(f"the verifier failed on {root.name} (exit {result.returncode}): {tail}") from None
    return report, seconds


def parse_floor(files: list[Path]) -> float:
    """Seconds to read and ``ast.parse`` the files with ``async def``, one process per core."""
    with_async = [path for path in files if b"async def" in path.read_bytes()]
    start = time.perf_counter()
    parse_in_parallel(with_async)
    return time.perf_counter() - start


def check_project(project: sdists.Project, cache: Path, records: list[dict]) -> tuple[dict, verdicts.Comparison]:
    root = sdists.fetch(project, cache)
    missing = [path for path in project.paths if not (root / path).exists()]
    if missing:
        raise sdists.SdistError(f"{project.name} {project.version}: no {', '.join(missing)} in the sdist")
    files = checked_files(root, project.paths)
    report, cold = run_verifier(root, project.paths)
    comparison = verdicts.compare(verdicts.key_findings(report["findings"], root), records)
    row = {"version": project.version, "files": report["summary"]["files"], "async_defs": count_async_defs(files),
           "findings": comparison.by_verdict(), "by_rule": comparison.by_rule(),
           "new": len(comparison.new), "vanished": len(comparison.vanished),
           "verify_cold_seconds": round(cold, 2), "parse_seconds": round(parse_floor(files), 2),
           "errors": report["summary"].get("errors", [])}
    return row, comparison


def _place(item) -> str:
    return f"{item['path']}:{item['line']}" if isinstance(item, dict) else f"{item.path}:{item.line}"


def print_project(name: str, row: dict, comparison: verdicts.Comparison) -> None:
    counts = ", ".join(f"{row['findings'][v]} {v}" for v in SHOWN_VERDICTS)
    print(f"{name} {row['version']}: {row['files']} files, {row['async_defs']} async defs; findings: {counts}; "
          f"{row['new']} new, {row['vanished']} vanished; verify cold {row['verify_cold_seconds']:.2f} s, "
          f"ast.parse of the async files {row['parse_seconds']:.2f} s")
    for error in row["errors"]:
        print(f"  error: {error}")
    for finding in comparison.new:
        print(f"  new       {_place(finding)} {finding.code} [{finding.function or '<module>'}] {finding.message}")
    for finding, record in comparison.matched:
        if record["verdict"] in ("wrong", "unclassified"):
            print(f"  {record['verdict']:<9} {_place(finding)} {finding.code} [{finding.function or '<module>'}] "
                  f"{record.get('reason') or finding.message}")
    for record in comparison.vanished:
        print(f"  vanished  {_place(record)} {record['code']} [{record['function'] or '<module>'}] "
              f"(was {record['verdict']}) {record.get('reason', '')}")


def totals(rows: dict[str, dict]) -> dict:
    total = {"files": 0, "async_defs": 0, "findings": dict.fromkeys(SHOWN_VERDICTS, 0), "new": 0, "vanished": 0,
             "verify_cold_seconds": 0.0, "parse_seconds": 0.0}
    for row in rows.values():
        for key in ("files", "async_defs", "new", "vanished", "verify_cold_seconds", "parse_seconds"):
            total[key] += row[key]
        for verdict in SHOWN_VERDICTS:
            total["findings"][verdict] += row["findings"][verdict]
    total["verify_cold_seconds"] = round(total["verify_cold_seconds"], 2)
    total["parse_seconds"] = round(total["parse_seconds"], 2)
    return total


def _measured_on(results: dict, total: dict) -> str:
    return (f"{len(results['projects'])} projects, {total['async_defs']:,} `async def`s in {total['files']:,} files, "
            f"checked with django-async-kit {results['kit_version']}'s default configuration on {results['machine']}.")


def summary_table(results: dict) -> str:
    """The README's short table: all projects together (a test keeps it in step with the results)."""
    total = totals(results["projects"])
    f = total["findings"]
    return "\n".join([_measured_on(results, total), "",
                      "| projects | async defs | true | accepted | wrong | unclassified | verify, cold (all projects) | `ast.parse` of the async files |",
                      "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
                      f"| {len(results['projects'])} | {total['async_defs']:,} | {f['true']} | {f['accepted']} | {f['wrong']} | "
                      f"{f['unclassified']} | {total['verify_cold_seconds']:.2f} s | {total['parse_seconds']:.2f} s |"]) + "\n"


def markdown_table(results: dict) -> str:
    """docs/ecosystem.md's table, one row per project (a test keeps it in step with the results)."""
    rows = results["projects"]
    total = totals(rows)
    lines = [_measured_on(results, total), "",
             "| project | async defs | true | accepted | wrong | unclassified | verify, cold | `ast.parse` of the async files |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, row in rows.items():
        f = row["findings"]
        lines.append(f"| {name} {row['version']} | {row['async_defs']:,} | {f['true']} | {f['accepted']} | {f['wrong']} | "
                     f"{f['unclassified']} | {row['verify_cold_seconds']:.2f} s | {row['parse_seconds']:.2f} s |")
    f = total["findings"]
    lines.append(f"| **total** | {total['async_defs']:,} | {f['true']} | {f['accepted']} | {f['wrong']} | {f['unclassified']} | "
                 f"{total['verify_cold_seconds']:.2f} s | {total['parse_seconds']:.2f} s |")
    return "\n".join(lines) + "\n"


def rule_table(results: dict) -> str:
    """Findings by rule and verdict over all projects (docs/ecosystem.md)."""
    rules: dict[str, dict[str, int]] = {}
    for row in results["projects"].values():
        for code, counts in row["by_rule"].items():
            for verdict, n in counts.items():
                rules.setdefault(code, dict.fromkeys(SHOWN_VERDICTS, 0))[verdict] += n
    lines = ["| rule | true | accepted | wrong | unclassified |", "| --- | ---: | ---: | ---: | ---: |"]
    lines += [f"| {code} | " + " | ".join(str(counts[v]) for v in SHOWN_VERDICTS) + " |" for code, counts in sorted(rules.items())]
    return "\n".join(lines) + "\n"


def write_block(path: Path, name: str, text: str) -> None:
    """Replace what stands between ``<!-- name:begin -->`` and ``<!-- name:end -->`` (if present)."""
    if not path.exists():
        return
    content = path.read_text()
    pattern = re.compile(rf"(<!-- {name}:begin -->\n).*?(<!-- {name}:end -->)", re.DOTALL)
    if pattern.search(content):
        path.write_text(pattern.sub(lambda m: m.group(1) + text + m.group(2), content, count=1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", action="append", metavar="NAME", help="check only this project (repeatable)")
    parser.add_argument("--update", action="store_true",
                        help="write new findings into the verdicts file as unclassified, drop vanished ones")
    parser.add_argument("--projects", type=Path, default=HERE / "projects.toml", help=argparse.SUPPRESS)
    parser.add_argument("--expected", type=Path, default=HERE / "expected.json", help=argparse.SUPPRESS)
    parser.add_argument("--cache-dir", type=Path, help="where sdists are kept (default: the user cache, see above)")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="where a run of every project records its figures (default: bench/results/ecosystem.json)")
    parser.add_argument("--write-docs", action="store_true", help="refresh the tables in README.md and docs/ecosystem.md")
    parser.add_argument("--pin", metavar="NAME==VERSION", help="print the project-list entry of a PyPI sdist and stop")
    args = parser.parse_args(argv)
    try:
        if args.pin:
            print(sdists.pin(args.pin), end="")
            return 0
        projects = sdists.load_projects(args.projects)
        expected = verdicts.load(args.expected)
        known = {project.name for project in projects}
        unknown = sorted(set(args.project or []) - known)
        if unknown:
            raise sdists.SdistError(f"unknown project {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        chosen = [project for project in projects if not args.project or project.name in args.project]
        cache = args.cache_dir or sdists.default_cache_dir()
        # Time the kit as installed, with its bytecode compiled (this machine may set
        # PYTHONDONTWRITEBYTECODE, and every run would recompile the package).
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "verify")], check=True)
        rows: dict[str, dict] = {}
        failing = False
        for project in chosen:
            row, comparison = check_project(project, cache, expected.get(project.name, []))
            rows[project.name] = row
            print_project(project.name, row, comparison)
            failing |= bool(row["findings"]["unclassified"] or row["findings"]["wrong"])
            if args.update:
                expected[project.name] = verdicts.updated(comparison)
    except (sdists.SdistError, verdicts.ExpectedError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.update:
        verdicts.save(args.expected, expected)
    from verify import __version__

    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
               "kit_version": __version__, "projects": rows}
    print()
    print(markdown_table(results), end="")
    if failing:
        total = totals(rows)["findings"]
        print(f"\nfailed: {total['unclassified']} unclassified (new or not yet read) and {total['wrong']} wrong findings; "
              "see docs/ecosystem.md, Classifying a new finding")
    if set(rows) == known:  # only a run of every project is recorded, so the tables stay one run's figures
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps(results, indent=2) + "\n")
        if args.write_docs:
            write_block(README, "ecosystem", summary_table(results))
            write_block(DOCS, "ecosystem", markdown_table(results))
            write_block(DOCS, "ecosystem-rules", rule_table(results))
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
