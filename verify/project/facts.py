"""What ``init`` needs to know about a Django project, read statically: no user code is imported.

:func:`detect_facts` returns :class:`ProjectFacts`, one :class:`Fact` per name in :data:`FACT_NAMES`
with the value and where it came from. :func:`parse_override` turns ``--set name=value`` into a
fact of the right type. Sources, by fact:

- Django and other packages: lock files (``uv.lock``, ``poetry.lock``, ``pylock*.toml``,
  ``Pipfile.lock``) give exact versions; then ``requirements*.txt`` / ``requirements/*.txt``
  (following ``-r`` / ``-c``), ``pyproject.toml`` (PEP 621, PEP 735 groups, Poetry),
  ``setup.cfg`` and ``setup.py`` give the lowest version a spec admits; then a ``.venv`` /
  ``venv`` inside the project; for Django last, the interpreter running the kit. Files between
  the project and the repository root count too (nearest first).
- Python: ``.python-version``, ``runtime.txt``, ``requires-python``, else the running
  interpreter; never below the oldest Python the Django version supports.
- Settings module: ``manage.py`` (``os.environ.setdefault`` or assignment), else
  ``$DJANGO_SETTINGS_MODULE`` when that module is in the project, else the pytest
  configuration. The settings file, with the modules it star-imports inlined where they are
  imported, is parsed for ``DATABASES`` engines and ``MIDDLEWARE``; middleware sources are
  parsed (in the project, its virtualenv, then the kit's site-packages) for async support.
"""

from __future__ import annotations

import ast
import os
import re
import shlex
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from verify.project.dependencies import (  # noqa: F401  (lowest_version: part of this module's API)
    PROJECT_VENVS,
    Dependency,
    Version,
    detect_dependencies,
    load_ini,
    load_toml,
    lowest_version,
    parse_python,
    parse_version,
    read_file,
    relative_path,
)
from verify.assist.safe_write import MARKER_NAME
from verify.project.middleware import readiness

SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".venv", "venv", "env", ".env", ".tox", ".nox", "node_modules", "__pycache__",
     "site-packages", "build", "dist", "migrations", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
)
ASYNC_HTTP_CLIENTS = ("httpx2", "aiohttp", "httpx")  # preference order when several are present
ASGI_SERVERS = ("uvicorn", "daphne", "hypercorn", "granian")
PSYCOPG3 = ("psycopg", "psycopg-binary", "psycopg-c")
PSYCOPG2 = ("psycopg2", "psycopg2-binary")
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite3": "SQLite", "mysql": "MySQL", "oracle": "Oracle"}
URL_SCHEMES = {"postgres": "postgresql", "postgresql": "postgresql", "pgsql": "postgresql", "postgis": "postgresql",
               "sqlite": "sqlite3", "mysql": "mysql", "mariadb": "mysql", "oracle": "oracle"}

# Fact name -> kind of value; the order is the order of --show-facts.
FACT_NAMES: dict[str, str] = {
    "django_version": "version",
    "python_version": "version",
    "settings_module": "text",
    "database": "list",
    "db_driver": "text",
    "http_client": "text",
    "sync_http_clients": "list",
    "asgi_server": "text",
    "test_runner": "text",
    "pytest_asyncio": "bool",
    "asyncio_mode": "text",
    "view_apps": "list",
    "sync_middleware": "list",
    "test_command": "text",
    "install_deps": "text",
}


class NotADjangoProject(Exception):
    """The directory has no manage.py, no settings module and no Django dependency."""


# Characters that end a line, drive a terminal or reorder text on screen (Unicode bidi controls):
# text from the repository reaches the generated files with each of them escaped (``\\n``).
_UNSAFE_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def plain_text(text: str) -> str:
    """``text`` as one line that cannot pass for one of the kit's marker lines."""
    text = _UNSAFE_CHARACTERS.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)
    return text.replace(f"{MARKER_NAME}:", f"{MARKER_NAME}\\:")


@dataclass(frozen=True)
class Fact:
    value: object
    source: str

    def cleaned(self) -> Fact:
        """The fact with its text made safe to write into a file (see :func:`plain_text`)."""
        value = self.value
        if isinstance(value, str):
            value = plain_text(value)
        elif isinstance(value, list):
            value = [plain_text(item) if isinstance(item, str) else item for item in value]
        return Fact(value, plain_text(self.source))

    def display(self) -> str:
        value = self.value
        if isinstance(value, tuple):
            return ".".join(map(str, value))
        if isinstance(value, list):
            return ", ".join(value) if value else "(none)"
        if isinstance(value, bool):
            return "yes" if value else "no"
        return "(none)" if value in (None, "") else str(value)


@dataclass
class ProjectFacts:
    root: Path
    facts: dict[str, Fact] = field(default_factory=dict)

    def __getitem__(self, name: str) -> object:
        return self.facts[name].value

    def override(self, name: str, value: object) -> None:
        self.facts[name] = Fact(value, "--set").cleaned()

    def as_table(self) -> str:
        width = max(map(len, FACT_NAMES))
        return "\n".join(
            f"{name:<{width}}  {self.facts[name].display():<24}  {self.facts[name].source}" for name in FACT_NAMES
        )


def parse_override(text: str) -> tuple[str, object]:
    """``name=value`` from ``--set`` as a typed fact value; raises ValueError with a clear message."""
    name, sep, raw = text.partition("=")
    name, raw = name.strip(), raw.strip()
    if not sep or name not in FACT_NAMES:
        raise ValueError(f"--set expects NAME=VALUE with NAME one of: {', '.join(FACT_NAMES)} (got {text!r})")
    kind = FACT_NAMES[name]
    if kind == "version":
        version = parse_version(raw)
        if version is None:
            raise ValueError(f"--set {name}: expected a version like 5.2, got {raw!r}")
        return name, version
    if kind == "list":
        return name, [item.strip() for item in raw.split(",") if item.strip()]
    if kind == "bool":
        if raw.lower() not in {"yes", "no", "true", "false", "1", "0"}:
            raise ValueError(f"--set {name}: expected yes or no, got {raw!r}")
        return name, raw.lower() in {"yes", "true", "1"}
    return name, raw or None


# --- settings ----------------------------------------------------------------------------------


def _settings_from_manage_py(root: Path) -> str | None:
    """The module in ``os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)`` or
    ``os.environ["DJANGO_SETTINGS_MODULE"] = ...``."""
    tree = (root / "manage.py").is_file() and parse_python(root / "manage.py")
    for node in ast.walk(tree) if tree else ():
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            and any(
                isinstance(target, ast.Subscript)
                and isinstance(target.slice, ast.Constant)
                and target.slice.value == "DJANGO_SETTINGS_MODULE"
                for target in node.targets
            )
        ):
            return node.value.value
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"setdefault", "__setitem__"}
            and len(node.args) == 2
            and all(isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in node.args)
            and node.args[0].value == "DJANGO_SETTINGS_MODULE"
        ):
            return node.args[1].value
    return None


def _pytest_config(dirs: list[Path]) -> tuple[dict[str, str], Path | None]:
    """The nearest pytest ini options and their file (``{}, None`` when there are none)."""
    for root in dirs:
        for name, section in (("pytest.ini", "pytest"), ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
            path = root / name
            if path.is_file():
                parser = load_ini(path)
                if parser.has_section(section):
                    return dict(parser.items(section)), path
        pyproject = root / "pyproject.toml"
        if pyproject.is_file():
            options = load_toml(pyproject).get("tool", {}).get("pytest", {}).get("ini_options")
            if options is not None:
                return {key.lower(): str(value) for key, value in options.items()}, pyproject
    return {}, None


def _module_file(root: Path, module: str) -> Path | None:
    parts = module.split(".")
    for base in (root, root / "src"):
        for candidate in (base.joinpath(*parts).with_suffix(".py"), base.joinpath(*parts, "__init__.py")):
            if candidate.is_file():
                return candidate
    return None


def _settings_statements(root: Path, module: str, files: list[Path]) -> Iterator[ast.stmt]:
    """The settings module's top-level statements in execution order, with the project modules
    it star-imports (``from .base import *``) inlined where they are imported. ``files``
    collects every file read."""
    path = _module_file(root, module)
    tree = path and path not in files and parse_python(path)
    if not tree:
        return
    files.append(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in _top_level_statements(tree.body):
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
            parts = package.split(".")
            base = parts[: len(parts) - (node.level - 1)] if node.level else []
            yield from _settings_statements(root, ".".join(base + ([node.module] if node.module else [])), files)
        else:
            yield node


def _top_level_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module statements, including those under if/try/with, but not inside functions or classes."""
    for node in body:
        yield node
        for child_body in ("body", "orelse", "finalbody", "handlers"):
            children = getattr(node, child_body, None)
            if children and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                yield from _top_level_statements(children)


def _strings(node: ast.AST) -> list[str] | None:
    if isinstance(node, (ast.List, ast.Tuple)) and all(
        isinstance(item, ast.Constant) and isinstance(item.value, str) for item in node.elts
    ):
        return [item.value for item in node.elts]
    return None


def _middleware(statements: list[ast.stmt]) -> list[str]:
    middleware: list[str] = []
    for node in statements:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "MIDDLEWARE" for t in node.targets):
            middleware = _strings(node.value) or middleware
        elif isinstance(node, ast.AugAssign) and getattr(node.target, "id", None) == "MIDDLEWARE":
            middleware += _strings(node.value) or []
        elif (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and getattr(node.value.func.value, "id", None) == "MIDDLEWARE"
            and node.value.args
            and isinstance(node.value.args[-1], ast.Constant)
        ):
            middleware.append(node.value.args[-1].value)
    return middleware


def _database_engines(statements: list[ast.stmt]) -> list[str]:
    """Engines named in the settings: ENGINE strings, and database URLs (``dj_database_url`` defaults)."""
    engines: list[str] = []
    for statement in statements:
        for node in ast.walk(statement):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            engine = None
            if ".db.backends." in node.value and " " not in node.value:
                engine = node.value.rsplit(".", 1)[1]
                engine = "postgresql" if engine == "postgis" else engine
            else:
                match = re.match(r"^([a-z0-9]+)(?:\+\w+)?://", node.value)
                engine = URL_SCHEMES.get(match.group(1)) if match else None
            if engine and engine not in engines:
                engines.append(engine)
    return engines


# --- middleware capability ---------------------------------------------------------------------


def _find_module_source(module: str, search_paths: list[Path]) -> Path | None:
    for base in search_paths:
        path = _module_file(base, module)
        if path:
            return path
    return None


def middleware_is_sync_only(dotted: str, search_paths: list[Path]) -> bool | None:
    """True if the middleware has no async support, False if it has, None if its source (or that
    of a base it depends on) is not found in ``search_paths``."""
    if dotted.startswith("django."):
        return False  # every bundled middleware subclasses MiddlewareMixin (4.2 to 6.1)

    def load(module: str):
        path = _find_module_source(module, search_paths)
        tree = path and parse_python(path)
        return (tree, path) if tree else None

    ready = readiness(dotted, load)
    return None if ready is None else not ready


# --- project layout ----------------------------------------------------------------------------


def _walk_python_files(root: Path) -> Iterator[Path]:
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in SKIPPED_DIRS and not d.startswith("."))
        for file in sorted(files):
            if file.endswith(".py"):
                yield Path(directory, file)


def _view_apps(root: Path) -> list[str]:
    apps: list[str] = []
    for path in _walk_python_files(root):
        is_view = re.fullmatch(r"views(_\w+)?\.py", path.name) or "views" in path.relative_to(root).parts[:-1]
        if is_view:
            parts = path.relative_to(root).parts
            app_parts = parts[: parts.index("views")] if "views" in parts[:-1] else parts[:-1]
            app = "/".join(app_parts) or "."
            if app not in apps:
                apps.append(app)
    return apps


def _imported_top_modules(root: Path, wanted: tuple[str, ...]) -> Iterator[tuple[str, Path]]:
    for path in _walk_python_files(root):
        try:
            tree = parse_python(path)
        except OSError:  # a legacy file in another encoding says nothing about HTTP clients
            continue
        for node in ast.walk(tree) if tree else ():
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in wanted:
                    yield top, path


# --- detection ---------------------------------------------------------------------------------

# The oldest Python each Django series supports: a project cannot run on less.
DJANGO_MIN_PYTHON: dict[Version, Version] = {(4, 2): (3, 8), (5, 0): (3, 10), (6, 0): (3, 12)}


def search_dirs(project_dir: Path, repo_root: Path | None = None) -> list[Path]:
    """``project_dir`` and its ancestors up to ``repo_root``: dependency and pytest files of a
    monorepo often sit above the Django project."""
    project_dir = Path(project_dir).resolve()
    dirs = [project_dir]
    if repo_root is not None:
        repo_root = Path(repo_root).resolve()
        if repo_root in project_dir.parents:
            dirs += [parent for parent in project_dir.parents if parent == repo_root or repo_root in parent.parents]
    return dirs


def detect_facts(project_dir: Path, repo_root: Path | None = None) -> ProjectFacts:
    """Read every fact about the Django project in ``project_dir``.

    ``repo_root`` (default: ``project_dir``) is where the generated files go; paths in facts are
    relative to it, and dependency and pytest files are also looked for between the two.
    Raises NotADjangoProject, or OSError for a file that exists but cannot be read or parsed.
    """
    root = Path(project_dir).resolve()
    if not root.is_dir():
        raise NotADjangoProject(f"{project_dir}: not a directory")
    repo = Path(repo_root).resolve() if repo_root is not None else root
    dirs = search_dirs(root, repo)
    deps = detect_dependencies(dirs)
    facts = ProjectFacts(root)
    put = facts.facts.__setitem__

    settings_module, settings_source = _settings_from_manage_py(root), "manage.py"
    environment_module = os.environ.get("DJANGO_SETTINGS_MODULE")
    # The variable may be left over from another project: trust it only if the module is here.
    if not settings_module and environment_module and _module_file(root, environment_module):
        settings_module, settings_source = environment_module, "$DJANGO_SETTINGS_MODULE"
    pytest_options, pytest_file = _pytest_config(dirs)
    pytest_name = relative_path(pytest_file, repo) if pytest_file else ""
    if not settings_module and pytest_options.get("django_settings_module"):
        settings_module, settings_source = pytest_options["django_settings_module"], pytest_name
    if not (root / "manage.py").is_file() and not settings_module and "django" not in deps:
        raise NotADjangoProject(
            f"{project_dir}: not a Django project (no manage.py, no settings module, no Django dependency)"
        )

    django = _django_version(deps)
    put("django_version", django)
    put("python_version", _python_version(dirs, django.value))
    put("settings_module", Fact(settings_module, settings_source if settings_module else "not found"))

    files: list[Path] = []
    statements = list(_settings_statements(root, settings_module, files)) if settings_module else []
    settings_files = ", ".join(relative_path(path, repo) for path in files) or "no settings file found"
    engines = _database_engines(statements)
    put("database", Fact(engines, settings_files))
    put("db_driver", _db_driver(engines, deps))

    clients = [name for name in ASYNC_HTTP_CLIENTS if name in deps]
    if clients:
        put("http_client", Fact(clients[0], deps[clients[0]].source))
    else:
        imported = dict(_imported_top_modules(root, ASYNC_HTTP_CLIENTS))
        client = next((name for name in ASYNC_HTTP_CLIENTS if name in imported), None)
        source = f"imported in {relative_path(imported[client], repo)}" if client else "no async HTTP client found"
        put("http_client", Fact(client, source))
    requests = deps.get("requests")
    put("sync_http_clients", Fact(["requests"] if requests else [], requests.source if requests else "none declared"))

    server = next((name for name in ASGI_SERVERS if name in deps), None)
    if server:
        put("asgi_server", Fact(server, deps[server].source))
    elif "uvicorn-worker" in deps:
        put("asgi_server", Fact("uvicorn", deps["uvicorn-worker"].source))
    else:
        put("asgi_server", Fact(None, "no ASGI server dependency found"))

    uses_pytest = "pytest-django" in deps or "django_settings_module" in pytest_options
    if uses_pytest:
        source = deps["pytest-django"].source if "pytest-django" in deps else f"{pytest_name}: DJANGO_SETTINGS_MODULE"
        put("test_runner", Fact("pytest", source))
        # pytest runs from the directory that holds its configuration.
        where = pytest_file.parent if pytest_file else root
        prefix = f"cd {shlex.quote(relative_path(where, repo))} && " if where != repo else ""
        put("test_command", Fact(f"{prefix}python -m pytest", pytest_name or "pytest-django"))
    else:
        put("test_runner", Fact("django", "no pytest-django dependency"))
        prefix = f"cd {shlex.quote(relative_path(root, repo))} && " if root != repo else ""
        put("test_command", Fact(f"{prefix}python manage.py test", "manage.py test"))
    asyncio_plugin = deps.get("pytest-asyncio")
    put("pytest_asyncio", Fact(bool(asyncio_plugin), asyncio_plugin.source if asyncio_plugin else "not declared"))
    mode = pytest_options.get("asyncio_mode", "strict")
    mode_source = f"{pytest_name}: asyncio_mode" if "asyncio_mode" in pytest_options else "pytest-asyncio default"
    put("asyncio_mode", Fact(mode, mode_source))

    put("view_apps", Fact([relative_path(root / app, repo) for app in _view_apps(root)], "views*.py and views/ packages"))
    search_paths = [root, root / "src"] + [p for venv in PROJECT_VENVS for p in (root / venv).glob("lib/python3*/site-packages")]
    search_paths += [Path(p) for p in sys.path if p and "site-packages" in p and Path(p).is_dir()]
    verdicts = {name: middleware_is_sync_only(name, search_paths) for name in _middleware(statements)}
    unresolved = [name for name, verdict in verdicts.items() if verdict is None]
    source = f"MIDDLEWARE in {settings_files}" + (f"; source not found (its own or a base's): {', '.join(unresolved)}" if unresolved else "")
    put("sync_middleware", Fact([name for name, verdict in verdicts.items() if verdict], source))
    put("install_deps", _install_deps(dirs, repo))
    # Folder names, settings values and file contents are the repository's: keep them to one line.
    facts.facts = {name: fact.cleaned() for name, fact in facts.facts.items()}
    return facts


def _django_version(deps: dict[str, Dependency]) -> Fact:
    if "django" in deps and deps["django"].version:
        return Fact(deps["django"].version, deps["django"].source)
    try:
        installed = metadata.version("django")
    except metadata.PackageNotFoundError:
        return Fact(None, "not found")
    return Fact(parse_version(installed), f"installed with the kit: Django {installed}")


def _python_version(dirs: list[Path], django: Version | None) -> Fact:
    found = Fact(sys.version_info[:2], f"running interpreter: Python {sys.version.split()[0]}")
    for root in dirs:
        for name in (".python-version", "runtime.txt"):
            text = (root / name).is_file() and read_file(root / name).strip().removeprefix("python-")
            if text and parse_version(text):
                return Fact(parse_version(text), f"{relative_path(root / name, dirs[-1])}: {text.splitlines()[0]}")
        if (root / "pyproject.toml").is_file():
            data = load_toml(root / "pyproject.toml")
            poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {})
            spec = data.get("project", {}).get("requires-python") or poetry.get("python")
            if spec and lowest_version(str(spec)):
                where = relative_path(root / "pyproject.toml", dirs[-1])
                found = Fact(lowest_version(str(spec)), f"{where}: requires-python {spec}")
                break
    floor = max((python for series, python in DJANGO_MIN_PYTHON.items() if django and django >= series), default=None)
    if floor and found.value < floor:
        return Fact(floor, f"{found.source}, raised to Django {django[0]}.{django[1]}'s minimum")
    return found


def _db_driver(engines: list[str], deps: dict[str, Dependency]) -> Fact:
    if "postgresql" in engines:
        # Django 4.2+ imports psycopg (3) first and falls back to psycopg2.
        for names, driver in ((PSYCOPG3, "psycopg"), (PSYCOPG2, "psycopg2")):
            found = next((name for name in names if name in deps), None)
            if found:
                return Fact(driver, deps[found].source)
        return Fact(None, "PostgreSQL engine but no psycopg / psycopg2 dependency found")
    if "mysql" in engines:
        return Fact("mysqlclient", "MySQL engine")
    if engines == ["sqlite3"]:
        return Fact("sqlite3", "Python's standard library")
    return Fact(None, "no database engine found")


REQUIREMENTS_PREFERENCE = (
    "requirements-dev.txt", "requirements/dev.txt", "requirements/local.txt", "requirements.txt", "requirements/base.txt"
)


def _install_deps(dirs: list[Path], repo: Path) -> Fact:
    """The shell command, run from ``repo``, that installs the project's dependencies on a CI runner."""
    for root in dirs:
        for name in REQUIREMENTS_PREFERENCE:
            if (root / name).is_file():
                where = relative_path(root / name, repo)
                return Fact(f"pip install -r {shlex.quote(where)}", where)
        prefix = f"cd {shlex.quote(relative_path(root, repo))} && " if root != repo else ""
        if (root / "uv.lock").is_file():
            command = "uv export --frozen --no-hashes --format requirements-txt -o /tmp/requirements.txt"
            return Fact(f"pip install uv && {prefix}{command} && pip install -r /tmp/requirements.txt", "uv.lock")
        if (root / "poetry.lock").is_file():
            command = "poetry config virtualenvs.create false && poetry install --no-interaction --no-root"
            return Fact(f"pip install poetry && {prefix}{command}", "poetry.lock")
        if (root / "pyproject.toml").is_file() and "project" in load_toml(root / "pyproject.toml"):
            target = relative_path(root, repo) if root != repo else "."
            return Fact(f"pip install -e {shlex.quote(target)}", relative_path(root / "pyproject.toml", repo))
    return Fact(None, "no requirements file or pyproject.toml")
