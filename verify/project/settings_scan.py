"""A Django project's settings, read statically: never imported, never executed.

Settings modules are found from ``DJANGO_SETTINGS_MODULE`` wherever the project names it
(``manage.py``, ``asgi.py``, ``wsgi.py``, pytest configuration, ``.env`` and deployment files),
and split settings are followed: ``from .base import *`` pulls the base module's values in, and
every module of a ``settings/`` package is read (the one in production is often chosen by an
environment variable). Each module is evaluated in order: later assignments win, ``+=``,
``append`` and ``insert`` extend ``MIDDLEWARE``, ``DATABASES["default"]["CONN_MAX_AGE"] = ...``
updates one database. Only literal values are understood; anything else stays unknown.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from verify.project.deployment_files import ProjectFiles

# DJANGO_SETTINGS_MODULE in code, env and pytest files; django_settings_module in django-stubs' mypy config.
_SETTINGS_NAME = re.compile(r"""DJANGO_SETTINGS_MODULE["']?\s*[\]]?\s*[,:=]\s*["']?(?P<module>[A-Za-z_][\w.]*)""", re.IGNORECASE)
_NAMING_FILES = re.compile(r"^(manage\.py|asgi\.py|wsgi\.py|pyproject\.toml|pytest\.ini|setup\.cfg|tox\.ini|mypy\.ini)$")
_TEST_MODULE = re.compile(r"^(tests?|testing|test_settings|settings_test|.*_tests?)$")


@dataclass(frozen=True)
class Located:
    """A value's expression and where it is written."""

    node: ast.expr
    path: Path
    line: int
    column: int  # 1-based
    end_column: int  # one past the last character, 1-based (on ``line`` when the node spans lines)


@dataclass(frozen=True)
class MiddlewareEntry:
    dotted: str
    at: Located


@dataclass
class Settings:
    module: str
    path: Path
    names: dict[str, Located] = field(default_factory=dict)
    middleware: list[MiddlewareEntry] = field(default_factory=list)
    conn_max_age: dict[str, Located] = field(default_factory=dict)  # database alias -> CONN_MAX_AGE value
    files: list[Path] = field(default_factory=list)  # this module and the ones it star-imports

    def strings(self, name: str) -> list[str]:
        """A list setting's string items (``INSTALLED_APPS``), when it is a literal."""
        value = self.names.get(name)
        if value is None or not isinstance(value.node, (ast.List, ast.Tuple)):
            return []
        return [e.value for e in value.node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]


class SettingsFinder:
    def __init__(self, files: ProjectFiles):
        self.files = files
        self.root = files.root
        self._cache: dict[Path, Settings] = {}

    # -- discovery -------------------------------------------------------------------------------
    def base_dirs(self) -> list[Path]:
        """Folders a dotted module name is resolved from: each manage.py's folder, the root, src/."""
        dirs = [p.parent for p in self.files.python_files if p.name == "manage.py"]
        dirs += [self.root, self.root / "src"]
        return list(dict.fromkeys(dirs))

    def named_modules(self) -> list[str]:
        names = []
        candidates = [p for p in self.files.python_files + self.files.text_files if _NAMING_FILES.match(p.name)]
        candidates += self.files.env_files + self.files.deployment_files
        for path in candidates:
            names += [match.group("module") for match in _SETTINGS_NAME.finditer(self.files.text(path))]
        return list(dict.fromkeys(name for name in names if "." in name or name == "settings"))

    def resolve(self, dotted: str) -> Path | None:
        parts = dotted.split(".")
        for base in self.base_dirs():
            for candidate in (base.joinpath(*parts).with_suffix(".py"), base.joinpath(*parts, "__init__.py")):
                if candidate.is_file():
                    return candidate
        return None

    def settings_modules(self) -> list[Settings]:
        """Every settings module the project may run with (test settings left out when others exist)."""
        paths: dict[Path, str] = {}
        for dotted in self.named_modules():
            path = self.resolve(dotted)
            if path is None:
                continue
            paths.setdefault(path, dotted)
            package = path.parent  # a settings/ package: read every module of it
            if package.name == "settings" and (package / "__init__.py").is_file():
                prefix = dotted if path.name == "__init__.py" else dotted.rsplit(".", 1)[0]
                for sibling in sorted(package.glob("*.py")):
                    module = prefix if sibling.name == "__init__.py" else f"{prefix}.{sibling.stem}"
                    paths.setdefault(sibling, module)
        if not paths:  # no DJANGO_SETTINGS_MODULE anywhere: the usual places
            for path in self.files.python_files:
                if path.name == "settings.py" or path.parent.name == "settings":
                    paths.setdefault(path, _dotted(path, self.root))
        modules = [self.load(path, dotted) for path, dotted in paths.items()]
        real = [m for m in modules if not _TEST_MODULE.match(m.module.rsplit(".", 1)[-1])]
        return real or modules

    # -- evaluation -----------------------------------------------------------------------------
    def load(self, path: Path, dotted: str, stack: tuple[Path, ...] = ()) -> Settings:
        if path in self._cache:
            return self._cache[path]
        settings = Settings(dotted, path, files=[path])
        tree = self.files.tree(path)
        if tree is not None and path not in stack:
            self._run(tree.body, settings, path, dotted, stack + (path,))
        if not stack:
            self._cache[path] = settings
        return settings

    def _run(self, body: list[ast.stmt], settings: Settings, path: Path, dotted: str, stack: tuple[Path, ...]) -> None:
        for statement in body:
            if isinstance(statement, ast.ImportFrom) and any(alias.name == "*" for alias in statement.names):
                self._star_import(statement, settings, path, dotted, stack)
            elif isinstance(statement, ast.Assign):
                for target in statement.targets:
                    self._assign(target, statement.value, settings, path)
            elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                self._assign(statement.target, statement.value, settings, path)
            elif isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name) and statement.target.id == "MIDDLEWARE":
                settings.middleware = settings.middleware + self._entries(statement.value, settings, path)
            elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                self._middleware_call(statement.value, settings, path)
                self._database_update(statement.value, settings, path)
            elif isinstance(statement, ast.If):
                self._run(statement.body + statement.orelse, settings, path, dotted, stack)
            elif isinstance(statement, (ast.Try, getattr(ast, "TryStar", ast.Try))):
                self._run(statement.body + statement.orelse + statement.finalbody, settings, path, dotted, stack)
            elif isinstance(statement, ast.With):
                self._run(statement.body, settings, path, dotted, stack)

    def _star_import(self, statement: ast.ImportFrom, settings: Settings, path: Path, dotted: str, stack: tuple[Path, ...]) -> None:
        package = dotted if path.name == "__init__.py" else dotted.rpartition(".")[0]
        if statement.level:
            base = package.split(".") if package else []
            base = base[: len(base) - (statement.level - 1)] if statement.level > 1 else base
            module = ".".join([*base, statement.module] if statement.module else base)
        else:
            module = statement.module or ""
        source = self.resolve(module) or _sibling(path, statement)
        if source is None or source in stack:
            return
        imported = self.load(source, module, stack)
        settings.names.update(imported.names)
        settings.middleware = list(imported.middleware)
        settings.conn_max_age.update(imported.conn_max_age)
        settings.files += [f for f in imported.files if f not in settings.files]

    def _assign(self, target: ast.expr, value: ast.expr, settings: Settings, path: Path) -> None:
        if isinstance(target, ast.Name):
            settings.names[target.id] = _at(value, path)
            if target.id == "MIDDLEWARE":
                settings.middleware = self._entries(value, settings, path)
            elif target.id == "DATABASES":
                settings.conn_max_age = self._databases(value, settings, path)
            return
        # DATABASES["default"]["CONN_MAX_AGE"] = 0 / DATABASES["default"] = {...}
        keys = []
        node = target
        while isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            keys.append(node.slice.value)
            node = node.value
        if not (isinstance(node, ast.Name) and node.id == "DATABASES"):
            return
        keys.reverse()
        if len(keys) == 2 and keys[1] == "CONN_MAX_AGE":
            settings.conn_max_age[keys[0]] = _at(value, path, target)
        elif len(keys) == 1:
            settings.conn_max_age.pop(keys[0], None)
            found = self._database(value, settings, path)
            if found is not None:
                settings.conn_max_age[keys[0]] = found

    def _entries(self, value: ast.expr, settings: Settings, path: Path, depth: int = 3) -> list[MiddlewareEntry]:
        """The strings of a list, ``a + b``, ``[*BASE, "x"]``, or a name bound to one (in the file that binds it)."""
        if isinstance(value, (ast.List, ast.Tuple)):
            entries = []
            for element in value.elts:
                if isinstance(element, ast.Constant) and isinstance(element.value, str):
                    entries.append(MiddlewareEntry(element.value, _at(element, path)))
                elif isinstance(element, ast.Starred):
                    entries += self._entries(element.value, settings, path, depth)
            return entries
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
            return self._entries(value.left, settings, path, depth) + self._entries(value.right, settings, path, depth)
        if isinstance(value, ast.Name) and value.id == "MIDDLEWARE":
            return list(settings.middleware)
        if isinstance(value, ast.Name) and value.id in settings.names and depth:
            bound = settings.names[value.id]
            return self._entries(bound.node, settings, bound.path, depth - 1)
        return []

    def _middleware_call(self, call: ast.Call, settings: Settings, path: Path) -> None:
        func = call.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "MIDDLEWARE"):
            return
        if func.attr == "append" and call.args:
            settings.middleware = settings.middleware + self._entries(ast.List([call.args[0]]), settings, path)
        elif func.attr == "extend" and call.args:
            settings.middleware = settings.middleware + self._entries(call.args[0], settings, path)
        elif func.attr == "insert" and len(call.args) == 2 and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, int):
            entries = list(settings.middleware)
            for entry in reversed(self._entries(ast.List([call.args[1]]), settings, path)):
                entries.insert(call.args[0].value, entry)
            settings.middleware = entries

    def _database_update(self, call: ast.Call, settings: Settings, path: Path) -> None:
        """``DATABASES["default"].update({"CONN_MAX_AGE": 60})`` or ``.update(CONN_MAX_AGE=60)``."""
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr == "update" and isinstance(func.value, ast.Subscript)):
            return
        target = func.value
        if not (isinstance(target.value, ast.Name) and target.value.id == "DATABASES" and isinstance(target.slice, ast.Constant)):
            return
        for keyword in call.keywords:
            if keyword.arg == "CONN_MAX_AGE":
                settings.conn_max_age[target.slice.value] = _at(keyword.value, path, keyword)
        if call.args:
            found = self._database(call.args[0], settings, path)
            if found is not None:
                settings.conn_max_age[target.slice.value] = found

    def _databases(self, value: ast.expr, settings: Settings, path: Path) -> dict[str, Located]:
        value, path = _bound(value, settings, path)
        found = {}
        if isinstance(value, ast.Dict):
            for key, database in zip(value.keys, value.values):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    conn = self._database(database, settings, path)
                    if conn is not None:
                        found[key.value] = conn
        return found

    def _database(self, value: ast.expr, settings: Settings, path: Path) -> Located | None:
        """The CONN_MAX_AGE of one database entry: a dict literal, ``dj_database_url.config(conn_max_age=...)``,
        or a same-module function returning dict literals (the most persistent one counts)."""
        value, path = _bound(value, settings, path)
        if isinstance(value, ast.Dict):
            for key, item in zip(value.keys, value.values):
                if isinstance(key, ast.Constant) and key.value == "CONN_MAX_AGE":
                    return _at(item, path, key)
            return None
        if isinstance(value, ast.Call):
            for keyword in value.keywords:
                if keyword.arg == "conn_max_age":
                    return _at(keyword.value, path, keyword)
            if isinstance(value.func, ast.Name):
                return self._returned(value.func.id, settings, path)
        return None

    def _returned(self, function_name: str, settings: Settings, path: Path) -> Located | None:
        tree = self.files.tree(path)
        function = next((n for n in (tree.body if tree else []) if isinstance(n, ast.FunctionDef) and n.name == function_name), None)
        if function is None:
            return None
        results = [self._database(n.value, settings, path) for n in ast.walk(function) if isinstance(n, ast.Return) and n.value is not None]
        results = [r for r in results if r is not None]
        persistent = [r for r in results if conn_max_age(r, settings)[0]]
        return (persistent or results or [None])[0]


def conn_max_age(value: Located, settings: Settings) -> tuple[bool, str]:
    """(keeps connections open?, how it reads). Unknown values count as not persistent."""
    node = _resolve_name(value.node, settings)
    default = _env_default(node)
    if default is not None:
        node = default
    if isinstance(node, ast.Constant):
        if node.value is None:
            return True, "None (connections never closed)"
        number = node.value
        if isinstance(number, str) and number.strip().isdigit():
            number = int(number)
        if isinstance(number, (int, float)) and not isinstance(number, bool):
            text = f"{number} (default of an environment variable)" if default is not None else str(number)
            return number > 0, text
    return False, ast.unparse(value.node)


def _env_default(node: ast.expr) -> ast.expr | None:
    """``int(os.environ.get("X", "60"))``, ``os.getenv("X", 60)``, ``env.int("X", default=60)``: the default."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("int", "float") and node.args:
        node = node.args[0]
    if not isinstance(node, ast.Call):
        return None
    source = ast.unparse(node.func)
    if source in ("os.environ.get", "os.getenv", "environ.get", "getenv") and len(node.args) == 2:
        return node.args[1]
    if source.endswith((".int", "env")) and not source.startswith("os."):
        for keyword in node.keywords:
            if keyword.arg == "default":
                return keyword.value
    return None


def _bound(value: ast.expr, settings: Settings, path: Path) -> tuple[ast.expr, Path]:
    """A name's value and the file that binds it (``DATABASES = {"default": DEFAULT_DB}``)."""
    if isinstance(value, ast.Name) and value.id in settings.names:
        bound = settings.names[value.id]
        return bound.node, bound.path
    return value, path


def _resolve_name(value: ast.expr, settings: Settings) -> ast.expr:
    if isinstance(value, ast.Name) and value.id in settings.names:
        return settings.names[value.id].node
    return value


def _at(value: ast.expr, path: Path, where: ast.AST | None = None) -> Located:
    where = where or value
    one_line = getattr(where, "end_lineno", where.lineno) == where.lineno and getattr(where, "end_col_offset", None) is not None
    end = where.end_col_offset + 1 if one_line else where.col_offset + 2
    return Located(value, path, where.lineno, where.col_offset + 1, end)


def _sibling(path: Path, statement: ast.ImportFrom) -> Path | None:
    """``from .base import *`` next to the file when the dotted package could not be resolved."""
    if statement.level != 1 or not statement.module:
        return None
    folder = path.parent.joinpath(*statement.module.split("."))
    for candidate in (folder.with_suffix(".py"), folder / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _dotted(path: Path, root: Path) -> str:
    relative = path.relative_to(root).with_suffix("")
    parts = [p for p in relative.parts if p != "__init__"]
    return ".".join(parts)
