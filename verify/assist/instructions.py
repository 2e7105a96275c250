"""Render the assistant instruction files for one project from the Jinja2 templates.

The templates live in ``.github/templates/`` of the kit's repository and ship inside the wheel
as ``verify/templates/`` (see ``force-include`` in pyproject.toml). :func:`render_targets` turns
:class:`verify.project.facts.ProjectFacts` into :class:`verify.assist.safe_write.ManagedFile` objects, ready for
planning; nothing here touches the user's files.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from verify.analysis import django_api
from verify.assist.install import INSTALL_COMMAND
from verify.assist.safe_write import CommentStyle, ManagedFile, Merge
from verify.assist.setup_steps import insert_setup_steps
from verify.project.facts import ENGINE_NAMES, ProjectFacts, supported_pythons
from verify.project.http_client import DEFAULT as DEFAULT_CLIENT
from verify.project.serving import ASGI_SERVERS, SERVERS

PACKAGED_TEMPLATES = Path(__file__).parent.parent / "templates"  # verify/templates in the wheel
REPOSITORY_TEMPLATES = Path(__file__).parent.parent.parent / ".github" / "templates"

MIN_DJANGO: django_api.Version = (4, 2)  # the first version with asave()/adelete() and related-manager writes
MAX_COPILOT_INSTRUCTIONS = 4000  # code review reads only the first 4,000 characters of an instruction file
VERIFY_CHANGED = "django-async-kit verify --changed"
# The agent hook's command: its output is the agentStop decision, which keeps the agent working
# until the files it changed have no findings.
VERIFY_HOOK = f"{VERIFY_CHANGED} --format agent-stop"
VIEW_GLOBS = "**/views*.py,**/views/**/*.py,**/urls.py,**/middleware*.py,**/middleware/**/*.py"
TEST_GLOBS = "**/tests/**/*.py,**/test_*.py,**/*_tests.py,**/tests.py,**/conftest.py"
# How to call each client: one TLS context per process, shared by the clients a request opens
# (building one costs more CPU than a typical API call; see the sample's benchmark).
CLIENT_USAGE = {
    "httpx2": "`async with httpx2.AsyncClient(timeout=..., verify=TLS_CONTEXT) as client:` and `await client.get(url)`,"
              " with `TLS_CONTEXT = httpx2.create_ssl_context()` built once at module level",
    "httpx": "`async with httpx.AsyncClient(timeout=..., verify=TLS_CONTEXT) as client:` and `await client.get(url)`,"
             " with `TLS_CONTEXT = ssl.create_default_context(cafile=certifi.where())` (httpx's own CA bundle) built once at module level",
    "aiohttp": "`async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=TLS_CONTEXT)) as session:` and"
               " `async with session.get(url) as response:`, with `TLS_CONTEXT = ssl.create_default_context()` built once at module level",
}
DRIVER_NAMES = {"psycopg": "psycopg 3", "psycopg2": "psycopg2"}


@dataclass(frozen=True)
class Output:
    template: str  # relative to the templates folder
    path: str  # relative to the output folder
    style: CommentStyle
    merge_unmarked: Merge | None = None  # YAML only: how to add the block to a file without markers


TARGETS: dict[str, tuple[Output, ...]] = {
    "copilot": (
        Output("copilot-instructions.md.j2", ".github/copilot-instructions.md", CommentStyle.HTML),
        Output(
            "instructions/django-async-views.instructions.md.j2",
            ".github/instructions/django-async-views.instructions.md",
            CommentStyle.HTML,
        ),
        Output(
            "instructions/django-async-tests.instructions.md.j2",
            ".github/instructions/django-async-tests.instructions.md",
            CommentStyle.HTML,
        ),
    ),
    "agents": (Output("AGENTS.md.j2", "AGENTS.md", CommentStyle.HTML),),
    "claude": (Output("CLAUDE.md.j2", "CLAUDE.md", CommentStyle.HTML),),
    "cursor": (Output("cursor/django-async.mdc.j2", ".cursor/rules/django-async.mdc", CommentStyle.HTML),),
    "setup-steps": (
        Output(
            "workflows/copilot-setup-steps.yml.j2",
            ".github/workflows/copilot-setup-steps.yml",
            CommentStyle.HASH,
            insert_setup_steps,
        ),
    ),
    "hooks": (Output("hooks/django-async-kit.json.j2", ".github/hooks/django-async-kit.json", CommentStyle.NONE),),
}
DEFAULT_TARGETS = ("copilot", "agents", "claude", "cursor", "setup-steps")  # the hook is opt-in


class RenderError(Exception):
    """The facts cannot be rendered (unknown or unsupported Django version)."""


def templates_dir() -> Path:
    """The packaged templates, or the repository's when running from a source checkout."""
    return PACKAGED_TEMPLATES if PACKAGED_TEMPLATES.is_dir() else REPOSITORY_TEMPLATES


def _code(value: str) -> str:
    return f"`{value}`"


def _yaml_scalar(value: str) -> str:
    """A YAML scalar for ``value``: plain when that reads back unchanged, else double-quoted."""
    plain_safe = re.fullmatch(r"[A-Za-z0-9./][^#]*", value) and ": " not in value and not value.endswith(":")
    return value if plain_safe else json.dumps(value)


@functools.cache
def _environment():
    import jinja2

    from verify.assist import templating

    return templating.environment(
        jinja2.FileSystemLoader(str(templates_dir())), code=_code, json=json.dumps, yaml_scalar=_yaml_scalar
    )


def build_context(facts: ProjectFacts) -> dict:
    """Template variables, derived from the facts (version gates use :mod:`verify.analysis.django_api`)."""
    dj = facts["django_version"]
    if dj is None:
        raise RenderError("cannot tell the project's Django version; pass --set django_version=5.2 (for example)")
    if dj < MIN_DJANGO:
        raise RenderError(
            f"Django {dj[0]}.{dj[1]} lacks the async model API (asave, adelete); the kit supports 4.2 and later"
        )
    engines = facts["database"]
    driver = facts["db_driver"]
    driver_note = f" ({DRIVER_NAMES[driver]})" if driver in DRIVER_NAMES else ""  # drivers named here are PostgreSQL's
    databases = [ENGINE_NAMES.get(engine, engine) + (driver_note if engine == "postgresql" else "") for engine in engines]
    client = facts["http_client"] or DEFAULT_CLIENT
    view_apps = facts["view_apps"]
    not_installed = f"django-async-kit is not installed: {INSTALL_COMMAND}"
    python = facts["python_version"]
    server = facts["server"]
    return {
        "api": django_api,
        "dj": dj,
        "dj_label": f"{dj[0]}.{dj[1]}",
        "py_label": "{}.{}".format(*python) if python else None,
        # Copilot's runner needs a Python: the project's, else the newest its Django supports.
        "ci_python": "{}.{}".format(*(python or supported_pythons(dj)[1])),
        "databases": databases,
        "db_engines": engines,
        "driver": driver,
        "client": client,
        "client_declared": bool(facts["http_client"]),
        "client_usage": CLIENT_USAGE.get(client, f"`{client}`'s async API"),
        "server": server,
        "server_label": SERVERS.get(server, server),
        "server_is_asgi": server in ASGI_SERVERS,
        "test_runner": facts["test_runner"],
        "test_runner_class": facts["test_runner_class"],
        "test_runner_label": _test_runner_label(facts),
        "test_command": facts["test_command"],
        "pytest_asyncio": facts["pytest_asyncio"],
        "asyncio_mode": facts["asyncio_mode"],
        "view_apps": view_apps,
        "sync_middleware": facts["sync_middleware"],
        "verify_changed": VERIFY_CHANGED,
        "verify_apps": "django-async-kit verify " + " ".join(shlex.quote(app) for app in view_apps),
        "view_globs": VIEW_GLOBS,
        "test_globs": TEST_GLOBS,
        "install_command": INSTALL_COMMAND,
        "install_deps": facts["install_deps"],
        "hook_bash": (
            f"command -v django-async-kit >/dev/null 2>&1 || {{ echo '{not_installed}' >&2; exit 1; }}; {VERIFY_HOOK}"
        ),
        "hook_powershell": (
            "if (-not (Get-Command django-async-kit -ErrorAction SilentlyContinue)) "
            f"{{ Write-Error '{not_installed}'; exit 1 }}; {VERIFY_HOOK}"
        ),
        "md_begin": CommentStyle.HTML.begin,
        "md_end": CommentStyle.HTML.end,
        "yaml_begin": CommentStyle.HASH.begin,
        "yaml_end": CommentStyle.HASH.end,
    }


def _test_runner_label(facts: ProjectFacts) -> str:
    if facts["test_runner"] == "pytest":
        return "pytest"
    runner = facts["test_runner_class"]
    return f'Django\'s test runner (`TEST_RUNNER = "{runner}"`)' if runner else "Django's test runner"


def render_targets(facts: ProjectFacts, targets: list[str], output_dir: Path) -> list[ManagedFile]:
    """One ManagedFile per output of the chosen targets, with paths under ``output_dir``."""
    context = build_context(facts)
    environment = _environment()
    files = []
    for target in targets:
        for output in TARGETS[target]:
            try:
                text = environment.get_template(output.template).render(context)
            except Exception as error:  # one line, whatever a template raises
                from verify.assist import templating

                raise RenderError(f"{output.template}: {templating.failure(error)[0]}") from None
            path = Path(output_dir) / output.path
            if output.style is CommentStyle.HTML:
                # The description names the Django version: it follows the facts like the block does.
                files.append(ManagedFile.markdown(path, text, front_matter_keys=("description",)))
            elif output.style is CommentStyle.HASH:
                files.append(ManagedFile.yaml(path, text, output.merge_unmarked))
            else:
                files.append(ManagedFile.owned(path, text))
    return files
