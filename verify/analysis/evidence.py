"""What the rest of the project says about one of its functions: awaited, or handed to
``async_to_sync(...)``, somewhere, it is a coroutine function; handed to ``sync_to_async(...)``, it
blocks. This is what the analysis goes by where it cannot see an ``async def`` or a body to
follow: a function made by a decorator or factory it cannot read, a method of a module-level
object (``api = ApiClient()``, then ``await api.fetch(...)``).

A function is named by its qualified name (``shop.services.fetch``, ``shop.views.Base.load``
for a method, resolved through the project's class hierarchy to the class that defines it), the
same way where the evidence is and where the call is: never by a bare method name across
unrelated objects. Evidence both ways (awaited in one place, wrapped in ``sync_to_async`` in
another) says nothing.

The project is indexed once per process, on the first question, with a text scan
(verify.analysis.project_text): which files may await or wrap a function of a given name. Only
those files are parsed, and only the lines the scan found are walked.
"""

from __future__ import annotations

import ast
import os
from bisect import bisect_left
from dataclasses import dataclass

from verify.analysis.arguments import decorator_names
from verify.analysis.ast_walk import name_chain

_TO_ASYNC = ("sync_to_async", "database_sync_to_async")
_TO_SYNC = ("async_to_sync",)
# Decorators that leave a plain ``def`` a plain function: the analysis sees what calling it does.
_TRANSPARENT = {"staticmethod", "classmethod", "lru_cache", "cache", "wraps", "property", "cached_property"}
_MAX_REEXPORTS = 3  # ``from shop.api import fetch`` in a package's __init__, re-exported again...

AWAITED, ASYNC_TO_SYNC, SYNC_TO_ASYNC = "awaited", "async_to_sync", "sync_to_async"


@dataclass(frozen=True)
class Evidence:
    kind: str  # AWAITED, ASYNC_TO_SYNC or SYNC_TO_ASYNC
    where: str  # path relative to the project root, and line
    path: str
    line: int
    # The name or attribute the wrapper is kept in (``self._load_async = sync_to_async(self._load)``).
    alias: str | None = None

    def describe(self) -> str:
        if self.kind == AWAITED:
            return f"awaited at {self.where}"
        return f"wrapped in {self.kind} at {self.where}"


@dataclass(frozen=True)
class Callee:
    key: str  # qualified name: "shop.services.fetch", "shop.views.Base.load", "shop.clients.api.fetch"
    node: ast.FunctionDef | ast.AsyncFunctionDef | None  # None: not a def the analysis can read
    module: str  # the module that defines it
    # A name any other module that calls it must mention: its module's ("services"), its
    # class's ("Base"), its object's ("api").
    owner: str

    @property
    def hidden_coroutine(self) -> bool:
        """Whether the analysis cannot tell from the definition that calling it makes a coroutine
        or that it is a plain function: made by a factory, a module-level object's method, or a
        ``def`` under a decorator it cannot read."""
        if self.node is None:
            return True
        return isinstance(self.node, ast.FunctionDef) and bool(decorator_names(self.node) - _TRANSPARENT)

    @property
    def may_block(self) -> bool:
        """Calling it runs its body here (not an ``async def``, nor a ``sync_to_async`` decorated one)."""
        return self.node is None or (isinstance(self.node, ast.FunctionDef) and not decorator_names(self.node) & set(_TO_ASYNC))


def callee(project, file, func: ast.expr, class_name: str | None, local_names: frozenset[str]) -> Callee | None:
    """The project function ``func`` (a call's function) names, or None: a local name, something
    of another library, or a method reached through an object of unknown class. Remembered per
    node: the typing and the rules ask about the same calls."""
    key = (func, getattr(file, "module_name", None), class_name, local_names)  # (one tree may be two modules' by name)
    known = project.evidence.callees.get(key, _UNKNOWN)
    if known is _UNKNOWN:
        known = project.evidence.callees[key] = _callee(project, file, func, class_name, local_names)
    return known


_UNKNOWN = object()


def _callee(project, file, func: ast.expr, class_name: str | None, local_names: frozenset[str]) -> Callee | None:
    module_name = getattr(file, "module_name", None)
    if module_name is None:
        return None
    if isinstance(func, ast.Attribute) and class_name:
        owner = func.value
        if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
            module = project.module(module_name)
            return _method(project, project.resolve_method(module, class_name, func.attr)) if module else None
        if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "super" and not owner.args:
            module = project.module(module_name)
            return _method(project, project.resolve_method(module, class_name, func.attr, skip_own=True)) if module else None
    path = name_chain(func)
    if path is None:
        return None
    head = path[0]
    qualified = file.imports.get(head)
    defined = head in file.sync_functions or head in file.async_functions or head in file.async_methods or head in file.module_values
    if head in local_names or not (qualified or defined):
        return None  # (most calls end here: a builtin, a local, a method of a variable)
    if not defined and qualified.partition(".")[0] not in project.top_packages():
        return None  # another library's
    module = project.module(module_name)
    if module is None:
        return None
    if _defines(module, head):
        return _in_module(project, module, path, 0)
    return _dotted(project, [*qualified.split("."), *path[1:]], 0) if qualified else None


def _method(project, found) -> Callee | None:
    if found is None:
        return None
    module, qualname, node = found
    return Callee(f"{module.name}.{qualname}", node, module.name, qualname.partition(".")[0])


def _defines(module, name: str) -> bool:
    return name in module.functions or name in module.classes or name in module.file.module_values


def _dotted(project, parts: list[str], depth: int) -> Callee | None:
    """``shop.services.fetch`` split on dots, to the longest project module it starts with."""
    modules = project.module_paths()
    for end in range(len(parts) - 1, 0, -1):
        name = ".".join(parts[:end])
        if name in modules:
            module = project.module(name)
            return _in_module(project, module, parts[end:], depth) if module is not None else None
    return None


def _in_module(project, module, path: list[str], depth: int) -> Callee | None:
    head = path[0]
    values = module.file.module_values
    if head in module.functions and head not in values:  # (`fetch = sync_to_async(fetch)` rebinds it)
        return Callee(f"{module.name}.{head}", module.functions[head], module.name, module.name.rpartition(".")[2]) if len(path) == 1 else None
    if head in module.classes and head not in values:
        return _method(project, project.resolve_method(module, head, path[1])) if len(path) == 2 else None
    if head in values:
        if len(path) > 2 or isinstance(values[head], ast.Constant):
            return None
        return Callee(f"{module.name}.{'.'.join(path)}", None, module.name, head if len(path) > 1 else module.name.rpartition(".")[2])
    imported = module.file.imports.get(head)
    if imported and depth < _MAX_REEXPORTS:  # a package re-exporting a function of its modules
        return _dotted(project, [*imported.split("."), *path[1:]], depth + 1)
    return None


class ProjectEvidence:
    """The evidence about each function of the project, found once per process."""

    def __init__(self, project):
        self.project = project
        self._by_module: dict[tuple[str, str], dict[str, list[Evidence]]] = {}
        # (a call's function, its module, its class, the local names) -> what it names; emptied between files
        self.callees: dict[tuple, Callee | None] = {}
        self._answers: dict[str, tuple[tuple[Evidence, ...], tuple[str, ...]]] = {}

    def about(self, function: Callee) -> tuple[Evidence, ...]:
        """Every place that awaits or wraps ``function``; the files looked at become dependencies
        of the file being checked. A module other than its own that does not mention its owner
        (verify.analysis.evidence.Callee) cannot name it: it is not parsed."""
        key = function.key
        name = key.rpartition(".")[2]
        project = self.project
        project.asked.add(name)
        known = self._answers.get(key)
        if known is None:
            found: list[Evidence] = []
            looked_at = []
            for dotted, lines in project.text.offering(name):
                if dotted != function.module and function.owner not in (project.text.text_of(dotted) or ""):
                    continue
                module = project.module(dotted)
                if module is None:
                    continue
                looked_at.append(module.path)
                found.extend(self._in_module(module, name, lines).get(key, ()))
            known = self._answers[key] = (tuple(found), tuple(looked_at))
        project.touched.update(known[1])
        return known[0]

    def coroutine(self, function: Callee) -> Evidence | None:
        """The first place that shows ``function`` is a coroutine function, unless another shows it blocks."""
        places = _consistent(self.about(function), (AWAITED, ASYNC_TO_SYNC))
        return places[0] if places else None

    def blocking(self, function: Callee) -> tuple[Evidence, ...]:
        """Every place that runs ``function`` with ``sync_to_async``; none when another awaits it."""
        return _consistent(self.about(function), (SYNC_TO_ASYNC,))

    def _in_module(self, module, name: str, lines: tuple[int, ...]) -> dict[str, list[Evidence]]:
        """The evidence a module gives about the functions called ``name``, found on ``lines``."""
        found = self._by_module.get((module.path, name))
        if found is None:
            found = self._by_module[module.path, name] = {}
            where = os.path.relpath(module.path, self.project.root) if self.project.root else module.path
            for node, class_name, local_names, alias in _calls(module.file.tree, lines):
                evidence = self._evidence_at(module, node, class_name, local_names, where, alias)
                if evidence is not None:
                    found.setdefault(evidence[0], []).append(evidence[1])
        return found

    def _evidence_at(self, module, node: ast.AST, class_name, local_names, where: str, alias: str | None):
        file = module.file
        if isinstance(node, ast.Await):
            target, kind = node.value.func, AWAITED
        else:
            qualified = file.qualified(node.func) or ""
            last = qualified.rpartition(".")[2]
            if last in _TO_ASYNC:
                kind = SYNC_TO_ASYNC
            elif last in _TO_SYNC:
                kind = ASYNC_TO_SYNC
            else:
                return None
            target = node.args[0]
        found = callee(self.project, file, target, class_name, local_names)
        if found is None:
            return None
        return found.key, Evidence(kind, f"{where}:{node.lineno}", module.path, node.lineno, alias)


def _consistent(places: tuple[Evidence, ...], kinds: tuple[str, ...]) -> tuple[Evidence, ...]:
    return places if places and all(place.kind in kinds for place in places) else ()


def _calls(tree: ast.Module, lines: tuple[int, ...]):
    """Each ``await f(...)`` and each ``x_to_y(f, ...)`` call of the module that starts on one of
    ``lines``, with the class it is in (for ``self.method``), the names local to its function
    (which hide module names), and the name or attribute a wrapper is assigned to. Only the nodes
    that span one of the lines are visited."""
    todo: list[tuple[ast.AST, str | None, frozenset]] = [(tree, None, frozenset())]
    while todo:
        node, class_name, local_names = todo.pop()
        alias = _kept_in(node)
        for child in ast.iter_child_nodes(node):
            first = getattr(child, "lineno", None)
            if first is not None:
                index = bisect_left(lines, first)
                if index == len(lines) or lines[index] > child.end_lineno:
                    continue  # no candidate line inside
            if isinstance(child, ast.ClassDef):
                todo.append((child, child.name, local_names))
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                todo.append((child, class_name, local_names | _local_names(child)))
            elif _rebinds_itself(child):
                continue  # `fetch = sync_to_async(fetch)`: the name is the wrapper now, not the def wrapped
            else:
                if isinstance(child, ast.Await) and isinstance(child.value, ast.Call):
                    yield child, class_name, local_names, None
                elif (isinstance(child, ast.Call) and child.args and isinstance(child.args[0], (ast.Name, ast.Attribute))
                      and isinstance(child.func, (ast.Name, ast.Attribute))):
                    name = child.func.attr if isinstance(child.func, ast.Attribute) else child.func.id
                    if name in _TO_ASYNC or name in _TO_SYNC:
                        yield child, class_name, local_names, alias if child is getattr(node, "value", None) else None
                todo.append((child, class_name, local_names))


def _kept_in(node: ast.AST) -> str | None:
    """The name or attribute an assignment keeps its value in: ``x = ...``, ``self.x = ...``."""
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        target = node.targets[0] if isinstance(node, ast.Assign) else node.target
        return target.id if isinstance(target, ast.Name) else target.attr if isinstance(target, ast.Attribute) else None
    return None


def _rebinds_itself(node: ast.AST) -> bool:
    if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
        return False
    value = node.value
    return (isinstance(value, ast.Call) and len(value.args) >= 1 and isinstance(value.args[0], ast.Name)
            and value.args[0].id == node.targets[0].id)


def _local_names(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> frozenset[str]:
    """Parameters and names bound in the function's own body (not in nested functions)."""
    args = function.args
    names = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a}
    if isinstance(function, ast.Lambda):
        return frozenset(names)
    todo = list(function.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        todo.extend(ast.iter_child_nodes(node))
    return frozenset(names)
