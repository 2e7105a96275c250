"""The files of a Django project that say how it is deployed, read as text, never imported:
Python sources (to find async views and ASGI entry points), requirement and lock files,
environment files, and deployment files (Procfile, Dockerfile, compose, systemd units,
Kubernetes manifests, entrypoint scripts).
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from verify.analysis.view_shapes import HTTP_HANDLERS, takes_request
from verify.pipeline.file_tree import parse_source, read_text, relative_files_under

_NAME = re.compile(r"[A-Za-z_]\w*")

MAX_DEPTH = 4
# Walked, but never where a project starts its server or defines its views.
_NOT_SOURCES = {"docs", "static", "staticfiles", "media", "htmlcov"}
_TEST_DIR = re.compile(r"^(tests?|testing)$")

# Requirement manifests and lock files, by name.
_MANIFEST = re.compile(r"^(requirements.*\.(txt|in)|.*requirements\.(txt|in)|pyproject\.toml|setup\.cfg|setup\.py|Pipfile)$")
_LOCK = re.compile(r"^(uv\.lock|poetry\.lock|Pipfile\.lock|pdm\.lock|pylock(\..+)?\.toml|requirements.*\.lock)$")
_ENV = re.compile(r"^(\.env(\..+)?|.+\.env|\.envrc)$")
_K8S_DIRS = {"k8s", "kubernetes", "deploy", "deployment", "deployments", "helm", "charts", "manifests", "infra", "ops", ".platform"}
_DEPLOY_NAME = re.compile(
    r"^(Procfile.*|Dockerfile.*|.+\.dockerfile|Containerfile|(docker-)?compose.*\.ya?ml|.+\.service|supervisord.*\.conf"
    r"|app\.yaml|render\.yaml|heroku\.yml|fly\.toml|(docker-)?entrypoint.*\.sh|(start|run|serve|boot).*\.sh|uwsgi.*\.ini|gunicorn.*\.conf(\.py)?)$"
)


@dataclass(frozen=True)
class AsyncView:
    path: Path
    line: int
    name: str


class ProjectFiles:
    """One walk of the project folder, then each kind of file on demand."""

    def __init__(self, root: Path):
        self.root = root
        # (path, its parts below root): the walk's relative paths, which pathlib is slow to recompute
        self._python_entries: list[tuple[Path, tuple[str, ...]]] = []
        self._text_entries: list[tuple[Path, tuple[str, ...]]] = []
        self.read_paths: set[Path] = set()  # the files whose text a check used: what its result depends on
        self._walk()

    def _walk(self) -> None:
        """Python files at any depth (views live deep in packages); other files near the top."""
        for relative in relative_files_under(self.root):
            parts = tuple(relative.split(os.sep))
            if _NOT_SOURCES.intersection(parts[:-1]):
                continue
            if relative.endswith(".py"):
                self._python_entries.append((self.root / relative, parts))
            elif len(parts) <= MAX_DEPTH + 1:
                self._text_entries.append((self.root / relative, parts))
        self.python_files: list[Path] = [path for path, _parts in self._python_entries]
        self.text_files: list[Path] = [path for path, _parts in self._text_entries]

    def text(self, path: Path) -> str:
        self.read_paths.add(path)
        return read_text(path)

    # -- kinds of file -------------------------------------------------------------------------
    @cached_property
    def manifests(self) -> list[Path]:
        in_folder = [p for p in self.text_files if p.parent.name == "requirements" and p.suffix in (".txt", ".in")]
        return list(dict.fromkeys([p for p in self.text_files + self.python_files if _MANIFEST.match(p.name)] + in_folder))

    @cached_property
    def lock_files(self) -> list[Path]:
        return [p for p in self.text_files if _LOCK.match(p.name)]

    @cached_property
    def env_files(self) -> list[Path]:
        return [p for p in self.text_files if _ENV.match(p.name)]

    @cached_property
    def deployment_files(self) -> list[Path]:
        """Files that start the server in production; test scripts and fixtures are not deployments."""
        found = []
        for path, relative in self._text_entries + self._python_entries:
            if is_test(relative) or "test" in path.name.lower():
                continue
            if _DEPLOY_NAME.match(path.name):
                found.append(path)
            elif path.suffix in (".yml", ".yaml") and _K8S_DIRS & {part.lower() for part in relative[:-1]}:
                found.append(path)
        return found

    @cached_property
    def source_files(self) -> list[Path]:
        """Python files that are not tests: where views and entry points live."""
        return [path for path, relative in self._python_entries if not is_test(relative)]

    # -- facts from Python sources ---------------------------------------------------------------
    def tree(self, path: Path) -> ast.Module | None:
        try:
            return parse_source(self.text(path), path)
        except (SyntaxError, ValueError):
            return None

    @cached_property
    def async_views(self) -> list[AsyncView]:
        """Module-level ``async def`` taking a request, and async HTTP handlers of classes."""
        return list(self._iter_async_views())

    @cached_property
    def first_async_view(self) -> AsyncView | None:
        """Whether there is any async view, without parsing every source file of the project."""
        if "async_views" in self.__dict__:
            return self.async_views[0] if self.async_views else None
        return next(self._iter_async_views(), None)

    def _iter_async_views(self):
        for path in self.source_files:
            if "async def" not in self.text(path):
                continue
            tree = self.tree(path)
            if tree is None:
                continue
            for node in tree.body:
                if isinstance(node, ast.AsyncFunctionDef) and takes_request(node) and self._routed(path, node):
                    yield AsyncView(path, node.lineno, node.name)
                elif isinstance(node, ast.ClassDef):
                    yield from (
                        AsyncView(path, item.lineno, f"{node.name}.{item.name}")
                        for item in node.body
                        if isinstance(item, ast.AsyncFunctionDef) and item.name in HTTP_HANDLERS and takes_request(item, is_method=True)
                    )

    def _routed(self, path: Path, function: ast.AsyncFunctionDef) -> bool:
        """Whether a module-level function taking a request is served as a view: it lives in a views
        module, a decorator registers or wraps it (`@api.get(...)`, `@login_required`), or a URLconf
        names it. A library's async helper that a middleware awaits is none of these."""
        return (bool(function.decorator_list) or any(part.startswith("views") for part in path.relative_to(self.root).with_suffix("").parts)
                or function.name in self._urlconf_names)

    @cached_property
    def _urlconf_names(self) -> frozenset[str]:
        """Every name written in a module that defines ``urlpatterns``."""
        return frozenset(name for path in self.source_files if "urlpatterns" in (text := self.text(path))
                         for name in _NAME.findall(text))

    @cached_property
    def asgi_entry_points(self) -> list[tuple[Path, int, int]]:
        """Where the project builds an ASGI application (``get_asgi_application()``, Channels' router)."""
        return self._calls(("get_asgi_application", "ProtocolTypeRouter", "ASGIHandler", "get_default_application"))

    @cached_property
    def wsgi_entry_points(self) -> list[tuple[Path, int, int]]:
        return self._calls(("get_wsgi_application",))

    def _calls(self, names: tuple[str, ...]) -> list[tuple[Path, int, int]]:
        """(file, line, column) of each call to one of ``names`` in the project's sources."""
        found = []
        for path in self.source_files:
            text = self.text(path)
            if not any(name in text for name in names):
                continue
            tree = self.tree(path)
            for node in ast.walk(tree) if tree is not None else ():
                if isinstance(node, ast.Call):
                    func = node.func
                    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
                    if name in names:
                        found.append((path, node.lineno, node.col_offset + 1))
        return found


def is_test(relative: tuple[str, ...]) -> bool:
    """``relative``: the parts of a path below the project root."""
    name = relative[-1]
    if name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py") or name == "tests.py":
        return True
    return any(_TEST_DIR.match(part) for part in relative[:-1])
