"""The two versions of a file, and the functions that went from ``def`` to ``async def`` between them."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from verify.analysis.context import FileContext
from verify.analysis.django_api import Version
from verify.analysis.models_index import ModelIndex
from verify.pipeline.file_tree import parse_source

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
HELPER_DEPTH = 3  # how far "moved into a helper" is followed: view -> helper -> helper -> helper


@dataclass
class ParsedFile:
    path: str  # as shown in findings
    source: str
    tree: ast.Module
    context: FileContext  # resolves imported names: `login_required` -> django.contrib.auth.decorators.login_required
    functions: dict[str, Function] = field(default_factory=dict)  # qualified name (`OrderView.get`) -> function

    @classmethod
    def parse(cls, path: str, source: str, version: Version) -> ParsedFile | None:
        """None when the source does not parse (DJA000 reports that on the new version)."""
        try:
            tree = parse_source(source, path)
        except (SyntaxError, ValueError):
            return None
        parsed = cls(path, source, tree, FileContext.build(path, source, tree, version, ModelIndex()))
        for function in _functions(parsed, tree, "", None):
            parsed.functions.setdefault(function.qualname, function)
        return parsed

    def qualified(self, node: ast.expr) -> str:
        """Dotted name with imports resolved, else the source text."""
        return self.context.qualified(node) or ast.unparse(node)


@dataclass
class Function:
    qualname: str
    node: FunctionNode
    owner: ast.ClassDef | None  # the class when this is a method
    file: ParsedFile

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def line(self) -> int:
        return self.node.lineno

    def nodes(self) -> Iterator[ast.AST]:
        """Every node of the body, nested functions included (a sync block run through sync_to_async is part of the view)."""
        for statement in self.node.body:
            yield from ast.walk(statement)

    def reachable_nodes(self) -> Iterator[ast.AST]:
        """The body plus the bodies of the same file's functions it calls (directly, awaited,
        through ``sync_to_async(helper)`` or as ``self.helper``), so that work moved into a helper still counts."""
        seen = {self.qualname}
        frontier = [self]
        for _ in range(HELPER_DEPTH + 1):
            next_frontier = []
            for function in frontier:
                if function is not self:  # a helper's decorators are part of the work moved into it
                    for decorator in function.node.decorator_list:
                        yield from ast.walk(decorator)
                for node in function.nodes():
                    yield node
                    helper = function.file.functions.get(_callee_qualname(node, function.owner) or "")
                    if helper is not None and helper.qualname not in seen:
                        seen.add(helper.qualname)
                        next_frontier.append(helper)
            frontier = next_frontier

    def source(self, node: ast.AST, limit: int = 60) -> str:
        """The node's source on one line, shortened to ``limit`` characters."""
        text = " ".join((ast.get_source_segment(self.file.source, node) or ast.unparse(node)).split())
        return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass
class FunctionPair:
    """A function that was ``def`` in the old version and is ``async def`` in the new one."""

    old: Function
    new: Function


def _functions(file: ParsedFile, parent: ast.AST, prefix: str, owner: ast.ClassDef | None) -> Iterator[Function]:
    for child in ast.iter_child_nodes(parent):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield Function(prefix + child.name, child, owner, file)
        elif isinstance(child, ast.ClassDef):
            yield from _functions(file, child, f"{prefix}{child.name}.", child)
        elif isinstance(child, (ast.If, ast.Try)):  # `if TYPE_CHECKING:` / `try: ... except ImportError:` blocks
            yield from _functions(file, child, prefix, owner)


def _callee_qualname(node: ast.AST, owner: ast.ClassDef | None) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    target = node.func
    if isinstance(target, ast.Call) and target.args:  # sync_to_async(helper)(...)
        target = target.args[0]
    elif isinstance(target, ast.Attribute) and target.attr == "to_thread" and node.args:  # asyncio.to_thread(helper, ...)
        target = node.args[0]
    if isinstance(target, ast.Name):
        return target.id
    if owner is not None and isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id in ("self", "cls"):
        return f"{owner.name}.{target.attr}"
    return None


def converted_pairs(old: ParsedFile, new: ParsedFile) -> list[FunctionPair]:
    """Functions matched by qualified name (so a function moved within the file still pairs up)."""
    pairs = []
    for qualname, new_function in new.functions.items():
        old_function = old.functions.get(qualname)
        if old_function and isinstance(old_function.node, ast.FunctionDef) and isinstance(new_function.node, ast.AsyncFunctionDef):
            pairs.append(FunctionPair(old_function, new_function))
    return pairs
