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
    parser.add_argument("--extend-select", type=_codes, default=[],
                        help="add these codes or prefixes to the selected rules, e.g. the advice rule DJA407")
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
    parser.add_argument("--base", metavar="REV",
                        help="git revision --changed compares with (default: where the branch left the default branch, else HEAD)")
    parser.add_argument("--all", action="store_true",
                        help="with --changed: every finding in the changed files, not only those in the changed code")
    # Adopting the kit in a project with findings (verify.pipeline.baseline, verify.pipeline.add_noqa).
    parser.add_argument("--baseline", metavar="FILE", help="report only findings that FILE (from --write-baseline) does not record")
    parser.add_argument("--write-baseline", metavar="FILE", help="record the current findings in FILE and exit 0")
    parser.add_argument("--add-noqa", action="store_true", help="add `# noqa: CODE` comments for the current findings and exit 0")
    parser.add_argument("--fix", action="store_true", help="apply the safe fixes, then report what is left")
    parser.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff: also the fixes a person should read")
    parser.add_argument("--diff", action="store_true", help="print the fixes as a unified diff and write nothing (exit 1 when there are any)")
    parser.add_argument("--compare", nargs=2, metavar=("OLD.py", "NEW.py"), help="compare two versions of a file without git")


def run(args) -> int:
    from pathlib import Path

    from verify import api
    from verify.analysis.registry import unknown_code
    from verify.pipeline.config import ConfigError
    from verify.pipeline.discovery import PathError
    from verify.project.target import version_problem

    for option, codes in (("--select", args.select or []), ("--ignore", args.ignore), ("--extend-select", args.extend_select)):
        for code in codes:
            problem = unknown_code(code)
            if problem:
                raise UsageError(f"{option}: {problem}")
    if args.target_version and version_problem(args.target_version):
        raise UsageError(f"--target-version {version_problem(args.target_version)}")
    if args.jobs < 0:
        raise UsageError(f"--jobs must be 0 (automatic) or more, not {args.jobs}")
    if args.config and not Path(args.config).is_file():
        raise UsageError(f"config file not found: {args.config}")
    if args.output:
        _check_output(Path(args.output))
    if args.unsafe_fixes and not (args.fix or args.diff):
        raise UsageError("--unsafe-fixes needs --fix or --diff")
    recorded = _baseline(args)

    def check():
        try:
            if args.changed or args.compare or args.base or args.all:
                from verify.compare.run import check_arguments

                report = check_arguments(args)
            else:
                report = api.check_paths(
                    args.paths, select=args.select, ignore=args.ignore, extend_select=args.extend_select, target=args.target_version,
                    config_path=Path(args.config) if args.config else None, use_config=not args.no_config,
                    cache=not args.no_cache, cache_dir=Path(args.cache_dir) if args.cache_dir else None, jobs=args.jobs,
                )
        except (ConfigError, PathError) as error:
            raise UsageError(str(error)) from None
        if recorded is not None and not (args.write_baseline or args.add_noqa):
            report.findings, report.in_baseline = recorded.new_findings(report.findings)
        return report

    report = check()
    if args.write_baseline or args.add_noqa:
        return _adopt(args, report)
    if (args.fix or args.diff) and not report.errors:
        return _fix(args, report, check)
    return _show(args, report)


def _fix(args, report, check) -> int:
    """``--fix`` / ``--diff``: apply (or show) the fixes, then report what is left."""
    from verify.pipeline import fixing

    def check_again():
        nonlocal report
        report = check()  # with --diff, of the fixed text in memory (fixing.fix_rounds)
        return report.findings

    try:
        outcome, _ = fixing.fix_rounds(report.findings, check_again, unsafe=args.unsafe_fixes, write=not args.diff)
    except OSError as error:
        raise UsageError(f"cannot write a fixed file: {error.strerror or error}") from None
    notes = outcome.lines()
    if args.diff:
        print("".join(outcome.diffs), end="")
        for line in notes:
            print(line.replace("fixed ", "would fix ", 1) if line.startswith("fixed ") else line, file=sys.stderr)
        return 1 if outcome.diffs else 0
    status = _show(args, report)
    for line in notes + [f"{outcome.fixed} fixed, {len(report.findings)} left"]:
        print(line, file=sys.stderr)
    return status


def _show(args, report) -> int:
    from pathlib import Path

    from verify.pipeline import output

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
        text = output.agent_stop([f for f in findings if not output.is_advice(f)], "django-async-kit verify" + (" --changed" if args.changed else ""))
    else:
        text = output.text(report.findings, summary, quiet=args.quiet)
    if args.output:
        try:
            Path(args.output).write_text(text + "\n", encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write the report to {args.output}: {error.strerror or error}") from None
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
    problems = [f for f in report.findings if not output.is_advice(f)]  # advice never fails the check
    return 1 if problems and not args.exit_zero else 0


def _check_output(path: Path) -> None:
    """Refuse an ``--output`` that cannot be written before the check runs, not after."""
    if path.is_dir():
        raise UsageError(f"--output {path} is a folder: give a file name")
    if not path.parent.is_dir():
        raise UsageError(f"--output {path}: folder {path.parent} does not exist")


def _baseline(args):
    """The ``--baseline`` file, read before the check so that a bad one fails at once."""
    from pathlib import Path

    from verify.pipeline.baseline import Baseline, BaselineError

    if sum(bool(option) for option in (args.baseline, args.write_baseline, args.add_noqa)) > 1:
        raise UsageError("use one of --baseline, --write-baseline and --add-noqa")
    if not args.baseline:
        return None
    try:
        return Baseline.load(Path(args.baseline))
    except BaselineError as error:
        raise UsageError(str(error)) from None


def _adopt(args, report) -> int:
    """``--write-baseline FILE`` or ``--add-noqa``: record or suppress the current findings."""
    from pathlib import Path

    for error in report.errors:
        print(f"django-async-kit: error: {error}", file=sys.stderr)
    if report.errors:
        return 2  # a file that could not be checked would be missing from the record
    count = len(report.findings)
    if args.write_baseline:
        from verify.pipeline import baseline

        try:
            baseline.write(Path(args.write_baseline), report.findings)
        except OSError as error:
            raise UsageError(f"cannot write {args.write_baseline}: {error.strerror or error}") from None
        print(f"Recorded {count} finding{'s' if count != 1 else ''} in {args.write_baseline}.")
        return 0
    from verify.pipeline.add_noqa import add_noqa

    result = add_noqa(report.findings)
    files = len(result.files)
    print(f"Added {result.added} noqa code{'s' if result.added != 1 else ''} in {files} file{'s' if files != 1 else ''}.")
    for finding in result.skipped:
        print(f"{finding.path}:{finding.line}:{finding.column}: {finding.code} not suppressed: "
              "no comment can go on this line (inside a string, after a backslash, or not a Python file)")
    return 0


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
