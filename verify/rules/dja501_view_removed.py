"""## What it does
Checks for a view that the edit removed or renamed while the project still refers to it: a
`urls.py` that routes to it (`views.order_detail`, `from .views import order_detail`,
`OrderView.as_view()`), or a `reverse()` / `redirect()` / `{% url %}` of the URL name it had
once its pattern is gone too.

## Why is this bad?
An AI edit that renames `order_detail` to `order_detail_async`, or rewrites a file and leaves a
view out, breaks the URLconf: Django fails at startup (`AttributeError` / `ImportError` while
loading `urls.py`) or, for a URL name, every page that links to it raises `NoReverseMatch`.

## Example
```python
# shop/views.py, after the AI edit
async def order_detail_async(request, order_id): ...

# shop/urls.py, unchanged
path("orders/<int:order_id>/", views.order_detail, name="order_detail"),
```

## Use instead
Keep the view's name when converting it (Django calls sync and async views the same way):
```python
async def order_detail(request, order_id): ...
```

## Fix safety
None: the converted view has to get back what its sync version did, which a person writes.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from verify.analysis.context import FileContext
from verify.analysis.models_index import ModelIndex
from verify.analysis.registry import Rule
from verify.compare.functions import ParsedFile
from verify.compare.registry import SCOPE, FileChange, Reporter, compares_files
from verify.pipeline.file_tree import parse_source, relative_files_under
from verify.pipeline.reading import read_python

rule = Rule("DJA501", "view-removed", __doc__, scope=SCOPE)

_ROUTES = {"path", "re_path", "url"}
_REVERSING = {"reverse", "reverse_lazy", "redirect", "resolve_url"}
_TEMPLATE_SUFFIXES = (".html", ".txt", ".xml", ".jinja", ".jinja2")
_URL_TAG = re.compile(r"""\{%\s*url\s+(['"])(?P<name>[^'"]+)\1""")


@dataclass(frozen=True)
class Removed:
    name: str
    line: int  # in the old version
    renamed_to: ast.AST | None  # a new definition that looks like the same view under another name


def _defined(tree: ast.Module) -> dict[str, ast.AST]:
    """Top-level names a module defines: functions, classes, assignments and imports (a re-export counts)."""
    names: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names[(alias.asname or alias.name).split(".")[0]] = node
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        names[name.id] = node
    return names


def _signature(node: ast.AST) -> tuple:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return ("function", tuple(argument.arg for argument in node.args.args))
    return ("class", tuple(ast.unparse(base) for base in getattr(node, "bases", [])))


def removed_definitions(old: ParsedFile, new: ParsedFile) -> list[Removed]:
    old_names, new_names = _defined(old.tree), _defined(new.tree)
    added = [node for name, node in new_names.items() if name not in old_names and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    removed = []
    for name, node in old_names.items():
        if name in new_names or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        twin = next((candidate for candidate in added if _signature(candidate) == _signature(node)), None)
        removed.append(Removed(name, node.lineno, twin))
    return removed


def _module_parts(path: Path, root: Path) -> tuple[str, ...]:
    try:
        relative = path.resolve().relative_to(root.resolve())
    except ValueError:
        relative = Path(path.name)
    return tuple(relative.with_suffix("").parts)


def _refers_to(qualified: str, module: tuple[str, ...], names: set[str]) -> str | None:
    """The removed name ``qualified`` (``shop.views.order_detail``) points at, if it points into ``module``."""
    parts = tuple(qualified.split("."))
    if len(parts) < 2 or parts[-1] not in names:
        return None
    package = parts[:-1]
    return parts[-1] if module[-len(package):] == package else None


def _files(root: Path, suffixes: tuple[str, ...]) -> Iterator[Path]:
    """The project's files with these suffixes, from the kit's one walk (``verify.pipeline.file_tree``)."""
    return (root / relative for relative in relative_files_under(root) if relative.endswith(suffixes))


def _parse(path: Path, source: str) -> FileContext | None:
    try:
        tree = parse_source(source)
    except (SyntaxError, ValueError):
        return None
    return FileContext.build(str(path), source, tree, (6, 1), ModelIndex())


def _read(path: Path) -> str:
    try:
        return read_python(path)
    except ValueError:  # (reading.Unreadable: not a regular file, too large, undecodable)
        return ""




def _references(context: FileContext, module: tuple[str, ...], names: set[str]) -> Iterator[tuple[ast.AST, str]]:
    """(reference node, removed name) for each use of a removed name in a urls module."""
    for node in ast.walk(context.tree):
        if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
            removed = _refers_to(context.qualified(node) or "", module, names)
            if removed:
                yield node, removed


def _route_names(context: FileContext, module: tuple[str, ...], names: set[str]) -> Iterator[tuple[str, str]]:
    """(removed name, URL name) for each ``path(..., view, name=...)`` routed to a removed view."""
    for node in ast.walk(context.tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _ROUTES and len(node.args) > 1:
            url_name = next((k.value.value for k in node.keywords if k.arg == "name" and isinstance(k.value, ast.Constant)), None)
            view = ast.Module(body=[ast.Expr(node.args[1])], type_ignores=[])
            for _, removed in _references(_with_tree(context, view), module, names):
                if url_name:
                    yield removed, url_name


def _with_tree(context: FileContext, tree: ast.Module) -> FileContext:
    """The same file's imports, looking at one part of it."""
    return FileContext(context.path, context.source, tree, context.version, context.models, imports=context.imports)


def _url_names(context: FileContext) -> set[str]:
    return {keyword.value.value for node in ast.walk(context.tree) if isinstance(node, ast.Call)
            for keyword in node.keywords if keyword.arg == "name" and isinstance(keyword.value, ast.Constant)}


@compares_files(rule)
def check(change: FileChange, reporter: Reporter) -> None:
    old_place = change.moved_from or change.new_path
    if change.moved_from is not None:  # everything left the old module: what imports it from there breaks
        removed = {name: Removed(name, node.lineno, None) for name, node in _defined(change.old.tree).items()
                   if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    else:
        removed = {item.name: item for item in removed_definitions(change.old, change.new)}
    if not removed:
        return
    module = _module_parts(old_place, change.root)
    names = set(removed)
    lost_url_names: dict[str, Removed] = {}  # URL names whose route went to a removed view
    defined_url_names: set[str] = set()
    for path in _files(change.root, (".py",)):
        if path.name != "urls.py":
            continue
        current = _parse(path, _read(path))
        if current is None:
            continue
        defined_url_names |= _url_names(current)
        for node, name in _references(current, module, names):
            reporter.report(rule, str(path), node,
                            _message(removed[name], change, f"`{ast.unparse(node)}` ({path.name} line {node.lineno})"), _hint(removed[name], change))
        old_source = change.old_sources.get(path.resolve())
        before = _parse(path, old_source) if old_source is not None else current
        for name, url_name in _route_names(before, module, names) if before else ():
            lost_url_names.setdefault(url_name, removed[name])
    for url_name in sorted(set(lost_url_names) - defined_url_names):
        for path, line, column, text in _reversals(change.root, url_name):
            reporter.report(rule, str(path), _position(line, column, len(text)),
                            _message(lost_url_names[url_name], change, f"`{text}` ({path.name} line {line})"),
                            "route the URL name to the converted view again, or stop linking to it")


def _message(removed: Removed, change: FileChange, reference: str) -> str:
    if change.moved_from is not None:
        return (f"{reference} still refers to `{removed.name}` (old line {removed.line}) in {_relative(change.moved_from, change.root)}, "
                f"which the edit moved to {_relative(change.new_path, change.root)}")
    text = f"{reference} still refers to `{removed.name}`, which the edit removed from {_relative(change.new_path, change.root)} (old line {removed.line})"
    if removed.renamed_to is not None:
        text += f"; renamed to `{removed.renamed_to.name}` (line {removed.renamed_to.lineno})?"
    return text


def _relative(path: Path, root: Path) -> str:
    return "/".join(_module_parts(path, root)) + path.suffix


def _hint(removed: Removed, change: FileChange) -> str:
    if change.moved_from is not None:
        return f"import `{removed.name}` from {_relative(change.new_path, change.root)} in the URLconf, or keep the module where it was"
    if removed.renamed_to is not None:
        return f"keep the name `{removed.name}` for the async view, or update the URLconf"
    return f"restore `{removed.name}` or remove its route"


def _position(line: int, column: int, length: int) -> ast.AST:
    return ast.Name(id="", lineno=line, col_offset=column, end_lineno=line, end_col_offset=column + length)


def _reversals(root: Path, url_name: str) -> Iterator[tuple[Path, int, int, str]]:
    """Uses of a URL name: ``reverse("name")`` and friends in Python, ``{% url "name" %}`` in templates."""
    for path in _files(root, (".py",)):
        source = _read(path)
        if url_name not in source:
            continue
        context = _parse(path, source)
        for node in ast.walk(context.tree) if context else ():
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                    and getattr(node.func, "id", getattr(node.func, "attr", "")) in _REVERSING \
                    and str(node.args[0].value).split(":")[-1] == url_name:
                yield path, node.lineno, node.col_offset, ast.unparse(node)
    for path in _files(root, _TEMPLATE_SUFFIXES):
        for number, line in enumerate(_read(path).splitlines(), 1):
            for match in _URL_TAG.finditer(line):
                if match.group("name").split(":")[-1] == url_name:
                    yield path, number, match.start(), f"{match.group(0)} %}}"
