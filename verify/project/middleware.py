"""Whether a middleware is async-capable, read from its source (never imported).

Django runs a middleware in async mode when it says so: ``async_capable = True`` on the class (or
set on it after the definition), a ``MiddlewareMixin`` base, or ``@sync_and_async_middleware`` /
``@async_only_middleware`` on a function middleware. Otherwise it is sync-only, and Django
switches to a thread around it on every request of an async view. Used by ``init`` (which
middleware to mention) and by DJA601 (which to report), so that they never disagree.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

ASYNC_DECORATORS = frozenset({"sync_and_async_middleware", "async_only_middleware"})

# Dotted module -> (its syntax tree, its file), or None when it is not found.
Loader = Callable[[str], "tuple[ast.Module, Path] | None"]


def readiness(dotted: str, load: Loader) -> bool | None:
    """True: async-capable; False: sync-only; None: its source, or a base's, is not found."""
    module, _, name = dotted.rpartition(".")
    found = _definition(module, name, load, depth=2)
    if found is None:
        return None
    node, tree, path = found
    if isinstance(node, ast.FunctionDef):
        return _decorated(node) or _flag_set(tree, node.name)
    return _class_ready(node, tree, path, load, depth=3)


def sync_only_reason(dotted: str, load: Loader) -> str | None:
    """Why the middleware at ``dotted`` is sync-only, or None (async-capable, or not known)."""
    if readiness(dotted, load) is not False:
        return None
    module, _, name = dotted.rpartition(".")
    node = _definition(module, name, load, depth=2)[0]
    if isinstance(node, ast.FunctionDef):
        return "a function middleware without `@sync_and_async_middleware`"
    return "no `async_capable = True`, not a `MiddlewareMixin`"


def _definition(module: str, name: str, load: Loader, depth: int):
    loaded = load(module) if module else None
    if loaded is None:
        return None
    tree, path = loaded
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name == name:
            return node, tree, path
    for node in tree.body:  # re-exported: from .timing import TimingMiddleware
        if depth and isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == name for a in node.names):
            original = next(a.name for a in node.names if (a.asname or a.name) == name)
            return _definition(_absolute(node, module, path), original, load, depth - 1)
    return None


def _class_ready(cls: ast.ClassDef, tree: ast.Module, path: Path, load: Loader, depth: int) -> bool | None:
    """True: async-capable; False: sync-only; None: depends on a base the project does not define."""
    if _decorated(cls) or _flag_set(tree, cls.name):
        return True
    for item in cls.body:
        if isinstance(item, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "async_capable" for t in item.targets):
            return item.value.value is True if isinstance(item.value, ast.Constant) else None
    verdicts = []
    for base in cls.bases:
        name = base.attr if isinstance(base, ast.Attribute) else base.id if isinstance(base, ast.Name) else ""
        if name == "MiddlewareMixin":
            return True
        if name == "object":
            continue
        local = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)
        if local is not None and depth:
            verdicts.append(_class_ready(local, tree, path, load, depth - 1))
            continue
        imported = _import_of(tree, name)
        found = _definition(_absolute(imported[0], "", path), imported[1], load, 1) if imported and depth else None
        if found is None or not isinstance(found[0], ast.ClassDef):
            return None  # a base from elsewhere (a library) may be async-capable
        verdicts.append(_class_ready(found[0], found[1], found[2], load, depth - 1))
    if any(v is True for v in verdicts):
        return True
    return None if any(v is None for v in verdicts) else False


def _decorated(node: ast.ClassDef | ast.FunctionDef) -> bool:
    for decorator in node.decorator_list:
        name = decorator.attr if isinstance(decorator, ast.Attribute) else decorator.id if isinstance(decorator, ast.Name) else ""
        if name in ASYNC_DECORATORS:
            return True
    return False


def _flag_set(tree: ast.Module, name: str) -> bool:
    """``TimingMiddleware.async_capable = True`` after the definition."""
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr == "async_capable" and isinstance(target.value, ast.Name) and target.value.id == name:
                    return True
    return False


def _import_of(tree: ast.Module, name: str) -> tuple[ast.ImportFrom, str] | None:
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    return node, alias.name
    return None


def _absolute(node: ast.ImportFrom, module: str, path: Path) -> str:
    """The dotted module an import names, for relative imports from the module at ``path``."""
    if not node.level:
        return node.module or ""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    if not module:  # module unknown: rebuild the package from the folders holding __init__.py
        parts, folder = [], path.parent
        while (folder / "__init__.py").exists():
            parts.insert(0, folder.name)
            folder = folder.parent
        package = ".".join(parts)
    base = package.split(".") if package else []
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)
