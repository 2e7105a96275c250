"""Per-file facts computed once and shared by every rule: imports, definitions, names."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from verify.analysis.ast_walk import is_generator, name_chain
from verify.analysis.django_api import Version
from verify.analysis.lines import source_lines
from verify.analysis.models_index import ModelIndex
from verify.analysis.module_names import package_of

_UNKNOWN = object()  # not in FileContext._qualified (None is an answer: not a dotted name)


@dataclass
class FileContext:
    path: str
    source: str
    tree: ast.Module
    version: Version
    models: ModelIndex
    options: dict = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)  # local name -> qualified name
    async_functions: set[str] = field(default_factory=set)  # module-level coroutine functions
    sync_functions: set[str] = field(default_factory=set)
    async_methods: dict[str, set[str]] = field(default_factory=dict)  # class -> coroutine methods
    # The async defs above that yield ("name", "Class.method"): calling one builds an async
    # generator, for ``async for``, never awaited.
    async_generators: set[str] = field(default_factory=set)
    task_functions: set[str] = field(default_factory=set)  # @task-decorated functions (django.tasks)
    module_values: dict[str, ast.expr] = field(default_factory=dict)  # module-level NAME = expr
    lines: list[str] = field(default_factory=list)
    project: object | None = None  # verify.analysis.summaries.Project, when cross-function analysis runs
    module_name: str | None = None
    # node -> qualified(node): every rule asks about each call's function in turn.
    _qualified: dict[ast.expr, str | None] = field(default_factory=dict, repr=False, compare=False)
    # (node, limit) -> source_of(node, limit): messages and type origins quote the same nodes.
    _sources: dict[tuple[ast.AST, int], str] = field(default_factory=dict, repr=False, compare=False)
    # name -> its model class type or None (verify.analysis.inference.Typer.model_class), per file.
    model_classes: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(cls, path: str, source: str, tree: ast.Module, version: Version, models: ModelIndex, options: dict | None = None) -> FileContext:
        ctx = cls(path, source, tree, version, models, options or {}, lines=source_lines(source))
        package = package_of(path)
        for node in statements(tree.body):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        ctx.imports[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        ctx.imports[top] = top
            elif isinstance(node, ast.ImportFrom):
                module = _absolute(node.module or "", node.level, package)
                for alias in node.names:
                    if alias.name != "*":
                        ctx.imports[alias.asname or alias.name] = f"{module}.{alias.name}" if module else alias.name
        may_yield = "yield" in source
        for node in tree.body:
            if isinstance(node, ast.AsyncFunctionDef):
                ctx.async_functions.add(node.name)
                if may_yield and is_generator(node):
                    ctx.async_generators.add(node.name)
            elif isinstance(node, ast.FunctionDef):
                ctx.sync_functions.add(node.name)
                if any(_decorator_name(d) in ("task", "tasks.task") for d in node.decorator_list):
                    ctx.task_functions.add(node.name)
            elif isinstance(node, ast.ClassDef):
                methods = [item for item in node.body if isinstance(item, ast.AsyncFunctionDef)]
                ctx.async_methods[node.name] = {item.name for item in methods}
                if may_yield:
                    ctx.async_generators.update(f"{node.name}.{item.name}" for item in methods if is_generator(item))
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                ctx.module_values[node.targets[0].id] = node.value
        return ctx

    def qualified(self, expr: ast.expr) -> str | None:
        """Dotted name of a Name/Attribute chain with imports resolved: ``r.get`` -> ``requests.get``."""
        found = self._qualified.get(expr, _UNKNOWN)
        if found is _UNKNOWN:
            found = self._qualified[expr] = self._resolve(expr)
        return found

    def _resolve(self, expr: ast.expr) -> str | None:
        chain = name_chain(expr)
        if chain is None:
            return None
        chain[0] = self.imports.get(chain[0], chain[0])
        return ".".join(chain)

    def source_of(self, node: ast.AST, limit: int = 60) -> str:
        """The node's source text on one line, shortened to ``limit`` characters."""
        key = (node, limit)
        found = self._sources.get(key)
        if found is None:
            text = self.segment(node) or ast.unparse(node)
            text = " ".join(text.split())
            found = self._sources[key] = text if len(text) <= limit else text[: limit - 3] + "..."
        return found

    def segment(self, node: ast.AST) -> str | None:
        """The node's exact source text (None when its position is past the source)."""
        # ast.get_source_segment splits the whole source on every call; the lines are kept here.
        # Column offsets are UTF-8 byte offsets.
        try:
            first, last = node.lineno - 1, node.end_lineno - 1
            start, end = node.col_offset, node.end_col_offset
        except AttributeError:
            return None
        if end is None or last >= len(self.lines):
            return None
        if first == last:
            line = self.lines[first]
            if line.isascii():  # byte offsets are character offsets
                return line[start:end]
            return line.encode()[start:end].decode(errors="replace")
        parts = [self.lines[first].encode()[start:].decode(errors="replace"), *self.lines[first + 1:last],
                 self.lines[last].encode()[:end].decode(errors="replace")]
        return "\n".join(parts)


def statements(body: list[ast.stmt]):
    """Every statement, nested blocks and function bodies included, without visiting expressions."""
    for node in body:
        yield node
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if block:  # most statements have no block: no generator for them
                yield from statements(block)
        for handler in getattr(node, "handlers", None) or []:
            yield from statements(handler.body)
        for case in getattr(node, "cases", None) or []:
            yield from statements(case.body)


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


def _absolute(module: str, level: int, package: str) -> str:
    if not level:
        return module
    base = package.split(".") if package else []
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base) or module
