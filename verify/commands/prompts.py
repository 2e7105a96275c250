"""``django-async-kit prompts``: list, show, render and export the prompt cheatsheet."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from verify.pipeline.discovery import display_path

HELP = "The prompt cheatsheet: list, show, render a prompt for one view, export prompt files and skills."
VERIFY_COMMAND = "django-async-kit verify"


def add_arguments(parser, name: str) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, help_text: str):
        sub = actions.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--cheatsheet", type=Path, metavar="FILE", help="your own cheatsheet, merged over the built-in one (default: [tool.django-async-kit] cheatsheet)")
        return sub

    listing = action("list", "List the prompts.")
    listing.add_argument("--format", choices=("text", "json"), default="text")

    show = action("show", "Show one prompt: its fields and its text for this project.")
    show.add_argument("id", metavar="ID")
    _project_options(show)

    render = action("render", "Print a prompt filled with one view's code, triage reasons and verifier findings.")
    render.add_argument("id", metavar="ID")
    render.add_argument("--view", required=True, metavar="FILE::VIEW", help="e.g. shop/views.py::user_dashboard or shop/views.py::OrderView.get")
    _project_options(render)

    export = action("export", "Write .github/prompts/<id>.prompt.md and .github/skills/<id>/SKILL.md for every prompt.")
    export.add_argument("--dir", type=Path, default=Path(".github"), help="where to write (default: .github)")
    mode = export.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="write nothing; exit 1 if any file is missing or out of date")
    mode.add_argument("--dry-run", action="store_true", help="write nothing; print the diff")
    _project_options(export)


def _project_options(parser) -> None:
    parser.add_argument("--django-version", metavar="X.Y", help="target Django version (default: detected from the project)")
    parser.add_argument("--http-client", choices=("httpx2", "aiohttp", "httpx"), help="async HTTP client (default: the project's, else httpx2)")


def run(args) -> int:
    from verify.assist.cheatsheet import CheatsheetError

    try:
        cheatsheet = _load_cheatsheet(args)
        return {"list": _list, "show": _show, "render": _render, "export": _export}[args.action](args, cheatsheet)
    except CheatsheetError as error:
        from verify.cli import UsageError

        raise UsageError(str(error)) from None


def _load_cheatsheet(args):
    from verify.assist import cheatsheet
    from verify.cli import UsageError
    from verify.pipeline import config

    extra = args.cheatsheet
    if extra is None:
        pyproject = config.find_pyproject(Path.cwd())
        try:
            settings = config.load(pyproject)
        except config.ConfigError as error:
            raise UsageError(str(error)) from None
        configured = settings.extra.get("cheatsheet")
        if configured is not None:
            if not isinstance(configured, str):
                raise UsageError(f"{pyproject} [tool.django-async-kit]: `cheatsheet` must be a path string")
            extra = pyproject.parent / configured
    return cheatsheet.load(extra)


def _get(cheatsheet, prompt_id: str):
    from verify.cli import UsageError

    prompt = cheatsheet.get(prompt_id)
    if prompt is None:
        raise UsageError(f"no prompt {prompt_id!r}; known: {', '.join(cheatsheet.prompts)}")
    return prompt


def _list(args, cheatsheet) -> int:
    for problem in cheatsheet.problems.values():  # listing is how a cheatsheet is checked: it must all work
        raise problem
    prompts = list(cheatsheet.prompts.values())
    if args.format == "json":
        fields = ("id", "title", "description", "when", "agent", "argument_hint", "verify", "tags")
        json.dump([{f: getattr(p, f) for f in fields} for p in prompts], sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    width = max(len(p.id) for p in prompts)
    print(f"{'ID':<{width}}  {'AGENT':<5}  TITLE")
    for prompt in prompts:
        print(f"{prompt.id:<{width}}  {prompt.agent:<5}  {prompt.title}")
    return 0


def _show(args, cheatsheet) -> int:
    prompt = _get(cheatsheet, args.id)
    print(f"{prompt.id}: {prompt.title}")
    print(f"  agent:         {prompt.agent}")
    print(f"  when:          {', '.join(prompt.when) or '(chosen by hand)'}")
    print(f"  tags:          {', '.join(prompt.tags)}")
    print(f"  argument hint: {prompt.argument_hint}")
    print(f"  source:        {prompt.source}")
    print(f"  {prompt.description}")
    print()
    context = _project_context(args)
    print(cheatsheet.render(prompt.id, {**context, "target": "chat", "file": "<file>"}), end="")
    return 0


def _render(args, cheatsheet) -> int:
    from verify.cli import UsageError
    from verify.triage import assess_view, find_view

    prompt = _get(cheatsheet, args.id)
    file_text, separator, view_name = args.view.rpartition("::")
    if not separator or not file_text or not view_name:
        raise UsageError(f"--view expects FILE::VIEW, e.g. shop/views.py::user_dashboard (got {args.view!r})")
    file = Path(file_text)
    if not file.is_file():
        raise UsageError(f"{file}: {'not a regular file' if file.exists() else 'no such file'}")
    try:
        view = find_view(file, view_name)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if view is None:
        raise UsageError(f"{file}: no view named {view_name!r}")
    context = _project_context(args, start=file)
    assessment = assess_view(view)
    display = display_path(view.file)
    findings = _findings(view, display, context["django_version"])
    context.update(
        target="chat",
        file=display,
        view={
            "name": view.qualname, "dotted": view.dotted, "file": display, "line": view.line,
            "source": view.source, "is_async": view.is_async, "class_based": view.class_node is not None,
        },
        triage={
            "recommendation": assessment.recommendation, "score": assessment.score, "benefit": assessment.benefit,
            "reasons": assessment.reasons, "signals": assessment.signal_names,
        },
        findings=findings,
        findings_checked=True,
        drf=context["drf"] or _is_drf_view(view.class_node),
    )  # fmt: skip
    print(cheatsheet.render(prompt.id, context), end="")
    return 0


def _is_drf_view(class_node) -> bool:
    """A class whose bases are Django REST framework views (``APIView``, generics, viewsets)."""
    import ast

    if class_node is None:
        return False
    names = {ast.unparse(base).rpartition(".")[2] for base in class_node.bases}
    return any(name == "APIView" or name.endswith(("APIView", "ViewSet")) for name in names)


def _findings(view, display: str, version) -> list:
    """The verifier's findings inside the view's lines."""
    from verify.api import check_source
    from verify.project.target import find_root

    findings = check_source(view.module.text, display, target_version=version, project_root=find_root(view.file))
    return [f for f in findings if view.line <= f.line <= view.end_line]


def _export(args, cheatsheet) -> int:
    from verify.assist.prompt_export import exported_files, orphaned_files, plan_export
    from verify.assist.safe_write import SafeWriteError, apply_writes, is_within
    from verify.cli import UsageError

    context = _project_context(args)
    export = exported_files(cheatsheet, context)
    try:
        # The default .github must stay in the project: a link in it may not lead elsewhere.
        inside = Path.cwd() if is_within(args.dir, Path.cwd()) else args.dir
        plans = [plan_export(exported, args.dir, inside) for exported in export.files]
    except SafeWriteError as error:
        raise UsageError(str(error)) from None
    changed = [plan for plan in plans if plan.changed]
    orphans = orphaned_files(args.dir, export)
    for orphan in orphans:
        print(f"not in the cheatsheet any more: {display_path(orphan)} (the kit leaves it alone; delete it if unused)")
    if args.check:
        for plan in changed:
            print(f"out of date: {display_path(plan.path)}")
        if changed or orphans:
            print(f"{len(changed) + len(orphans)} files out of date; run: django-async-kit prompts export --dir {args.dir}")
            return _report(export.problems, 1)
        print(f"{len(plans)} files up to date")
        return _report(export.problems, 0)
    if args.dry_run:
        for plan in changed:
            sys.stdout.write(plan.diff(display_path(plan.path)))
        print(f"{len(changed)} of {len(plans)} files would change (dry run: nothing written)")
        return _report(export.problems, 0)
    try:
        apply_writes(plans)
    except SafeWriteError as error:
        raise UsageError(str(error)) from None
    for plan in plans:
        print(f"{plan.action:<9} {display_path(plan.path)}")
    return _report(export.problems, 0)



def _report(problems: list, exit_code: int) -> int:
    """Prompts that could not be exported, one line each: an input error (2) whatever else happened."""
    for problem in problems:
        print(f"django-async-kit: error: {problem}", file=sys.stderr)
    return 2 if problems else exit_code


def _project_context(args, start: Path | None = None) -> dict:
    """Django version and HTTP client: from the options, else the project's configuration and files."""
    from verify.cli import UsageError
    from verify.pipeline import config
    from verify.project.target import find_root, parse_version, target_version

    root = find_root(start or Path.cwd())
    if args.django_version:
        version = parse_version(args.django_version)
        if version is None:
            raise UsageError(f"--django-version expects X.Y, e.g. 5.2 (got {args.django_version!r})")
    else:
        try:
            configured = config.load(config.find_pyproject(root)).target_version
        except config.ConfigError as error:
            raise UsageError(str(error)) from None
        version, _ = target_version(root, configured)
    return {
        "django_version": version,
        "django": f"{version[0]}.{version[1]}",
        **_project_facts(root, args.http_client),
        "verify_command": VERIFY_COMMAND,
        "view": None,
        "triage": None,
        "findings": [],
        "findings_checked": False,
    }


def _project_facts(root: Path, http_client: str | None) -> dict:
    """The facts ``init`` reads, as the cheatsheet's variables; unknown (None) outside a Django project."""
    from verify.project.facts import NotADjangoProject, detect_facts
    from verify.project.http_client import DEFAULT as DEFAULT_HTTP_CLIENT
    from verify.project.serving import SERVERS

    try:
        facts = detect_facts(root)
    except (NotADjangoProject, OSError):
        facts = None
    names = ("test_command", "test_runner", "test_runner_class", "pytest_asyncio", "asyncio_mode", "task_queue", "drf")
    values = {name: facts[name] if facts else None for name in names}
    values["asyncio_mode"] = values["asyncio_mode"] or "strict"
    values["server"] = SERVERS.get(facts["server"]) if facts else None
    values["http_client"] = http_client or (facts and facts["http_client"]) or DEFAULT_HTTP_CLIENT
    return values


