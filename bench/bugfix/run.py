"""Recall on real async bug fixes: does the verifier flag the lines a later fix commit changed?

    python bench/bugfix/run.py [--bug ID ...] [--write-docs]

Each bug in bugs.toml names a pinned PyPI sdist (the last release that shipped the buggy code),
a file in it and the lines its fix changed. The sdist is downloaded into a cache outside the
repository ($XDG_CACHE_HOME/django-async-kit/bugfix, else ~/.cache/django-async-kit/bugfix),
checked against its sha256 and unpacked there; the verifier runs on the whole sdist with its
default configuration, as the ecosystem check does, and a bug counts as found when a finding
lands on one of its lines.

Exit codes: 0 the run completed (whatever the recall); 2 a download, checksum, archive or input
problem.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path[:0] = [str(REPO / "bench" / "ecosystem"), str(REPO / "bench")]
import sdists  # noqa: E402

# The ecosystem check's runner, loaded by path: this file is also called run.py.
_spec = importlib.util.spec_from_file_location("ecosystem_run", REPO / "bench" / "ecosystem" / "run.py")
ecosystem = importlib.util.module_from_spec(_spec)
sys.modules["ecosystem_run"] = ecosystem
_spec.loader.exec_module(ecosystem)

BUGS = HERE / "bugs.toml"
RESULTS = REPO / "bench" / "results" / "bugfix.json"
DOCS = REPO / "docs" / "bugfix.md"


@dataclass(frozen=True)
class Bug:
    id: str
    project: str
    version: str
    path: str
    lines: tuple[int, ...]
    kind: str
    fix: str
    about: str
    miss: str = ""  # why a static check misses it, shown when the verifier does
    held_out: bool = False  # chosen before the verifier ran on it; reported apart from the rest


def default_cache_dir() -> Path:
    return sdists.default_cache_dir().parent / "bugfix"


def load_bugs(path: Path) -> tuple[list[sdists.Project], list[Bug]]:
    projects = sdists.load_projects(path)
    try:
        entries = tomllib.loads(path.read_text())["bug"]
    except (OSError, tomllib.TOMLDecodeError, KeyError) as error:
        raise sdists.SdistError(f"cannot read the bug list {path}: {error}") from None
    known = {(project.name, project.version) for project in projects}
    bugs: list[Bug] = []
    for entry in entries:
        try:
            bug = Bug(entry["id"], entry["project"], entry["version"], entry["path"], tuple(entry["lines"]),
                      entry["kind"], entry["fix"], entry["about"], entry.get("miss", ""), entry.get("held_out", False))
        except KeyError as error:
            raise sdists.SdistError(f"{path}: a bug lacks {error}") from None
        if (bug.project, bug.version) not in known:
            raise sdists.SdistError(f"{path}: bug {bug.id} names {bug.project} {bug.version}, which no [[project]] pins")
        if not isinstance(bug.held_out, bool):
            raise sdists.SdistError(f"{path}: bug {bug.id}: held_out must be true or false")
        if not bug.lines or not all(isinstance(line, int) and line > 0 for line in bug.lines):
            raise sdists.SdistError(f"{path}: bug {bug.id} needs its buggy lines as positive line numbers")
        bugs.append(bug)
    duplicates = [name for name, n in Counter(bug.id for bug in bugs).items() if n > 1]
    if duplicates:
        raise sdists.SdistError(f"{path}: bug ids must be unique: {', '.join(duplicates)}")
    return projects, bugs


def check_sdist(project: sdists.Project, bugs: list[Bug], cache: Path) -> list[dict]:
    """One verifier run on the sdist; each of its bugs with the findings on its lines."""
    root = sdists.fetch(project, cache)
    for bug in bugs:
        target = root / bug.path
        if not target.is_file():
            raise sdists.SdistError(f"bug {bug.id}: no {bug.path} in {project.name} {project.version}")
        length = len(target.read_text(encoding="utf-8-sig", errors="replace").splitlines())
        if max(bug.lines) > length:
            raise sdists.SdistError(f"bug {bug.id}: line {max(bug.lines)} is past the end of {bug.path} ({length} lines)")
    report, _ = ecosystem.run_verifier(root, project.paths)
    rows = []
    for bug in bugs:
        hits = sorted({(finding["line"], finding["code"]) for finding in report["findings"]
                       if finding["path"] == bug.path and finding["line"] in bug.lines})
        rows.append({"id": bug.id, "project": bug.project, "version": bug.version, "path": bug.path,
                     "lines": list(bug.lines), "kind": bug.kind, "fix": bug.fix, "about": bug.about, "miss": bug.miss,
                     "held_out": bug.held_out, "found": bool(hits), "findings": [{"line": line, "code": code} for line, code in hits]})
    return rows


def _codes(row: dict) -> str:
    return ", ".join(sorted({finding["code"] for finding in row["findings"]})) or "-"


def tally(rows: list[dict]) -> dict:
    """Found and total, for every bug, the held-out ones and the rest."""
    held_out = [row for row in rows if row.get("held_out")]
    rest = [row for row in rows if not row.get("held_out")]
    return {name: {"found": sum(row["found"] for row in subset), "total": len(subset)}
            for name, subset in (("all", rows), ("held_out", held_out), ("rest", rest))}


def markdown_table(results: dict) -> str:
    """docs/bugfix.md's table (a test keeps it in step with the recorded results)."""
    bugs = results["bugs"]
    counts = tally(bugs)
    held, rest = counts["held_out"], counts["rest"]
    lines = [f"**{counts['all']['found']} of {counts['all']['total']}** bugs found, measured with django-async-kit "
             f"{results['kit_version']}'s default configuration: **{held['found']} of {held['total']}** held-out "
             f"bugs, {rest['found']} of {rest['total']} of the rest.", "",
             "| bug | release | file:lines | kind | held out | found | rule |",
             "| --- | --- | --- | --- | :---: | :---: | --- |"]
    for row in bugs:
        where = f"`{row['path']}`:{','.join(map(str, row['lines']))}"
        lines.append(f"| [{row['id']}]({row['fix']}) | {row['project']} {row['version']} | {where} | {row['kind']} | "
                     f"{'yes' if row.get('held_out') else ''} | {'yes' if row['found'] else 'no'} | {_codes(row)} |")
    missed = [row for row in bugs if not row["found"]]
    if missed:
        lines += ["", "Why the missed ones are missed:", ""]
        lines += [f"- {row['id']}: {row['miss'] or 'not yet classified'}." for row in missed]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bug", action="append", metavar="ID", help="check only this bug (repeatable)")
    parser.add_argument("--bugs", type=Path, default=BUGS, help=argparse.SUPPRESS)
    parser.add_argument("--cache-dir", type=Path, help="where sdists are kept (default: the user cache, see above)")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="where a run of every bug records its figures (default: bench/results/bugfix.json)")
    parser.add_argument("--write-docs", action="store_true", help="refresh the table in docs/bugfix.md")
    args = parser.parse_args(argv)
    try:
        projects, bugs = load_bugs(args.bugs)
        unknown = sorted(set(args.bug or []) - {bug.id for bug in bugs})
        if unknown:
            raise sdists.SdistError(f"unknown bug {', '.join(unknown)} (see {args.bugs})")
        chosen = [bug for bug in bugs if not args.bug or bug.id in args.bug]
        cache = args.cache_dir or default_cache_dir()
        rows: dict[str, dict] = {}
        for project in projects:
            its_bugs = [bug for bug in chosen if (bug.project, bug.version) == (project.name, project.version)]
            if its_bugs:
                for row in check_sdist(project, its_bugs, cache):
                    rows[row["id"]] = row
    except sdists.SdistError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    ordered = [rows[bug.id] for bug in chosen]
    for row in ordered:
        where = f"{row['path']}:{','.join(map(str, row['lines']))}"
        print(f"{'found ' if row['found'] else 'missed'} {row['id']} ({row['project']} {row['version']}, {where}) {_codes(row)}")
    counts = tally(ordered)
    found = counts["all"]["found"]
    print(f"\n{found}/{len(ordered)} bugs found: {counts['held_out']['found']}/{counts['held_out']['total']} held out, "
          f"{counts['rest']['found']}/{counts['rest']['total']} the rest")
    if len(ordered) == len(bugs):  # only a run of every bug is recorded, so the docs show one run's figure
        from verify import __version__

        results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                   "kit_version": __version__, "found": found, "total": len(ordered),
                   "held_out": counts["held_out"], "bugs": ordered}
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps(results, indent=2) + "\n")
        if args.write_docs:
            ecosystem.write_block(DOCS, "bugfix", markdown_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
