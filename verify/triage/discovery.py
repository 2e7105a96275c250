"""Find a project's Django views statically: function views and class-based view handlers.

A view is found in a views module (``views.py``, ``views_*.py``, ``*_views.py``, anything under a
``views/`` package) or in any module a ``urls.py`` routes to. Nothing is imported: the project's
files are parsed with :mod:`ast`, so triage works on code whose dependencies are not installed.
"""

from __future__ import annotations

import ast
import os
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from verify.analysis.lines import source_lines
from verify.pipeline import reading
from verify.pipeline import file_tree
from verify.pipeline.file_tree import parse_source

HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace"})
# Generic views whose handlers Django implements (sync only): a subclass that defines no handler
# of its own is still a view, reported as the class.
GENERIC_VIEWS = frozenset(
    {
        "TemplateView", "RedirectView", "ListView", "DetailView", "FormView", "CreateView",
        "UpdateView", "DeleteView", "ArchiveIndexView", "YearArchiveView", "MonthArchiveView",
        "WeekArchiveView", "DayArchiveView", "TodayArchiveView", "DateDetailView",
    }
)  # fmt: skip
ADMIN_BASES = frozenset({"ModelAdmin", "AdminSite", "StackedInline", "TabularInline"})
ADMIN_WRAPPERS = frozenset({"staff_member_required", "admin_view"})
ROUTE_FUNCTIONS = frozenset({"path", "re_path", "url"})


@dataclass(eq=False)
class Module:
    """One parsed Python file and what its names refer to."""

    name: str  # dotted, relative to its import root
    file: Path
    root: Path  # the directory on sys.path from which ``name`` imports
    text: str
    tree: ast.Module

    @cached_property
    def imports(self) -> dict[str, str]:
        """Local name -> dotted name it was imported as (``httpx`` -> ``httpx2`` for ``import httpx2 as httpx``)."""
        names: dict[str, str] = {}
        package = self.name if self.file.name == "__init__.py" else self.name.rpartition(".")[0]
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        names[alias.asname] = alias.name
                    else:
                        top = alias.name.partition(".")[0]
                        names[top] = top
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".") if package else []
                    parent = parent[: len(parent) - (node.level - 1)] if node.level > 1 else parent
                    base = ".".join([*parent, *([node.module] if node.module else [])])
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
        return names

    @cached_property
    def functions(self) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
        return {n.name: n for n in self.tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}

    @cached_property
    def classes(self) -> dict[str, ast.ClassDef]:
        return {n.name: n for n in self.tree.body if isinstance(n, ast.ClassDef)}


@dataclass(eq=False)
class View:
    """A function view, one handler of a class-based view, or a generic view class without handlers."""

    module: Module
    qualname: str  # "user_dashboard", "OrderView.get" or "ProductList"
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    class_node: ast.ClassDef | None = None
    admin_reasons: list[str] = field(default_factory=list)  # why it is an admin view, if it is one

    @property
    def dotted(self) -> str:
        return f"{self.module.name}.{self.qualname}"

    @property
    def file(self) -> Path:
        return self.module.file

    @property
    def line(self) -> int:
        return self.node.lineno

    @property
    def end_line(self) -> int:
        return self.node.end_lineno or self.node.lineno

    @property
    def is_async(self) -> bool:
        return isinstance(self.node, ast.AsyncFunctionDef)

    @property
    def is_generic_class(self) -> bool:
        return isinstance(self.node, ast.ClassDef)

    @property
    def sibling_handlers(self) -> list[str]:
        """The HTTP handlers of this view's class (``get``, ``post``...), this one included."""
        if self.class_node is None or self.is_generic_class:
            return []
        return [handler.name for handler in handlers(self.class_node)]

    @property
    def source(self) -> str:
        """The view's code as written, decorators included, dedented."""
        first = min([self.node.lineno, *(d.lineno for d in self.node.decorator_list)])
        lines = source_lines(self.module.text)[first - 1 : self.end_line]
        return textwrap.dedent("\n".join(lines)) + "\n"


class Project:
    """Parses files once and resolves dotted module names to files under their import roots."""

    def __init__(self) -> None:
        self._modules: dict[Path, Module | None] = {}
        self.skipped: list[str] = []  # files that could not be read or parsed, and why

    def module_for_file(self, file: Path) -> Module | None:
        """The parsed module, or None for a file that is not valid Python (named in ``skipped``)."""
        key = Path(os.path.realpath(file))  # (a symbolic link loop stays as it is, and fails to read)
        if key not in self._modules:
            try:
                self._modules[key] = _parse(file, key)
            except ValueError as error:  # named as given: `views.py`, not where its link points
                self._modules[key] = None
                self.skipped.append(str(error))
        return self._modules[key]

    def module_named(self, name: str, root: Path) -> Module | None:
        """The project module ``name`` under ``root``, or None for third-party and stdlib modules."""
        base = root.joinpath(*name.split("."))
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return self.module_for_file(candidate)
        return None


def _import_root(file: Path) -> tuple[Path, str]:
    """The first directory above ``file`` that is not a package, and the module's dotted name there."""
    parts = [] if file.name == "__init__.py" else [file.stem]
    directory = file.parent
    while (directory / "__init__.py").is_file() and directory.parent != directory:
        parts.insert(0, directory.name)
        directory = directory.parent
    return directory, ".".join(parts) or file.stem


def _parse(file: Path, resolved: Path) -> Module:
    """The module in ``file`` (at ``resolved``), read as the verifier reads it; ValueError saying
    why it cannot be."""
    text = reading.read_python(file)
    try:
        tree = parse_source(text, file)
    except SyntaxError as error:
        raise ValueError(f"{file}:{error.lineno or 1}: {error.msg}: not Python this version can parse") from None
    except ValueError as error:
        raise ValueError(f"{file}: {error}") from None
    root, name = _import_root(resolved)
    return Module(name=name, file=resolved, root=root, text=text, tree=tree)


def python_files(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
        return
    # The kit's one walk: virtualenvs, node_modules and the other skipped folders are never entered.
    found = [relative for relative in file_tree.relative_files_under(path) if relative.endswith(".py")]
    special = [relative for relative in file_tree.other_entries_under(path) if relative.endswith(".py")]
    if special:  # a FIFO or a device named like a view: read, and named as not triaged with the reason
        found = sorted(found + special, key=_walk_order)
    yield from (path / relative for relative in found)


def _walk_order(relative: str) -> tuple[tuple[int, str], ...]:
    """The walk's order: a folder's files (0) before its subfolders (1), each sorted by name."""
    *folders, name = relative.split("/")
    return (*((1, folder) for folder in folders), (0, name))


def is_views_module(file: Path) -> bool:
    stem = file.stem
    return stem == "views" or stem.startswith("views_") or stem.endswith("_views") or "views" in file.parent.parts[-1:]


def _name_of(node: ast.expr) -> str:
    """Last component of a Name/Attribute (``admin.ModelAdmin`` -> ``ModelAdmin``), else ''."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return _name_of(node.func)
    return ""


def _takes_request(func: ast.FunctionDef | ast.AsyncFunctionDef, *, method: bool) -> bool:
    params = [*func.args.posonlyargs, *func.args.args]
    params = params[1:] if method else params
    return bool(params) and params[0].arg in {"request", "req"}


def handlers(cls: ast.ClassDef) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The HTTP method handlers (``get``, ``post``...) a class defines itself."""
    return [
        item for item in cls.body
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in HTTP_METHODS
    ]  # fmt: skip


def _is_view_class(cls: ast.ClassDef) -> bool:
    return any(_name_of(base).endswith("View") for base in cls.bases)


def views_in_module(module: Module, routed: set[str] = frozenset()) -> list[View]:
    """Views defined at the top level of ``module``; ``routed`` names count even without ``request``."""
    views: list[View] = []
    for node in module.tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if _takes_request(node, method=False) or (node.name in routed and not node.name.startswith("_")):
                views.append(View(module, node.name, node))
        elif isinstance(node, ast.ClassDef) and (_is_view_class(node) or node.name in routed):
            defined = handlers(node)
            views.extend(View(module, f"{node.name}.{h.name}", h, class_node=node) for h in defined)
            if not defined and any(_name_of(base) in GENERIC_VIEWS for base in node.bases):
                views.append(View(module, node.name, node, class_node=node))
    for view in views:
        view.admin_reasons.extend(_admin_reasons_in_code(view))
    return views


def _admin_reasons_in_code(view: View) -> list[str]:
    reasons = []
    if view.module.file.name == "admin.py":
        reasons.append("defined in admin.py")
    decorators = [*view.node.decorator_list, *(view.class_node.decorator_list if view.class_node else [])]
    if any(_name_of(d) == "staff_member_required" for d in decorators):
        reasons.append("decorated with staff_member_required")
    if view.class_node and any(_name_of(base) in ADMIN_BASES for base in view.class_node.bases):
        reasons.append("part of a ModelAdmin/AdminSite")
    return reasons


@dataclass
class Route:
    """One ``path()`` in a urls.py that points at a view we can resolve."""

    module: str
    name: str  # function or class name inside ``module``
    admin_reason: str | None


def routes_in_urls(urls: Module) -> list[Route]:
    routes = []
    for call in ast.walk(urls.tree):
        if not (isinstance(call, ast.Call) and _name_of(call.func) in ROUTE_FUNCTIONS and len(call.args) >= 2):
            continue
        route_text = call.args[0].value if isinstance(call.args[0], ast.Constant) else ""
        target, admin_reason = call.args[1], None
        if isinstance(route_text, str) and route_text.lstrip("^/").startswith("admin"):
            admin_reason = f"routed under {route_text!r}"
        # Unwrap staff_member_required(view) / admin.site.admin_view(view) / View.as_view(...).
        while isinstance(target, ast.Call) and target.args and _name_of(target.func) in ADMIN_WRAPPERS:
            admin_reason = f"wrapped in {_name_of(target.func)}() in urls.py"
            target = target.args[0]
        if isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute) and target.func.attr == "as_view":
            target = target.func.value
        resolved = _resolve_target(target, urls)
        if resolved:
            routes.append(Route(*resolved, admin_reason))
    return routes


def _resolve_target(target: ast.expr, urls: Module) -> tuple[str, str] | None:
    """(module, name) of ``views.func`` / ``func`` / ``views.Class`` as imported in the urls module."""
    if isinstance(target, ast.Name):
        dotted = urls.imports.get(target.id)
        if dotted and "." in dotted:
            module, _, name = dotted.rpartition(".")
            return module, name
        if target.id in urls.functions:  # a view defined in urls.py itself
            return urls.name, target.id
        return None
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
        module = urls.imports.get(target.value.id)
        return (module, target.attr) if module else None
    return None


def find_views(paths: list[Path], project: Project) -> list[View]:
    """Every view under ``paths``: in views modules, in modules urls.py routes to, and in files named in ``paths``."""
    file_tree.new_run()  # the files as they are now
    named_files = {Path(os.path.realpath(p)) for p in paths if p.is_file()}  # a file named on the command line is scanned whatever its name
    files = [
        f for p in paths for f in python_files(p)
        if f.name == "urls.py" or is_views_module(f) or Path(os.path.realpath(f)) in named_files
    ]  # fmt: skip
    modules = [m for m in map(project.module_for_file, files) if m]
    routed: dict[str, dict[str, str | None]] = {}  # module -> name -> admin reason
    for urls in (m for m in modules if m.file.name == "urls.py"):
        for route in routes_in_urls(urls):
            by_name = routed.setdefault(route.module, {})
            by_name[route.name] = by_name.get(route.name) or route.admin_reason
            target = project.module_named(route.module, urls.root)
            if target and target not in modules and any(_within(target.file, p) for p in paths):
                modules.append(target)

    views: list[View] = []
    for module in modules:
        names = routed.get(module.name, {})
        if not (is_views_module(module.file) or names or module.file in named_files):
            continue
        for view in views_in_module(module, set(names)):
            admin_reason = names.get(view.qualname.partition(".")[0])
            if admin_reason:
                view.admin_reasons.append(admin_reason)
            views.append(view)
    return views


def _within(file: Path, path: Path) -> bool:
    path = path.resolve()
    return file == path or path in file.parents
