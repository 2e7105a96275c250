"""``django-async-kit verify [PATH ...]`` (also ``python -m verify``)."""

from __future__ import annotations

import sys

from verify.cli import UsageError

HELP = "check async Django code for missing awaits, sync ORM, lazy QuerySets and blocking calls"


def _codes(value: str) -> list[str]:
    return [code.strip().upper() for code in value.split(",") if code.strip()]


def add_arguments(parser, name: str) -> None:
    from verify import __version__

    parser.add_argument("--version", action="version", version=f"django-async-kit {__version__}")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: .)")
    parser.add_argument("--select", type=_codes, help="only these codes or prefixes, e.g. DJA1,DJA301")
    parser.add_argument("--ignore", type=_codes, default=[], help="skip these codes or prefixes")
    parser.add_argument("--format", choices=["text", "json", "sarif", "github", "agent-stop"], default="text",
                        help="agent-stop: the decision of a Copilot agentStop hook (keep the agent working while there are findings)")
    parser.add_argument("--target-version", metavar="X.Y", help="Django version (default: detected from the project)")
    parser.add_argument("--config", metavar="PYPROJECT", help="read [tool.django-async-kit] from this file")
    parser.add_argument("--no-config", action="store_true", help="ignore pyproject.toml configuration")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--quiet", "-q", action="store_true", help="one line per finding, no summary")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    parser.add_argument("--cache-dir", metavar="DIR", help="where to keep the cache (default: .django-async-kit-cache)")
    parser.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="worker processes (default: automatic; 1: serial)")
    # Conversion regressions (DJA5xx): compare converted views with their sync versions (verify.compare).
    parser.add_argument("--changed", action="store_true",
                        help="check the Python files changed against --base (staged, unstaged, untracked) and compare converted views")
    parser.add_argument("--base", metavar="REV", help="git revision --changed compares with (default: HEAD)")
    parser.add_argument("--compare", nargs=2, metavar=("OLD.py", "NEW.py"), help="compare two versions of a file without git")


def run(args) -> int:
    from pathlib import Path

    from verify import api, output
    from verify.config import ConfigError
    from verify.discovery import PathError
    from verify.project import parse_version

    for code in (args.select or []) + args.ignore:
        if not code.startswith("DJA"):
            raise UsageError(f"`{code}` is not a rule code or prefix (expected e.g. DJA1 or DJA102)")
    if args.target_version and parse_version(args.target_version) is None:
        raise UsageError(f"--target-version must look like 5.2, not {args.target_version!r}")
    if args.jobs < 0:
        raise UsageError(f"--jobs must be 0 (automatic) or more, not {args.jobs}")
    if args.config and not Path(args.config).is_file():
        raise UsageError(f"config file not found: {args.config}")
    try:
        if args.changed or args.compare or args.base:
            from verify.compare.run import check_arguments

            report = check_arguments(args)
        else:
            report = api.check_paths(
                args.paths, select=args.select, ignore=args.ignore, target=args.target_version,
                config_path=Path(args.config) if args.config else None, use_config=not args.no_config,
                cache=not args.no_cache, cache_dir=Path(args.cache_dir) if args.cache_dir else None, jobs=args.jobs,
            )
    except (ConfigError, PathError) as error:
        raise UsageError(str(error)) from None
    summary = report.summary()
    if args.format == "json":
        text = output.as_json(report.findings, summary)
    elif args.format == "sarif":
        text = output.sarif(report.findings)
    elif args.format == "github":
        text = output.github(report.findings)
    elif args.format == "agent-stop":
        # An agent already kept running by a stop hook is let go (VS Code's hook input says so):
        # the findings are in its transcript, and blocking again could loop.
        findings = [] if _stop_hook_active() else report.findings
        text = output.agent_stop(findings, "django-async-kit verify" + (" --changed" if args.changed else ""))
    else:
        text = output.text(report.findings, summary, quiet=args.quiet)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    elif text:
        print(text)
    for note in report.skipped:
        print(f"django-async-kit: note: not checked: {note}", file=sys.stderr)
    for error in report.errors:
        print(f"django-async-kit: error: {error}", file=sys.stderr)
    if report.errors:
        return 2
    if args.format == "agent-stop":
        return 0  # the hook's decision carries the result; a failing hook would be ignored
    return 1 if report.findings and not args.exit_zero else 0


def _stop_hook_active() -> bool:
    """``"stop_hook_active": true`` in the JSON a hook gets on stdin. Read only when stdin is a pipe
    with data ready within a second, so that a terminal or an idle CI stdin never makes it wait."""
    import json
    import os
    import select

    if sys.stdin is None or sys.stdin.isatty() or not hasattr(select, "poll"):
        return False
    poller = select.poll()
    poller.register(sys.stdin, select.POLLIN)
    try:
        if not poller.poll(1000):
            return False
        data = json.loads(os.read(sys.stdin.fileno(), 1 << 20) or b"{}")  # what is there: never wait for EOF
    except (ValueError, OSError):
        return False
    return isinstance(data, dict) and data.get("stop_hook_active") is True
