"""What ``init`` needs to know about a Django project, read statically: no user code is imported.

:func:`detect_facts` returns :class:`ProjectFacts`, one :class:`Fact` per name in :data:`FACT_NAMES`
with the value and where it came from (file and line). :func:`parse_override` turns
``--set name=value`` into a fact of the right type, refusing unknown names and values. A fact the
kit cannot tell is None: the instructions then leave it out rather than guess. The rules (what is
read, what wins) are documented in docs/facts.md:

- Packages (:mod:`verify.project.dependencies`): only the project's own declarations count as "uses";
  lock files and virtualenvs give exact versions. Django's version may come from any of them.
- HTTP client (:mod:`verify.project.http_client`): the code's imports, then declarations.
- Server (:mod:`verify.project.serving`): the command that starts it, then settings, then declarations.
- Tests: pytest where pytest is configured, else Django's runner and the project's TEST_RUNNER.
- Python: ``.python-version``, ``runtime.txt``, Dockerfile ``FROM python:X.Y``, ``requires-python``,
  kept within what the project's Django supports; never the interpreter running the kit.
- Settings module: ``manage.py``, else ``$DJANGO_SETTINGS_MODULE`` when that module is in the
  project, else the pytest configuration. The settings file, with the modules it star-imports
  inlined, is parsed for ``DATABASES``, ``MIDDLEWARE``, ``INSTALLED_APPS`` and ``TEST_RUNNER``.
"""

from __future__ import annotations

import ast
import os
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from verify.project import http_client, serving
from verify.project.dependencies import (  # noqa: F401  (lowest_version: part of this module's API)
    Dependency,
    Version,
    detect_dependencies,
    line_of,
    load_ini,
    load_toml,
    lowest_version,
    parse_python,
    parse_version,
    read_file,
    relative_path,
    search_dirs,
)
from verify.assist.safe_write import MARKER_NAME
from verify.pipeline import file_tree
from verify.pipeline.file_tree import relative_files_under, skipped_folder
from verify.project.deployment_files import ProjectFiles
from verify.project.deployment_files import is_test as _is_test
from verify.project.middleware import readiness
from verify.project.installed import installed_django_release, kit_site_packages, project_site_packages

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
    "server": "text",
    "test_runner": "text",
    "test_runner_class": "text",
    "pytest_asyncio": "bool",
    "asyncio_mode": "text",
    "view_apps": "list",
    "sync_middleware": "list",
    "test_command": "text",
    "install_deps": "text",
    "task_queue": "text",
    "drf": "bool",
}
# Facts every project has: None means the kit could not tell (for the others, that there is none).
UNKNOWN_WHEN_NONE = frozenset({"django_version", "python_version", "settings_module", "db_driver", "server"})
TASK_QUEUES = {"celery": "celery", "django-rq": "rq", "rq": "rq", "huey": "huey", "dramatiq": "dramatiq",
               "django-q2": "django-q", "django-q": "django-q"}  # distribution -> the queue's name
# The values --set accepts for facts that take one of a few (None: any text).
CHOICES: dict[str, tuple[str, ...]] = {
    "database": tuple(ENGINE_NAMES),
    "db_driver": ("psycopg", "psycopg2", "mysqlclient", "sqlite3", "oracledb"),
    "http_client": http_client.CLIENTS,
    "server": tuple(serving.SERVERS),
    "test_runner": ("pytest", "django"),
    "asyncio_mode": ("strict", "auto"),
    "task_queue": tuple(dict.fromkeys(TASK_QUEUES.values())),
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

        def shown(name: str) -> str:
            fact = self.facts[name]
            return "(unknown)" if fact.value is None and name in UNKNOWN_WHEN_NONE else fact.display()

        return "\n".join(f"{name:<{width}}  {shown(name):<24}  {self.facts[name].source}" for name in FACT_NAMES)


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
    if kind == "bool":
        if raw.lower() not in {"yes", "no", "true", "false", "1", "0"}:
            raise ValueError(f"--set {name}: expected yes or no, got {raw!r}")
        return name, raw.lower() in {"yes", "true", "1"}
    values = [item.strip() for item in raw.split(",") if item.strip()] if kind == "list" else [raw] if raw else []
    unknown = [value for value in values if name in CHOICES and value not in CHOICES[name]]
    if unknown:
        raise ValueError(f"--set {name}: unknown value {unknown[0]!r}; expected one of: {', '.join(CHOICES[name])}")
    if kind == "list":
        return name, values
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
    """The nearest pytest configuration's ini options and its file (``{}, None`` when there is
    none): ``pytest.ini``, ``tox.ini [pytest]``, ``setup.cfg [tool:pytest]``,
    ``pyproject.toml [tool.pytest.ini_options]`` or ``[tool.pytest]``."""
    for root in dirs:
        for name, section in (("pytest.ini", "pytest"), ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
            path = root / name
            if path.is_file():
                parser = load_ini(path)
                if parser.has_section(section) or name == "pytest.ini":
                    return dict(parser.items(section)) if parser.has_section(section) else {}, path
        pyproject = root / "pyproject.toml"
        if pyproject.is_file():
            pytest_table = load_toml(pyproject).get("tool", {}).get("pytest")
            if isinstance(pytest_table, dict):
                options = pytest_table.get("ini_options", pytest_table)
                return {key.lower(): str(value) for key, value in options.items() if not isinstance(value, dict)}, pyproject
    return {}, None


def _conftest(root: Path, dirs: list[Path]) -> Path | None:
    """A ``conftest.py`` of the project (any depth) or of a folder above it: pytest is set up."""
    for path in _walk_python_files(root):
        if path.name == "conftest.py":
            return path
    return next((d / "conftest.py" for d in dirs[1:] if (d / "conftest.py").is_file()), None)


def _module_file(root: Path, module: str) -> Path | None:
    parts = module.split(".")
    for base in (root, root / "src"):
        for candidate in (base.joinpath(*parts).with_suffix(".py"), base.joinpath(*parts, "__init__.py")):
            if candidate.is_file():
                return candidate
    return None


def _settings_statements(root: Path, module: str, files: list[Path]) -> Iterator[tuple[Path, ast.stmt]]:
    """The settings module's top-level statements (with their file) in execution order, with the
    project modules it star-imports (``from .base import *``) inlined where they are imported.
    ``files`` collects every file read."""
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
            yield path, node


def _setting(located: list[tuple[Path, ast.stmt]], name: str) -> tuple[ast.expr, Path, int] | None:
    """The last value assigned to the setting ``name``, its file and line."""
    found = None
    for path, node in located:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == name for target in node.targets):
            found = (node.value, path, node.lineno)
    return found


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
    """The project's Python files, from the kit's one walk (``verify.pipeline.file_tree``)."""
    return (root / relative for relative in relative_files_under(root) if relative.endswith(".py"))


def _view_apps(root: Path) -> list[str]:
    """Folders with views; test folders and test modules are not apps."""
    apps: list[str] = []
    for path in _walk_python_files(root):
        if _is_test(path.relative_to(root).parts):
            continue
        is_view = re.fullmatch(r"views(_\w+)?\.py", path.name) or "views" in path.relative_to(root).parts[:-1]
        if is_view:
            parts = path.relative_to(root).parts
            app_parts = parts[: parts.index("views")] if "views" in parts[:-1] else parts[:-1]
            app = "/".join(app_parts) or "."
            if app not in apps:
                apps.append(app)
    return apps


# --- detection ---------------------------------------------------------------------------------

def _nested_projects(root: Path) -> list[Path]:
    """Folders one or two levels below ``root`` holding a ``manage.py`` (``backend/manage.py``),
    test and documentation folders left out."""
    found = []
    for pattern in ("*/manage.py", "*/*/manage.py"):
        for path in sorted(root.glob(pattern)):
            parts = path.relative_to(root).parts[:-1]
            if not any(skipped_folder(part) or part.startswith("_") or part in ("docs", "doc") or _is_test((part, "x"))
                       for part in parts):
                found.append(path.parent)
    return found


def detect_facts(project_dir: Path, repo_root: Path | None = None) -> ProjectFacts:
    """Read every fact about the Django project in ``project_dir``.

    ``repo_root`` (default: ``project_dir``) is where the generated files go; paths in facts are
    relative to it. Dependency, lock and pytest files are also looked for in the folders above the
    project up to the repository root. A ``project_dir`` without ``manage.py`` whose Django
    project sits one or two folders down (``backend/manage.py``) is read there.
    Raises NotADjangoProject, or OSError for a file that exists but cannot be read or parsed.
    """
    file_tree.new_run()  # the project's files as they are now: a process may read facts again after writing
    root = Path(project_dir).resolve()
    if not root.is_dir():
        raise NotADjangoProject(f"{project_dir}: not a directory")
    repo = Path(repo_root).resolve() if repo_root is not None else root
    if not (root / "manage.py").is_file():
        nested = _nested_projects(root)
        if len(nested) > 1:
            where = ", ".join(relative_path(folder / "manage.py", root) for folder in nested)
            raise NotADjangoProject(f"{project_dir}: several Django projects ({where}); pass the folder of one as PROJECT_DIR")
        if nested:
            root = nested[0]
    dirs = search_dirs(root, repo if repo in root.parents else None)
    deps = detect_dependencies(dirs)
    direct = {name: dependency for name, dependency in deps.items() if dependency.direct}
    facts = ProjectFacts(root)
    put = facts.facts.__setitem__

    def shown(path: Path) -> str:
        return relative_path(path, repo)

    settings_module = _settings_from_manage_py(root)
    settings_source = f"{shown(root / 'manage.py')}:{line_of(read_file(root / 'manage.py'), 'DJANGO_SETTINGS_MODULE')}" if settings_module else ""
    environment_module = os.environ.get("DJANGO_SETTINGS_MODULE")
    # The variable may be left over from another project: trust it only if the module is here.
    if not settings_module and environment_module and _module_file(root, environment_module):
        settings_module, settings_source = environment_module, "$DJANGO_SETTINGS_MODULE"
    pytest_options, pytest_file = _pytest_config(dirs)
    pytest_name = shown(pytest_file) if pytest_file else ""
    pytest_text = read_file(pytest_file) if pytest_file else ""
    pytest_where = f"{pytest_name}:{line_of(pytest_text, '[pytest]') or line_of(pytest_text, '[tool:pytest]') or line_of(pytest_text, '[tool.pytest')}" if pytest_file else ""
    if not settings_module and pytest_options.get("django_settings_module"):
        settings_module, settings_source = pytest_options["django_settings_module"], pytest_name
    if not (root / "manage.py").is_file() and not settings_module and "django" not in deps:
        raise NotADjangoProject(
            f"{project_dir}: not a Django project (no manage.py, no settings module, no Django dependency)"
        )

    django = _django_version(deps)
    put("django_version", django)
    files = ProjectFiles(root)
    put("python_version", _python_version(dirs, files if dirs[-1] == root else ProjectFiles(dirs[-1]), django.value, shown))
    put("settings_module", Fact(settings_module, settings_source if settings_module else "not found"))

    read: list[Path] = []
    located = list(_settings_statements(root, settings_module, read)) if settings_module else []
    statements = [node for _, node in located]
    settings_files = ", ".join(shown(path) for path in read) or "no settings file found"
    engines = _database_engines(statements)
    databases = _setting(located, "DATABASES")
    put("database", Fact(engines, f"{shown(databases[1])}:{databases[2]}: DATABASES" if databases else settings_files))
    put("db_driver", _db_driver(engines, deps))

    put("http_client", Fact(*http_client.detect(files, direct, shown)))
    put("sync_http_clients", Fact(*http_client.detect_sync(files, direct, shown)))
    installed_apps = _setting(located, "INSTALLED_APPS")
    daphne_app = None
    if installed_apps and "daphne" in (_strings(installed_apps[0]) or []):
        daphne_app = f"{shown(installed_apps[1])}:{installed_apps[2]}: INSTALLED_APPS"
    # The repository root's Procfile or Dockerfile may start a project that lives in a subfolder.
    deployment = files if dirs[-1] == root else ProjectFiles(dirs[-1])
    put("server", Fact(*serving.detect(deployment, direct, shown, daphne_app)))

    conftest = _conftest(root, dirs)
    test_runner = _setting(located, "TEST_RUNNER")
    if pytest_file or conftest:
        put("test_runner", Fact("pytest", pytest_where or shown(conftest)))
        # pytest runs from the directory that holds its configuration.
        where = pytest_file.parent if pytest_file else root
        prefix = f"cd {shlex.quote(Path(os.path.relpath(where, repo)).as_posix())} && " if where != repo else ""
        put("test_command", Fact(f"{prefix}python -m pytest", f"pytest configured in {pytest_where or shown(conftest)}"))
        put("test_runner_class", Fact(None, "pytest runs the tests"))
    else:
        put("test_runner", Fact("django", "no pytest configuration (pytest.ini, [tool.pytest.ini_options], [tool:pytest], conftest.py)"))
        prefix = f"cd {shlex.quote(Path(os.path.relpath(root, repo)).as_posix())} && " if root != repo else ""
        put("test_command", Fact(f"{prefix}python manage.py test", "Django's test runner"))
        if test_runner and isinstance(test_runner[0], ast.Constant) and re.fullmatch(r"[A-Za-z_][\w.]*", str(test_runner[0].value)):
            put("test_runner_class", Fact(test_runner[0].value, f"{shown(test_runner[1])}:{test_runner[2]}: TEST_RUNNER"))
        else:
            put("test_runner_class", Fact(None, "TEST_RUNNER not set: django.test.runner.DiscoverRunner"))
    asyncio_plugin = direct.get("pytest-asyncio")
    put("pytest_asyncio", Fact(bool(asyncio_plugin), asyncio_plugin.source if asyncio_plugin else "not declared"))
    mode = pytest_options.get("asyncio_mode", "strict")
    mode_source = f"{pytest_name}:{line_of(pytest_text, 'asyncio_mode')}: asyncio_mode" if "asyncio_mode" in pytest_options else "pytest-asyncio default"
    put("asyncio_mode", Fact(mode, mode_source))

    put("view_apps", Fact([shown(root / app) for app in _view_apps(root)], "views*.py and views/ packages, tests left out"))
    search_paths = [root, root / "src"] + [site_packages for _venv, site_packages in project_site_packages(root)]
    search_paths += kit_site_packages()
    verdicts = {name: middleware_is_sync_only(name, search_paths) for name in _middleware(statements)}
    unresolved = [name for name, verdict in verdicts.items() if verdict is None]
    middleware = _setting(located, "MIDDLEWARE")
    source = (f"{shown(middleware[1])}:{middleware[2]}: MIDDLEWARE" if middleware else f"MIDDLEWARE in {settings_files}") + (f"; source not found (its own or a base's): {', '.join(unresolved)}" if unresolved else "")
    put("sync_middleware", Fact([name for name, verdict in verdicts.items() if verdict], source))
    put("install_deps", _install_deps(dirs, repo))
    queue = next((name for name in TASK_QUEUES if name in direct), None)
    put("task_queue", Fact(TASK_QUEUES[queue], direct[queue].source) if queue else Fact(None, "no task queue declared"))
    drf = direct.get("djangorestframework")
    put("drf", Fact(bool(drf), drf.source if drf else "djangorestframework not declared"))
    # Folder names, settings values and file contents are the repository's: keep them to one line.
    facts.facts = {name: fact.cleaned() for name, fact in facts.facts.items()}
    return facts


def _django_version(deps: dict[str, Dependency]) -> Fact:
    if "django" in deps and deps["django"].version:
        return Fact(deps["django"].version, deps["django"].source)
    installed = installed_django_release()
    if installed is None:
        return Fact(None, "not found")
    return Fact(parse_version(installed), f"installed with the kit: Django {installed}")


# The Pythons each Django series supports (oldest, newest): the project runs on one of them.
DJANGO_PYTHONS: dict[Version, tuple[Version, Version]] = {
    (4, 2): ((3, 8), (3, 12)), (5, 0): ((3, 10), (3, 12)), (5, 1): ((3, 10), (3, 13)),
    (5, 2): ((3, 10), (3, 14)), (6, 0): ((3, 12), (3, 14)),
}


def supported_pythons(django: Version | None) -> tuple[Version, Version] | None:
    """(oldest, newest) Python the Django series supports; None for an unknown Django."""
    series = [known for known in DJANGO_PYTHONS if django and django >= known]
    return DJANGO_PYTHONS[max(series)] if series else None


def _declared_python(dirs: list[Path], files: ProjectFiles, shown) -> Fact | None:
    """The project's own Python: ``.python-version``, ``runtime.txt``, the Dockerfile's
    ``FROM python:X.Y``, then ``requires-python`` (its lowest version)."""
    for root in dirs:
        for name in (".python-version", "runtime.txt"):
            text = (root / name).is_file() and read_file(root / name).strip().removeprefix("python-")
            if text and parse_version(text):
                return Fact(parse_version(text), f"{shown(root / name)}:1: {text.splitlines()[0]}")
    for path in files.deployment_files:
        if re.match(r"^(Dockerfile.*|.+\.dockerfile|Containerfile)$", path.name):
            for number, line in enumerate(files.text(path).splitlines(), 1):
                match = re.match(r"^\s*FROM\s+(?:\S+/)?python:(\d+\.\d+)", line, re.IGNORECASE)
                if match:
                    return Fact(parse_version(match.group(1)), f"{shown(path)}:{number}: {line.strip()}")
    for root in dirs:
        if (root / "pyproject.toml").is_file():
            data = load_toml(root / "pyproject.toml")
            poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {})
            spec = data.get("project", {}).get("requires-python") or poetry.get("python")
            if spec and lowest_version(str(spec)):
                where = f"{shown(root / 'pyproject.toml')}:{line_of(read_file(root / 'pyproject.toml'), str(spec))}"
                return Fact(lowest_version(str(spec)), f"{where}: python {spec}")
    return None


def _python_version(dirs: list[Path], files: ProjectFiles, django: Version | None, shown) -> Fact:
    """The project's Python, kept within what its Django supports; never the kit's interpreter."""
    found = _declared_python(dirs, files, shown)
    pythons = supported_pythons(django)
    if found is None:
        return Fact(None, "not found (.python-version, runtime.txt, Dockerfile FROM python, requires-python)")
    if pythons and found.value < pythons[0]:
        return Fact(pythons[0], f"{found.source}, raised to Django {django[0]}.{django[1]}'s minimum")
    if pythons and found.value > pythons[1]:
        return Fact(pythons[1], f"{found.source}, capped to the newest Python Django {django[0]}.{django[1]} supports")
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
                where = Path(os.path.relpath(root / name, repo)).as_posix()
                return Fact(f"pip install -r {shlex.quote(where)}", where)
        prefix = f"cd {shlex.quote(Path(os.path.relpath(root, repo)).as_posix())} && " if root != repo else ""
        if (root / "uv.lock").is_file():
            command = "uv export --frozen --no-hashes --format requirements-txt -o /tmp/requirements.txt"
            return Fact(f"pip install uv && {prefix}{command} && pip install -r /tmp/requirements.txt", "uv.lock")
        if (root / "poetry.lock").is_file():
            command = "poetry config virtualenvs.create false && poetry install --no-interaction --no-root"
            return Fact(f"pip install poetry && {prefix}{command}", "poetry.lock")
        if (root / "pyproject.toml").is_file() and "project" in load_toml(root / "pyproject.toml"):
            target = Path(os.path.relpath(root, repo)).as_posix()
            return Fact(f"pip install -e {shlex.quote(target)}", relative_path(root / "pyproject.toml", repo))
    return Fact(None, "no requirements file or pyproject.toml")
