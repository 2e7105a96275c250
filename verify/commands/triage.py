"""``django-async-kit triage [PATH ...]``: which views to convert to async, why, and with which prompt."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HELP = "Rank the project's views: convert to async, maybe, or skip, with reasons and the prompt to use."


def add_arguments(parser, name: str) -> None:
    parser.add_argument("paths", nargs="*", type=Path, default=[Path(".")], metavar="PATH", help="files or directories (default: .)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def run(args) -> int:
    from verify.cli import UsageError
    from verify.triage import triage

    for path in args.paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        if not (path.is_dir() or path.is_file()):
            raise UsageError(f"{path}: not a regular file or a folder")
    skipped: list[str] = []
    assessments = triage(args.paths, skipped)
    for note in skipped:
        print(f"django-async-kit: note: not triaged: {note}", file=sys.stderr)
    base = Path.cwd()
    if args.format == "json":
        json.dump([a.as_dict(base) for a in assessments], sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    if not assessments:
        print(f"no views found under {', '.join(map(str, args.paths))}")
        return 0
    print(_table(assessments, base))
    return 0


def _table(assessments, base: Path) -> str:
    rows = [a.as_dict(base) for a in assessments]
    width = max(len("VIEW"), *(len(row["view"]) for row in rows))
    lines = [f"{'VIEW':<{width}}  {'RECOMMENDATION':<14}  {'SCORE':>5}  PROMPT"]
    for row in rows:
        lines.append(f"{row['view']:<{width}}  {row['recommendation']:<14}  {row['score']:>5}  {row['prompt']}")
        lines.append(f"    {row['file']}:{row['line']}")
        lines.extend(f"    - {reason}" for reason in row["reasons"])
    counts = Counter(row["recommendation"] for row in rows)
    summary = ", ".join(f"{count} {name}" for name, count in counts.items())
    lines.append("")
    lines.append(f"{len(rows)} view{'s' if len(rows) != 1 else ''}: {summary}")
    lines.append("Fill a prompt with a view's code: django-async-kit prompts render PROMPT --view FILE::VIEW")
    return "\n".join(lines)
