"""``django-async-kit init``: write assistant instructions tailored to a Django project.

Facts are read statically (:mod:`verify.project.facts`), the templates rendered
(:mod:`verify.assist.instructions`), and every file planned before any is written
(:mod:`verify.assist.safe_write`): one unreadable file or malformed block stops the run with exit 2
and nothing written.
"""

from __future__ import annotations

import sys
from pathlib import Path

HELP = "Write Copilot, AGENTS.md, Claude and Cursor instructions tailored to a Django project."


def add_arguments(parser, name: str) -> None:
    from verify.assist.instructions import DEFAULT_TARGETS, TARGETS

    parser.add_argument("project_dir", nargs="?", default=".", metavar="PROJECT_DIR",
                        help="the Django project (the folder with manage.py); default: the current folder")
    parser.add_argument("--output-dir", metavar="DIR",
                        help="where the files go, normally the repository root; default: PROJECT_DIR")
    parser.add_argument("--targets", default=",".join(DEFAULT_TARGETS), metavar="LIST",
                        help=f"comma-separated outputs out of {','.join(TARGETS)} (default: {','.join(DEFAULT_TARGETS)})")
    parser.add_argument("--set", action="append", default=[], dest="overrides", metavar="NAME=VALUE",
                        help="override a detected fact (see --show-facts for the names); repeatable")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--show-facts", action="store_true", help="print the detected facts and write nothing")
    mode.add_argument("--dry-run", action="store_true", help="print a unified diff of the changes and write nothing")
    mode.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 when a file is missing or out of date (for CI)")


def run(args) -> int:
    from verify.assist.instructions import TARGETS, RenderError, render_targets
    from verify.assist.safe_write import SafeWriteError, apply_writes, plan_write
    from verify.cli import UsageError
    from verify.project.facts import NotADjangoProject, detect_facts, parse_override

    project_dir = Path(args.project_dir)
    output_dir = Path(args.output_dir) if args.output_dir else project_dir
    for option, folder in (("", project_dir), ("--output-dir ", output_dir)):
        if not folder.is_dir():
            raise UsageError(f"{option}{folder}: {'not a directory' if folder.exists() else 'no such directory'}")
    targets = [target.strip() for target in args.targets.split(",") if target.strip()]
    unknown = [target for target in targets if target not in TARGETS]
    if unknown or not targets:
        raise UsageError(f"--targets: unknown {', '.join(unknown) or '(empty)'}; choose from {','.join(TARGETS)}")
    if "claude" in targets and "agents" not in targets and not (output_dir / "AGENTS.md").is_file():
        raise UsageError("--targets claude writes a CLAUDE.md that imports AGENTS.md: add agents to --targets")

    try:
        facts = detect_facts(project_dir, output_dir)
        _configured_version(facts)
        for override in args.overrides:
            facts.override(*parse_override(override))
    except (NotADjangoProject, OSError, ValueError) as error:  # OSError: a project file that cannot be read
        raise UsageError(str(error)) from None

    if args.show_facts:
        print(facts.as_table())
        return 0

    try:
        plans = [plan_write(managed, inside=output_dir) for managed in render_targets(facts, targets, output_dir)]
    except (RenderError, SafeWriteError) as error:
        raise UsageError(str(error)) from None

    def name(plan) -> str:
        return plan.path.relative_to(output_dir).as_posix()

    django = facts.facts["django_version"]
    summary = f"Django {django.display()} ({django.source}); targets: {','.join(targets)}"
    if facts.root != project_dir.resolve():  # the project was found in a subfolder (backend/manage.py)
        summary = f"Django project in {facts.root.relative_to(project_dir.resolve()).as_posix()}/; {summary}"
    if args.dry_run:
        print(summary, file=sys.stderr)
        for plan in plans:
            sys.stdout.write(plan.diff(name(plan)))
        return 0
    if args.check:
        stale = [plan for plan in plans if plan.changed]
        for plan in stale:
            print(f"{'missing' if plan.old_text is None else 'out of date'}: {name(plan)}")
        if stale:
            print(f"run: django-async-kit init {_quote(args)} to update", file=sys.stderr)
            return 1
        print(f"up to date: {len(plans)} files")
        return 0

    print(summary)
    try:
        apply_writes(plans)
    except SafeWriteError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot write: {error}") from None
    for plan in plans:
        print(f"{plan.action:>9}  {name(plan)}")
    return 0


def _configured_version(facts) -> None:
    """``target-version`` in ``[tool.django-async-kit]`` wins, as it does for ``verify`` and
    ``prompts``: every command states the same Django version."""
    from verify.cli import UsageError
    from verify.pipeline import config
    from verify.project.facts import Fact
    from verify.project.target import parse_version

    pyproject = config.find_pyproject(facts.root)
    try:
        configured = config.load(pyproject).target_version
    except config.ConfigError as error:
        raise UsageError(str(error)) from None
    if configured:
        facts.facts["django_version"] = Fact(parse_version(configured), f"{pyproject.name}: [tool.django-async-kit] target-version")


def _quote(args) -> str:
    """The same command line without --check, to paste when files are stale."""
    import shlex

    parts = [args.project_dir]
    if args.output_dir:
        parts += ["--output-dir", args.output_dir]
    parts += ["--targets", args.targets]
    for override in args.overrides:
        parts += ["--set", override]
    return " ".join(shlex.quote(part) for part in parts)
