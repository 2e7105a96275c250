"""## What it does
Checks `MIDDLEWARE` for the project's own sync-only middleware, when it has async views.

A middleware class is sync-only when it neither sets `async_capable = True` nor derives from
`MiddlewareMixin`; a function middleware when it has neither `@sync_and_async_middleware` nor
`@async_only_middleware`. Third-party and Django middleware are not checked (Django's own all
derive from `MiddlewareMixin`).

## Why is this bad?
Django adapts a sync-only middleware for async requests by switching to a thread around it,
on every request, and a sync middleware between the ASGI server and an async view holds a
thread for the request. Each one eats into what the async views gain.

## Example
```python
# settings.py
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "shop.middleware.TimingMiddleware",
]

# shop/middleware.py
import time


class TimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={time.monotonic() - started:.3f}"
        return response
```

## Use instead
```python
# shop/middleware.py
import time
from inspect import iscoroutinefunction, markcoroutinefunction


class TimingMiddleware:
    async_capable = True
    sync_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        started = time.monotonic()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={time.monotonic() - started:.3f}"
        return response

    async def __acall__(self, request):
        started = time.monotonic()
        response = await self.get_response(request)
        response["Server-Timing"] = f"app;dur={time.monotonic() - started:.3f}"
        return response
```
"""

import ast
from pathlib import Path

from verify.finding import Severity
from verify.project_checks import project_check
from verify.registry import Rule

rule = Rule("DJA601", "sync-only-middleware", __doc__, min_version=(4, 1), severity=Severity.WARNING, scope="project")

_ASYNC_DECORATORS = {"sync_and_async_middleware", "async_only_middleware"}


@project_check(rule)
def check(ctx) -> None:
    if not ctx.has_async_views:
        return
    seen = set()
    for settings in ctx.settings:
        for entry in settings.middleware:
            where = (entry.at.path, entry.at.line, entry.at.column)
            if where in seen:
                continue
            seen.add(where)
            kind = _sync_only(entry.dotted, ctx)
            if kind is None:
                continue
            ctx.report(entry.at.path, entry.at.line, entry.at.column,
                       f"middleware `{entry.dotted}` is sync-only ({kind}): with async views, Django switches to a thread "
                       "and back around it on every request",
                       hint="make it async-capable: `async_capable = True` with an async branch (see Django's "
                            "\"Asynchronous support\" for middleware), or `@sync_and_async_middleware` on a function middleware",
                       end_column=entry.at.end_column)


def _sync_only(dotted: str, ctx) -> str | None:
    """Why the project middleware at ``dotted`` is sync-only, or None (async-capable, or not the project's)."""
    module, _, name = dotted.rpartition(".")
    found = _definition(module, name, ctx, depth=2)
    if found is None:
        return None
    node, tree, path = found
    if isinstance(node, ast.FunctionDef):
        if _decorated(node) or _flag_set(tree, node.name):
            return None
        return "a function middleware without `@sync_and_async_middleware`"
    ready = _class_ready(node, tree, path, ctx, depth=3)
    return "no `async_capable = True`, not a `MiddlewareMixin`" if ready is False else None


def _definition(module: str, name: str, ctx, depth: int):
    path = ctx.finder.resolve(module) if module else None
    tree = ctx.files.tree(path) if path else None
    if tree is None:
        return None
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name == name:
            return node, tree, path
    for node in tree.body:  # re-exported: from .timing import TimingMiddleware
        if depth and isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == name for a in node.names):
            original = next(a.name for a in node.names if (a.asname or a.name) == name)
            return _definition(_absolute(node, module, path), original, ctx, depth - 1)
    return None


def _class_ready(cls: ast.ClassDef, tree: ast.Module, path: Path, ctx, depth: int) -> bool | None:
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
            verdicts.append(_class_ready(local, tree, path, ctx, depth - 1))
            continue
        imported = _import_of(tree, name)
        found = _definition(_absolute(imported[0], "", path), imported[1], ctx, 1) if imported and depth else None
        if found is None or not isinstance(found[0], ast.ClassDef):
            return None  # a base from elsewhere (a library) may be async-capable
        verdicts.append(_class_ready(found[0], found[1], found[2], ctx, depth - 1))
    if any(v is True for v in verdicts):
        return True
    return None if any(v is None for v in verdicts) else False


def _decorated(node: ast.ClassDef | ast.FunctionDef) -> bool:
    for decorator in node.decorator_list:
        name = decorator.attr if isinstance(decorator, ast.Attribute) else decorator.id if isinstance(decorator, ast.Name) else ""
        if name in _ASYNC_DECORATORS:
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
