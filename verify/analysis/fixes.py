"""Building the edits of a finding's fix from ``ast`` positions.

A fix is a few text edits at exact source ranges taken from the tree the rule already has: the
name of a method (``get`` -> ``aget``), ``await`` before a call, ``async`` before a ``for``, a
statement put before another (``user = await request.auser()``), an import at the top. Every
byte outside those ranges is kept, so comments and formatting stay as they are, with no concrete
syntax tree library to import and no second parse of a file that has nothing to fix; the
applier (``verify.pipeline.fixing``) re-parses each fixed file and drops the fixes when the
result does not parse.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize

from verify.analysis.finding import Edit, Fix

# A call written right before one of these is their operand, not a whole expression:
# ``await`` has to be put in parentheses there (``(await qs.afirst()).name``).
NEEDS_PARENTHESES = (ast.Attribute, ast.Subscript, ast.Call)
_FOR = re.compile(r"\bfor\b")


def start(node: ast.AST) -> tuple[int, int]:
    return node.lineno, node.col_offset


def end(node: ast.AST) -> tuple[int, int]:
    return node.end_lineno, node.end_col_offset


def await_edits(call: ast.expr, parent: ast.AST | None) -> tuple[Edit, ...]:
    """``await`` before ``call`` (in parentheses when it is the operand of ``.x``, ``[i]`` or a call)."""
    if isinstance(parent, NEEDS_PARENTHESES) and getattr(parent, "value", getattr(parent, "func", None)) is call:
        return Edit(start(call), start(call), "(await "), Edit(end(call), end(call), ")")
    return (Edit(start(call), start(call), "await "),)


def rename_method(call: ast.Call, name: str) -> Edit:
    """``qs.get(...)`` -> ``qs.aget(...)``: the attribute's name is the end of ``call.func``."""
    func = call.func
    assert isinstance(func, ast.Attribute)
    line, column = end(func)
    return Edit((line, column - len(func.attr.encode())), (line, column), name)


def unfixable_place(node: ast.AST, parent_of) -> bool:
    """Inside ``(... for ...)``, ``await`` would make an async generator the consumer cannot use;
    inside a ``lambda`` it does not compile; before Python 3.12, positions inside f-strings are
    not reliable enough to edit."""
    parent = parent_of(node)
    while parent is not None and not isinstance(parent, ast.stmt):
        if isinstance(parent, (ast.GeneratorExp, ast.Lambda)) or isinstance(parent, ast.JoinedStr) and sys.version_info < (3, 12):
            return True
        parent = parent_of(parent)
    return False


def awaitable_here(node: ast.AST, ctx) -> bool:
    """Whether ``await`` can go before ``node``: its code runs in an ``async def`` (not in a sync
    helper checked for the async code that calls it) and in no generator expression or lambda."""
    return isinstance(ctx.function, ast.AsyncFunctionDef) and not unfixable_place(node, ctx.parent)


def awaited_method_twin(call: ast.Call, twin: str, ctx, *, unsafe: bool = False, reason: str = "") -> Fix | None:
    """``x.m(...)`` -> ``await x.twin(...)``: the same receiver and arguments, for twins that take
    the sync method's arguments (already awaited: only the name changes)."""
    if not awaitable_here(call, ctx):
        return None
    parent = ctx.parent(call)
    awaited = () if isinstance(parent, ast.Await) else await_edits(call, parent)
    return Fix((rename_method(call, twin), *awaited), unsafe, reason)


def import_edit(ctx, module: str, name: str) -> tuple[Edit, ...] | None:
    """``from module import name`` when the file lacks it; None when ``name`` is bound to
    something else there (the fix would change what it means)."""
    bound = ctx.file.imports.get(name)
    if bound == f"{module}.{name}":
        return ()
    defined = any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and s.name == name for s in ctx.file.tree.body)
    if bound is not None or defined or name in ctx.file.module_values:
        return None
    position = import_position(ctx.file.tree)
    return (Edit(position, position, f"from {module} import {name}\n"),)


def awaited_function_twin(call: ast.Call, module: str, twin: str, ctx) -> Fix | None:
    """``f(...)`` -> ``await twin(...)`` (``mod.f(...)`` -> ``await mod.twin(...)``), with ``twin``
    imported from ``module`` when the file lacks it."""
    if not awaitable_here(call, ctx):
        return None
    parent = ctx.parent(call)
    awaited = () if isinstance(parent, ast.Await) else await_edits(call, parent)
    if isinstance(call.func, ast.Attribute):
        return Fix((rename_method(call, twin), *awaited))
    imported = import_edit(ctx, module, twin)
    if imported is None:
        return None
    return Fix((Edit(start(call.func), end(call.func), twin), *awaited, *imported))


def async_list(iterated: ast.expr) -> tuple[str, str]:
    """The text before and after ``qs`` that makes ``[obj async for obj in qs]`` (with a name
    ``qs`` does not use, and ``qs`` in parentheses when it is ``x if c else y``)."""
    used = {n.id for n in ast.walk(iterated) if isinstance(n, ast.Name)}
    name = next(n for n in ("obj", "item", "row", "element", "_obj") if n not in used)
    simple = isinstance(iterated, (ast.Name, ast.Attribute, ast.Call, ast.Subscript))  # `x if c else y` would read as a filter
    return f"[{name} async for {name} in " + ("" if simple else "("), "]" if simple else ")]"


def alone_on_its_lines(statement: ast.stmt, lines: list[str]) -> bool:
    """Whether nothing but a comment shares the statement's lines (no ``a; b``)."""
    before = lines[statement.lineno - 1].encode()[:statement.col_offset]
    after = lines[statement.end_lineno - 1].encode()[statement.end_col_offset:].strip()
    return not before.strip() and (not after or after.startswith(b"#"))


def body_statement(node: ast.AST, function: ast.AST, parent_of) -> ast.stmt | None:
    """The statement of ``function.body`` that holds ``node`` (None in a decorator or default)."""
    child, parent = node, parent_of(node)
    while parent is not None and parent is not function:
        child, parent = parent, parent_of(parent)
    return child if parent is function and child in function.body else None


def indentation(statement: ast.stmt, lines: list[str]) -> str | None:
    """The whitespace before the statement, when nothing else precedes it on its line."""
    before = lines[statement.lineno - 1].encode()[:statement.col_offset].decode(errors="replace")
    return before if not before.strip() else None


def comments_inside(statement: ast.stmt, lines: list[str]) -> dict[int, str] | None:
    """Line -> comment, of the comments inside the statement's text (not one after its end);
    None when its lines do not tokenize on their own."""
    text = "\n".join(lines[statement.lineno - 1:statement.end_lineno]) + "\n"
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    return {statement.lineno + token.start[0] - 1: token.string for token in tokens
            if token.type == tokenize.COMMENT and statement.lineno + token.start[0] - 1 < statement.end_lineno}


def newline(source: str) -> str:
    """The line end the file uses."""
    return "\r\n" if "\r\n" in source else "\n"


def async_comprehension(generator: ast.comprehension, lines: list[str]) -> Fix | None:
    """``async `` before the ``for`` of a comprehension: the last ``for`` before its target."""
    line_number, column = start(generator.target)
    text = lines[line_number - 1].encode()[:column].decode(errors="ignore")
    found = list(_FOR.finditer(text))
    if not found:
        return None  # ``for`` on an earlier line than its target: rare, left to a person
    position = (line_number, len(text[:found[-1].start()].encode()))
    return Fix((Edit(position, position, "async "),))


def import_position(tree: ast.Module) -> tuple[int, int]:
    """Where a new top-level ``import`` goes: after the docstring and ``from __future__`` imports."""
    line = 1
    for statement in tree.body:
        docstring = statement is tree.body[0] and isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
            and isinstance(statement.value.value, str)
        future = isinstance(statement, ast.ImportFrom) and statement.module == "__future__"
        if not (docstring or future):
            return min([statement.lineno] + [d.lineno for d in getattr(statement, "decorator_list", ())]), 0
        line = statement.end_lineno + 1
    return line, 0


def sleep_fix(call: ast.Call, ctx) -> Fix | None:
    """``time.sleep(x)`` -> ``await asyncio.sleep(x)``, with ``import asyncio`` when the module lacks it."""
    if not isinstance(ctx.function, ast.AsyncFunctionDef) or unfixable_place(call, ctx.parent):
        return None  # a sync helper run by async code: the sleep goes elsewhere
    if ctx.file.imports.get("asyncio", "asyncio") != "asyncio" or call.keywords or len(call.args) != 1:
        return None  # `asyncio` is some other name here
    parent = ctx.parent(call)
    if isinstance(parent, ast.Await):
        return None
    edits = [Edit(start(call.func), end(call.func), "asyncio.sleep"), *await_edits(call, parent)]
    tree = ctx.file.tree
    if not any(isinstance(s, ast.Import) and any(a.name == "asyncio" and not a.asname for a in s.names) for s in tree.body):
        position = import_position(tree)
        edits.append(Edit(position, position, "import asyncio\n"))
    return Fix(tuple(edits))


_OFFLOAD_REASON = ("the helper now runs in a worker thread (sync_to_async's one thread for sync code): what it returns "
                   "must be usable there too, a QuerySet it returns is still lazy, and thread-local state differs")


def _handling_exception(node: ast.AST, ctx) -> bool:
    """Inside an ``except`` block: the exception being handled (``sys.exc_info()``) is the
    thread's, and a function run in a worker thread would not see it."""
    parent = ctx.parent(node)
    while parent is not None and parent is not ctx.function:
        if isinstance(parent, ast.ExceptHandler):
            return True
        parent = ctx.parent(parent)
    return False


def offloaded_call(call: ast.Call, ctx, reason: str = _OFFLOAD_REASON) -> Fix | None:
    """``helper(...)`` -> ``await sync_to_async(helper)(...)``, with ``sync_to_async`` imported
    from asgiref when the file lacks it (unsafe: the helper moves to a thread)."""
    if not awaitable_here(call, ctx) or isinstance(ctx.parent(call), ast.Await) or _handling_exception(call, ctx):
        return None
    imported = import_edit(ctx, "asgiref.sync", "sync_to_async")
    if imported is None:
        return None
    parent = ctx.parent(call)
    enclose = isinstance(parent, NEEDS_PARENTHESES) and getattr(parent, "value", getattr(parent, "func", None)) is call
    head = ("(" if enclose else "") + "await sync_to_async("
    edits = [Edit(start(call.func), start(call.func), head), Edit(end(call.func), end(call.func), ")")]
    if enclose:
        edits.append(Edit(end(call), end(call), ")"))
    return Fix((*edits, *imported), True, reason)


# requests.get(url, ...) -> httpx's AsyncClient: the keywords both take alike, and what code may
# read on the response alike (requests' `ok`, `iter_content`... are not httpx's).
_SHARED_KEYWORDS = frozenset({"params", "headers", "json", "data", "timeout", "cookies"})
_SHARED_RESPONSE = frozenset({"status_code", "text", "content", "json", "headers", "url", "cookies", "encoding", "raise_for_status"})
_HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
_HTTP_REASON = ("another library: requests' and httpx's responses and exceptions differ; the fix keeps requests' "
                "redirects and its missing timeout, and is not offered where the code catches requests' exceptions "
                "or reads the response in a way httpx does not")


def async_http_fix(call: ast.Call, qualified: str, client: str, ctx) -> Fix | None:
    """``response = requests.get(url, ...)`` (or httpx's sync function) as a statement ->
    ``async with httpx.AsyncClient(...) as client:`` and ``response = await client.get(url, ...)``,
    for a project whose async client is httpx (or httpx2)."""
    package, _, verb = qualified.rpartition(".")
    module = client.partition(".")[0]
    if not module.startswith("httpx") or verb not in _HTTP_VERBS or package not in ("requests", "requests.api", "httpx", "httpx2"):
        return None
    from_requests = package.startswith("requests")
    if from_requests and (len(call.args) != 1 or any(k.arg not in _SHARED_KEYWORDS for k in call.keywords)):
        return None
    if not from_requests and package != module:
        return None
    statement = ctx.parent(call)
    target = ""
    if isinstance(statement, ast.Assign) and statement.value is call and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
        target = statement.targets[0].id
    elif not (isinstance(statement, ast.Expr) and statement.value is call):
        return None
    indent = indentation(statement, ctx.file.lines)
    if indent is None or not awaitable_here(call, ctx) or not alone_on_its_lines(statement, ctx.file.lines):
        return None
    from verify.analysis.name_uses import names_in

    by_name, parents = names_in(ctx.function)
    if "client" in by_name or any(a.arg == "client" for a in ast.walk(ctx.function) if isinstance(a, ast.arg)):
        return None
    if from_requests:
        for use in by_name.get(target, []):
            holder = parents.get(use)
            if isinstance(use.ctx, ast.Load) and not (isinstance(holder, ast.Attribute) and holder.attr in _SHARED_RESPONSE):
                return None  # handed on, or read as only requests' response reads
        node = parents.get(statement)
        while node is not None:
            if isinstance(node, ast.Try) and any(h.type is not None and "requests" in ast.dump(h.type) for h in node.handlers):
                return None
            node = parents.get(node)
    imported = ctx.file.imports.get(module)
    if imported not in (None, module):
        return None
    edits = [] if imported == module else [Edit(import_position(ctx.file.tree), import_position(ctx.file.tree), f"import {module}\n")]
    options = ("" if verb == "head" else "follow_redirects=True, ") + "timeout=None" if from_requests else ""
    inner = indent + ("\t" if "\t" in indent else "    ")
    assigned = f"{target} = " if target else ""
    head = f"async with {module}.AsyncClient({options}) as client:{newline(ctx.file.source)}{inner}{assigned}await client.{verb}"
    edits.append(Edit(start(statement), end(call.func), head))
    return Fix(tuple(edits), True, _HTTP_REASON)
