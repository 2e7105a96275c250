"""The single walk: each async function's body is visited in order, with a flow-sensitive
environment of variable types, and every node is handed to the visitors of the enabled rules.

Async context is the body of an ``async def`` minus nested ``def``, ``lambda`` and ``class``
bodies: those are sync code (often run through ``sync_to_async``) and sync ORM there is correct.
Module-scope rules (``scope="module"``) see every node of the file once.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from verify.analysis import blocking, fixes, formatting, pages, request_user
from verify.analysis import types as ty
from verify.analysis.arguments import bind_arguments
from verify.analysis.ast_walk import children, walk
from verify.analysis.context import FileContext
from verify.analysis.finding import Finding, Fix, Severity
from verify.analysis.inference import SELF_REQUEST, Typer, argument_types, none_default_parameters, parameter_types, with_loaded_user
from verify.analysis.limits import MAX_NESTING
from verify.analysis.lines import source_lines
from verify.analysis.registry import Rule, iter_visitors
from verify.analysis.types import T

# Django's login and logout set ``request.user`` (to the user, to an AnonymousUser).
_SETS_REQUEST_USER = frozenset({"django.contrib.auth.alogin", "django.contrib.auth.alogout",
                                "django.contrib.auth.login", "django.contrib.auth.logout"})
_COMPREHENSIONS = frozenset({ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp})
# Statement parts whose own children are linked to them, not to the statement.
_HOLDERS = frozenset({ast.ExceptHandler, ast.match_case, ast.withitem, ast.keyword})
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+\d+(?:[\s,]+[A-Z]+\d+)*))?", re.IGNORECASE)


class RuleContext:
    """What a visitor sees: the file, the current function, types, parents, and ``report``."""

    def __init__(self, file: FileContext):
        self.file = file
        self.version = file.version
        self.findings: list[Finding] = []
        self.rule: Rule | None = None
        self.function: ast.AsyncFunctionDef | None = None
        self.class_name: str | None = None
        self.typer = Typer(file, {})
        self.parents: dict[ast.AST, ast.AST] = {}
        self._all_parents = False
        # Inside `if self._x is None: self._x = ...`: code that runs once per process (DJA3xx
        # leave it alone; a query there still raises).
        self.once = False
        # The rules' most frequent questions go straight to the answering methods, with no
        # call in between.
        self.qualified: Callable[[ast.expr], str | None] = file.qualified
        self.source: Callable[[ast.AST, int], str] = file.source_of

    @property
    def typer(self) -> Typer:
        return self._typer

    @typer.setter
    def typer(self, typer: Typer) -> None:
        self._typer = typer
        self.type_of: Callable[[ast.AST | None], T | None] = typer.type_of

    # -- queries for rules ---------------------------------------------------------------------
    def parent(self, node: ast.AST) -> ast.AST | None:
        # The async walk records parents as it goes. Module-scope visitors that walk every
        # expression get the file's map, computed once when first asked.
        parent = self.parents.get(node)
        if parent is None and self.function is None and not self._all_parents:
            self._all_parents = True
            self.parents.update(_parents(self.file.tree))
            parent = self.parents.get(node)
        return parent

    def report(self, node: ast.AST, message: str, hint: str = "", *, severity: Severity | None = None, rule: Rule | None = None,
               related: tuple[tuple[ast.AST, str], ...] = (), fix: Fix | None = None) -> None:
        """``related``: other nodes the finding involves, each with what happens there; ``fix``:
        the edits that carry out the hint (``verify.analysis.fixes`` builds them)."""
        rule = rule or self.rule
        assert rule is not None
        self.findings.append(
            Finding(
                path=self.file.path,
                line=node.lineno,
                column=node.col_offset + 1,
                end_line=getattr(node, "end_lineno", None) or node.lineno,
                end_column=(getattr(node, "end_col_offset", None) or node.col_offset) + 1,
                code=rule.code,
                name=rule.name,
                message=message,
                hint=hint,
                severity=severity or rule.severity,
                related=tuple((place.lineno, place.col_offset + 1, note) for place, note in related),
                fix=fix,
            )
        )


class _Dispatcher:
    def __init__(self, rules: list[Rule]):
        self.async_visitors: dict[type, list] = {}
        self.module_visitors: dict[type, list] = {}
        blocking_rules: dict[str, Rule] = {}
        for node_type, rule, func in iter_visitors(rules):
            if rule.scope == "compare":  # DJA5xx need two versions of a file: verify.compare runs them
                continue
            table = self.async_visitors if rule.scope == "async" else self.module_visitors
            if func is blocking.report:  # the DJA3xx rules share it: one run per call reports for all of them
                if not blocking_rules:
                    table.setdefault(node_type, []).append((None, partial(blocking.report, rules=blocking_rules)))
                blocking_rules[rule.code] = rule
                continue
            table.setdefault(node_type, []).append((rule, func))

    def dispatch(self, table: dict, node: ast.AST, ctx: RuleContext) -> None:
        for rule, func in table.get(type(node), ()):
            ctx.rule = rule  # None for the engine's own hooks
            func(node, ctx)


class AsyncWalker:
    """Walks one async function body in evaluation order, keeping variable types."""

    def __init__(self, dispatcher: _Dispatcher, ctx: RuleContext):
        self.dispatcher = dispatcher
        self.visitors = dispatcher.async_visitors
        self.ctx = ctx
        self.depth = 0  # expressions and blocks being walked, one inside the other

    @property
    def env(self) -> dict[str, T]:
        return self.ctx.typer.env

    # -- expressions -----------------------------------------------------------------------
    def expr(self, node: ast.AST | None) -> None:
        if node is None or self.depth >= MAX_NESTING:
            return  # deeper than code is written by hand: the rest of the chain is not checked
        self.depth += 1
        try:
            self._expr(node)
        finally:
            self.depth -= 1

    def _expr(self, node: ast.AST) -> None:
        node_type = type(node)
        if node_type is ast.Lambda:  # a lambda body is sync context
            for default in node.args.defaults + [d for d in node.args.kw_defaults if d]:
                self.expr(default)
            return
        visitors = self.visitors.get(node_type)
        if visitors:  # the dispatch loop, inlined: this runs for every expression
            ctx = self.ctx
            for rule, func in visitors:
                ctx.rule = rule
                func(node, ctx)
        if node_type in _COMPREHENSIONS:
            self.comprehension(node)
            return
        if node_type is ast.Call:
            if node.args and (type(node.args[0]) is ast.Name or type(node.args[0]) is ast.Attribute):
                self._call_effects(node)
            elif (type(node.func) is ast.Attribute and node.func.attr == "auser" and type(self.ctx.parents.get(node)) is ast.Await
                  and request_user.auser_fills_request_user(self.ctx.file)):
                self._user_assigned(node.func.value, None)  # django-bolt: an awaited auser() fills request.user
            elif (type(node.func) is ast.Attribute and node.func.attr == "aget_object_list" and type(node.func.value) is ast.Name
                  and type(self.ctx.parents.get(node)) is ast.Await):
                self._page_loaded(node.func.value.id, None)
        parents = self.ctx.parents
        if node_type is ast.Attribute:  # a third of the expressions, with a single child
            value = node.value
            parents[value] = node
            value_type = type(value)
            if value_type is not ast.Name and value_type is not ast.Constant or value_type in self.visitors:
                self.expr(value)
            return
        kids = children(node)
        for child in kids:
            parents[child] = node
        if node_type is ast.NamedExpr:
            self.expr(node.value)
            self.bind(node.target, self.ctx.type_of(node.value))
            return
        for child in kids:
            child_type = type(child)
            if child_type is ast.Name or child_type is ast.Constant:
                if child_type in self.visitors:  # else nothing to do: no children, no visitor
                    self.expr(child)
            elif child_type is ast.keyword:
                parents[child.value] = child
                self.expr(child.value)
            elif isinstance(child, ast.expr):
                self.expr(child)

    def comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        saved = dict(self.env)
        parents = self.ctx.parents
        for child in children(node):
            parents[child] = node
        for generator in node.generators:
            for child in children(generator):
                parents[child] = generator
            self.dispatcher.dispatch(self.visitors, generator, self.ctx)
            self.expr(generator.iter)
            iterated = self.ctx.type_of(generator.iter)
            self.bind(generator.target, iterated.element() if iterated else None)
            for condition in generator.ifs:
                self.expr(condition)
        if isinstance(node, ast.DictComp):
            self.expr(node.key)
            self.expr(node.value)
        else:
            self.expr(node.elt)
        self.env.clear()
        self.env.update(saved)
        for generator in node.generators:
            if generator.is_async:
                self._evaluated(generator.iter, self.ctx.type_of(generator.iter))

    def _evaluated(self, iterated: ast.expr, value: T | None) -> None:
        """``async for x in qs`` fills ``qs``'s result cache before the first item: ``len(qs)``,
        ``qs[0]``, ``if qs:`` afterwards run no query."""
        if type(iterated) is ast.Name and value is not None and value.kind == ty.QUERYSET and not value.extra.get("evaluated"):
            self.env[iterated.id] = value.with_(extra={**value.extra, "evaluated": True})

    # -- binding ---------------------------------------------------------------------------
    def bind(self, target: ast.AST, value: T | None) -> None:
        if isinstance(target, ast.Name):
            if value is None:
                self.env.pop(target.id, None)
            else:
                self.env[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            # A pair with a known element: (instance, created) from aget_or_create(), (pk, instance) from in_bulk().items()
            known_index = value.extra.get("pair") if value is not None and value.kind == ty.LIST else None
            by_position = dict(value.items) if value is not None and value.kind == ty.LIST and value.items else {}
            if any(type(element) is ast.Starred for element in target.elts):
                by_position = {}  # `first, *rest = ...`: positions after the star are not known
            for index, element in enumerate(target.elts):
                self.bind(element, value.elem if index == known_index else by_position.get(str(index)))
        elif isinstance(target, ast.Starred):
            self.bind(target.value, None)

    # -- statements ------------------------------------------------------------------------
    def body(self, statements: Iterable[ast.stmt]) -> None:
        if self.depth >= MAX_NESTING:
            return
        self.depth += 1
        for statement in statements:
            self.stmt(statement)
        self.depth -= 1

    def branches(self, *bodies: list[ast.stmt], narrowed: tuple[dict[str, T], ...] = ()) -> None:
        """Run each branch from the same environment; keep only what all of the branches that
        reach the next statement agree on (a branch ending in ``raise``, ``return`` or
        ``continue`` does not: after ``except DoesNotExist: raise Http404`` the instance loaded
        in the ``try`` is still known)."""
        start = dict(self.env)
        results = []
        for index, statements in enumerate(bodies):
            self.env.clear()
            self.env.update(start)
            if index < len(narrowed):
                self.env.update(narrowed[index])
            self.body(statements)
            if falls_through(statements):
                results.append(dict(self.env))
        self._merge(results)

    def _merge(self, results: list[dict[str, T]]) -> None:
        """The environment after the branches that reach the next statement, which ended with
        ``results``: what they agree on."""
        self.env.clear()
        if not results:
            return  # no branch goes on: whatever follows is unreachable
        for name in results[0]:
            value = results[0][name]
            for result in results[1:]:
                value = ty.join(value, result.get(name))
                if value is None:
                    break
            if value is not None:
                self.env[name] = value

    def stmt(self, node: ast.stmt) -> None:
        kids = self._enter(node)
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            for decorator in node.decorator_list:
                self.expr(decorator)
            if isinstance(node, ast.FunctionDef):
                self.env.pop(node.name, None)
            return
        if isinstance(node, ast.AsyncFunctionDef):
            return  # analysed on its own
        if isinstance(node, ast.Assign):
            self.expr(node.value)
            value = self.ctx.type_of(node.value)
            for target in node.targets:
                if not isinstance(target, ast.Name):
                    self.expr(target)
                    if type(target) is ast.Attribute and target.attr == "user":
                        self._user_assigned(target.value, value)
                    elif type(target) is ast.Attribute and target.attr == pages.OBJECT_LIST and type(target.value) is ast.Name:
                        self._page_loaded(target.value.id, value)
                self.bind(target, value)
                self._track_dict_item(target, node.value)
        elif isinstance(node, ast.AnnAssign):
            self.expr(node.value)
            if node.value is not None:
                self.bind(node.target, self.ctx.type_of(node.value))
            if not isinstance(node.target, ast.Name):
                self.expr(node.target)
        elif isinstance(node, ast.AugAssign):
            self.expr(node.value)
            self.expr(node.target)
            self.bind(node.target, None)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.expr(node.iter)
            iterated = self.ctx.type_of(node.iter)
            if type(node) is ast.AsyncFor:
                self._evaluated(node.iter, iterated)
            self.expr_target(node.target)
            start = dict(self.env)
            self.bind(node.target, iterated.element() if iterated else None)
            self.branches(node.body + node.orelse, [])
            for name in list(self.env):
                if start.get(name) != self.env[name]:
                    self.env.pop(name)
        elif isinstance(node, ast.While):
            self.expr(node.test)
            self.branches(node.body + node.orelse, [])
        elif isinstance(node, ast.If):
            self._if_chain(node)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self.expr(item.context_expr)
                if item.optional_vars is not None:
                    self.bind(item.optional_vars, self.ctx.type_of(item.context_expr))
            self.body(node.body)
        elif isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            self.branches(node.body + node.orelse, *[handler.body for handler in node.handlers])
            self.body(node.finalbody)
        elif isinstance(node, ast.Match):
            self.expr(node.subject)
            self.branches(*[case.body for case in node.cases], [])
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                self.expr(target)
                self.bind(target, None)
        else:
            for child in kids:
                if isinstance(child, ast.expr):
                    self.expr(child)
                elif isinstance(child, ast.stmt):
                    self.stmt(child)
                elif isinstance(child, ast.ExceptHandler):
                    self.body(child.body)

    def _enter(self, node: ast.stmt) -> list[ast.AST]:
        """Link the statement's children to it and hand it to the visitors: its children."""
        parents = self.ctx.parents
        kids = children(node)
        for child in kids:
            parents[child] = node
            if type(child) in _HOLDERS:
                for grandchild in children(child):
                    parents[grandchild] = child
        self.dispatcher.dispatch(self.visitors, node, self.ctx)
        return kids

    def _if_chain(self, node: ast.If) -> None:
        """``if``/``elif``/``else`` as one set of branches, walked in a loop: an ``elif`` is an
        ``If`` in the previous one's ``orelse``, and a long chain would nest as deep as it is long.
        The same as branching at each ``If`` (joining the branches that fall through is
        associative): each branch starts from the environment after its own and the earlier
        tests, narrowed by them."""
        results = []
        set_once = False  # a link that fills what it tests runs once: so does the rest of the chain after it
        while True:
            self.expr(node.test)
            narrowed = _narrowed_by_test(node.test, self.ctx.qualified)
            if not self.ctx.once and _runs_once(node, self.ctx.function):
                self.ctx.once = set_once = True
            after_test = dict(self.env)
            if narrowed:
                self.env.update(narrowed[0])
            self.body(node.body)
            if falls_through(node.body):
                results.append(dict(self.env))
            self.env.clear()
            self.env.update(after_test)
            if len(narrowed) > 1:
                self.env.update(narrowed[1])
            orelse = node.orelse
            if len(orelse) == 1 and type(orelse[0]) is ast.If:
                node = orelse[0]
                self._enter(node)
                continue
            self.body(orelse)
            if falls_through(orelse):
                results.append(dict(self.env))
            break
        if set_once:
            self.ctx.once = False
        self._merge(results)

    def expr_target(self, target: ast.AST) -> None:
        if not isinstance(target, ast.Name):
            self.expr(target)

    def _call_effects(self, call: ast.Call) -> None:
        """What a call does to the variable it is given: ``await alogin(request, user)`` sets
        ``request.user``, ``await aprefetch_related_objects(posts, "author")`` loads relations."""
        qualified = self.ctx.qualified(call.func) or ""
        if qualified in _SETS_REQUEST_USER:
            given = self.ctx.type_of(call.args[1]) if len(call.args) > 1 else None
            self._user_assigned(call.args[0], given)
        elif qualified.endswith("prefetch_related_objects") and type(call.args[0]) is ast.Name:
            self._prefetch_into(call)

    def _prefetch_into(self, call: ast.Call) -> None:
        """``await aprefetch_related_objects(posts, "author")`` loads "author" on each post."""
        name = call.args[0].id
        current = self.env.get(name)
        lookups = frozenset(a.value for a in call.args[1:] if isinstance(a, ast.Constant) and isinstance(a.value, str))
        if current is None or not lookups:
            return
        paths = frozenset(p for lookup in lookups for p in ("__".join(lookup.split("__")[:i + 1]) for i in range(lookup.count("__") + 1)))
        if current.kind == ty.LIST and current.elem is not None and current.elem.kind == ty.INSTANCE:
            self.env[name] = current.with_(elem=current.elem.with_(loaded=current.elem.loaded | paths))
        elif current.kind == ty.INSTANCE:
            self.env[name] = current.with_(loaded=current.loaded | paths)

    def _user_assigned(self, holder: ast.expr, value: T | None) -> None:
        """``request.user = await request.auser()``: later reads of ``request.user`` get that user."""
        request = self.ctx.type_of(holder)
        if request is None or request.kind != ty.REQUEST or value is not None and value.extra.get("request_user"):
            return
        loaded = with_loaded_user(request, value if value is not None and value.kind == ty.INSTANCE else None)
        if type(holder) is ast.Name:
            self.env[holder.id] = loaded
        elif type(holder) is ast.Attribute and holder.attr == "request" and type(holder.value) is ast.Name and holder.value.id == "self":
            self.env[SELF_REQUEST] = loaded

    def _page_loaded(self, name: str, objects: T | None) -> None:
        """``await page.aget_object_list()`` or ``page.object_list = await sync_to_async(list)(...)``:
        the page holds a list from here on."""
        current = self.env.get(name)
        if pages.unloaded_page(current) and not (objects is not None and objects.is_lazy):
            self.env[name] = pages.loaded(current, objects if objects is not None and objects.kind == ty.LIST else None)

    def _track_dict_item(self, target: ast.AST, value: ast.expr) -> None:
        """``context["orders"] = qs`` adds to a dict literal's known items."""
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and isinstance(target.slice, ast.Constant):
            current = self.env.get(target.value.id)
            value_type = self.ctx.type_of(value)
            if current is not None and current.kind == ty.DICT and value_type is not None:
                items = dict(current.items)
                items[target.slice.value] = value_type
                self.env[target.value.id] = current.with_(items=tuple(items.items()))


def _runs_once(node: ast.If, function: ast.AST | None) -> bool:
    """``if self._x is None: self._x = load()`` (or ``if not self._x``, or a ``global``): the body
    fills what it tests, so it runs on the first call only."""
    test = node.test
    if type(test) is ast.Compare and len(test.ops) == 1 and type(test.ops[0]) is ast.Is and \
            type(test.comparators[0]) is ast.Constant and test.comparators[0].value is None:
        tested = test.left
    elif type(test) is ast.UnaryOp and type(test.op) is ast.Not:
        tested = test.operand
    else:
        return False
    if type(tested) is ast.Attribute:
        if not (type(tested.value) is ast.Name and tested.value.id in ("self", "cls")):
            return False
    elif type(tested) is not ast.Name or not any(
            type(statement) is ast.Global and tested.id in statement.names for statement in getattr(function, "body", ())):
        return False
    key = ast.dump(tested.value) + tested.attr if type(tested) is ast.Attribute else tested.id
    for statement in node.body:
        targets = statement.targets if type(statement) is ast.Assign else [statement.target] if type(statement) is ast.AnnAssign else []
        for target in targets:
            if type(target) is type(tested) and (ast.dump(target.value) + target.attr if type(target) is ast.Attribute else target.id) == key:
                return True
    return False


# `iscoroutinefunction(handler)` from asyncio, inspect, asgiref, Django, and Starlette-style helpers.
_COROUTINE_FUNCTION_TESTS = {"iscoroutinefunction", "is_async_callable", "is_coroutine_function"}
_ASYNC_FLAGS = {"is_async", "view_is_async"}


def _narrowed_by_test(test: ast.expr, qualified: Callable[[ast.expr], str | None]) -> tuple[dict[str, T], ...]:
    """What an ``if`` test tells about each branch: after ``if iscoroutinefunction(handler):``
    (or ``getattr(handler, "is_async", False)``) ``handler`` is a coroutine function in the
    body; after ``if not ...`` it is one in the ``else`` branch. ``handler`` is a name or
    ``self.attribute``."""
    negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    call = test.operand if negated else test
    if not isinstance(call, ast.Call) or not call.args:
        return ()
    name = (qualified(call.func) or "").rsplit(".", 1)[-1]
    if name == "getattr" and len(call.args) >= 2:
        flag = call.args[1]
        if not (isinstance(flag, ast.Constant) and flag.value in _ASYNC_FLAGS):
            return ()
    elif name not in _COROUTINE_FUNCTION_TESTS:
        return ()
    subject = call.args[0]
    if isinstance(subject, ast.Name):
        key = subject.id
    elif isinstance(subject, ast.Attribute) and isinstance(subject.value, ast.Name) and subject.value.id == "self":
        key = f"self.{subject.attr}"
    else:
        return ()
    known = {key: T(ty.COROUTINE_FUNCTION, origin=key)}
    return ({}, known) if negated else (known,)


_EXITS = (ast.Raise, ast.Return, ast.Continue)


def falls_through(statements: list[ast.stmt]) -> bool:
    """Whether running ``statements`` can reach the statement after them: False when they end in
    ``raise``/``return``/``continue``, or in an ``if``/``try`` all of whose ways out do.
    (``break`` goes on after the loop, with what the loop body had, and a ``with`` block's
    context manager may swallow the exception: both count as falling through.)"""
    while statements and isinstance(statements[-1], ast.If):  # an elif chain, in a loop: it may be long
        if falls_through(statements[-1].body):
            return True
        statements = statements[-1].orelse
    if not statements:
        return True
    last = statements[-1]
    if isinstance(last, _EXITS):
        return False
    if isinstance(last, (ast.Try, getattr(ast, "TryStar", ast.Try))):
        if last.finalbody and not falls_through(last.finalbody):
            return False
        return falls_through(last.body + last.orelse) or any(falls_through(h.body) for h in last.handlers)
    return True


def _linked_statements(root: ast.AST, parents: dict[ast.AST, ast.AST]) -> list[ast.stmt]:
    """Every statement below ``root`` (no expressions) in source order, recording each one's
    parent on the way. A loop over a stack: a long ``elif`` chain nests as deep as it is long."""
    found: list[ast.stmt] = []
    todo = [root]
    while todo:
        parent = todo.pop()
        if parent is not root and isinstance(parent, ast.stmt):
            found.append(parent)
        inner: list[ast.AST] = []
        for holder in (getattr(parent, "handlers", None) or []) + (getattr(parent, "cases", None) or []):
            parents[holder] = parent
            inner.append(holder)
        for name in ("body", "orelse", "finalbody"):
            for node in getattr(parent, name, None) or ():
                if isinstance(node, ast.stmt):
                    parents[node] = parent
                    inner.append(node)
        todo.extend(reversed(inner))
    return found


def _parents(root: ast.AST) -> dict[ast.AST, ast.AST]:
    parents = {}
    todo = [root]
    while todo:
        node = todo.pop()
        for child in children(node):
            parents[child] = node
            todo.append(child)
    return parents


def _async_functions(tree: ast.Module) -> list[tuple[ast.AsyncFunctionDef, str | None, ast.AST]]:
    """Every async def in the file in source order, with the class it is a method of (if directly
    in one) and its parent node. Functions only live in statements, so expressions are never
    visited; a loop over a stack, as for :func:`_linked_statements`."""
    found: list[tuple[ast.AsyncFunctionDef, str | None, ast.AST]] = []
    todo = [(node, None, tree) for node in reversed(_blocks_of(tree))]
    while todo:
        node, owner, parent = todo.pop()
        if isinstance(node, ast.AsyncFunctionDef):
            found.append((node, owner, parent))
            inner = None
        elif isinstance(node, ast.ClassDef):
            inner = node.name
        elif isinstance(node, ast.FunctionDef):
            inner = None
        elif isinstance(node, ast.stmt):
            inner = owner
        else:
            continue
        todo.extend((child, inner, node) for child in reversed(_blocks_of(node)))
    return found


def _enclosing_tests(tree: ast.Module, qualified: Callable[[ast.expr], str | None]) -> dict[ast.AsyncFunctionDef, dict[str, T]]:
    """Names an async def inherits as coroutine functions from the tests around it: in a
    middleware factory, ``if iscoroutinefunction(get_response): async def middleware(request): ...``
    (or the async def after ``if not iscoroutinefunction(get_response): ... return``) calls a
    coroutine function when it calls ``get_response``. A def's own parameters shadow what it inherits."""
    found: dict[ast.AsyncFunctionDef, dict[str, T]] = {}
    todo: list[tuple[list[ast.stmt], dict[str, T]]] = [(tree.body, {})]
    while todo:
        statements, known = todo.pop()
        for statement in statements:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                arguments = statement.args
                shadowed = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                                            arguments.vararg, arguments.kwarg) if a}
                inner = {name: value for name, value in known.items() if name not in shadowed and "." not in name}
                if isinstance(statement, ast.AsyncFunctionDef) and inner:
                    found[statement] = inner
                todo.append((statement.body, inner))
            elif isinstance(statement, ast.If):
                narrowed = _narrowed_by_test(statement.test, qualified)
                body = {**known, **narrowed[0]} if narrowed else known
                orelse = {**known, **narrowed[1]} if len(narrowed) > 1 else known
                todo.append((statement.body, body))
                todo.append((statement.orelse, orelse))
                if not falls_through(statement.body) and falls_through(statement.orelse):
                    known = orelse  # the rest of the block runs only when the test failed
                elif not falls_through(statement.orelse) and falls_through(statement.body) and statement.orelse:
                    known = body
            elif not isinstance(statement, ast.ClassDef):  # a class body's methods take their own arguments
                for block in _blocks_of(statement):
                    todo.append(([block], known))
    return found


def _blocks_of(node: ast.AST) -> list[ast.AST]:
    """The statements of every block directly in ``node``: body, else, finally, handlers, cases."""
    found = []
    for name in ("body", "orelse", "finalbody"):
        found += getattr(node, name, None) or []
    for holder in (getattr(node, "handlers", None) or []) + (getattr(node, "cases", None) or []):
        found += holder.body
    return found


def noqa_comment(text: str) -> re.Match | None:
    """The ``# noqa`` or ``# noqa: CODES`` in a comment or line (group ``codes``: the codes, if any)."""
    return _NOQA.search(text)


def noqa_lines(source: str) -> dict[int, set[str] | None]:
    """line -> suppressed codes (None: every code)."""
    out: dict[int, set[str] | None] = {}
    if "noqa" not in source:
        return out
    for number, line in enumerate(source_lines(source), 1):
        if "#" in line:
            match = _NOQA.search(line)
            if match:
                codes = match.group("codes")
                out[number] = None if not codes else {c.upper() for c in re.split(r"[\s,]+", codes) if c}
    return out


def _nested_functions(function: ast.AST) -> tuple[dict[str, ast.FunctionDef], set[str]]:
    """Sync functions defined directly in an async function's body (at any block depth), and the
    names its statements assign: a local name (``fetch = sync_to_async(fetch)``) hides the
    module's function of that name in the whole body, as a parameter does. Definitions and assignments are statements,
    so expressions are not visited."""
    found: dict[str, ast.FunctionDef] = {}
    assigned: set[str] = set()
    _collect_nested_functions(function.body, found, assigned)
    return found, assigned


def _collect_nested_functions(block: list[ast.stmt], found: dict[str, ast.FunctionDef], assigned: set[str]) -> None:
    for node in block:
        if isinstance(node, ast.FunctionDef):
            found[node.name] = node
        elif isinstance(node, ast.Assign):
            assigned.update(target.id for target in node.targets if type(target) is ast.Name)
        elif not isinstance(node, (ast.AsyncFunctionDef, ast.ClassDef)):
            for name in ("body", "orelse", "finalbody"):
                _collect_nested_functions(getattr(node, name, None) or [], found, assigned)
            for holder in (getattr(node, "handlers", None) or []) + (getattr(node, "cases", None) or []):
                _collect_nested_functions(holder.body, found, assigned)


def _check_helper_call(node: ast.Call, ctx: RuleContext, enabled: dict[str, Rule], nested: dict[str, ast.FunctionDef],
                       local_names: frozenset[str]) -> None:
    """A direct call from async code to a sync project function that queries, blocks or loads lazily."""
    if type(node.func) is ast.Name and node.func.id in local_names and node.func.id not in nested:
        return  # a parameter or local variable, not the module's function
    project = ctx.file.project
    receiver, arg_types = call_types(node, ctx)
    if ctx.class_name is not None and type(node.func) is ast.Attribute and type(node.func.value) is ast.Name and node.func.value.id == "self":
        _check_overrides(node, ctx, enabled, arg_types)
    if isinstance(node.func, ast.Name) and node.func.id in nested:
        module = project.module(ctx.file.module_name)
        if module is None:
            return
        helper = nested[node.func.id]
        summary = project.summary(module, f"{ctx.function.name}.<locals>.{node.func.id}", helper,
                                  bind_arguments(helper, arg_types, None, False))
    else:
        found = project.call_summary(ctx.file, node, ctx.class_name, receiver, arg_types)
        summary = found[1] if found else None
    if summary is None and isinstance(node.func, ast.Name) and node.func.id in _CONVERSIONS and len(node.args) == 1 and not node.keywords:
        if ctx.qualified(node.func) == node.func.id and node.func.id not in ctx.typer.env:  # the builtin
            _check_conversion(node, node.args[0], _CONVERSIONS[node.func.id], ctx, enabled)
        return
    if summary is None and node.args and ctx.qualified(node.func) in _URL_OF_INSTANCE:
        # redirect(order) / resolve_url(order): Django calls the model's get_absolute_url() here
        _check_conversion(node, node.args[0], "get_absolute_url", ctx, enabled,
                          "load what `get_absolute_url` reads in the query (`select_related(...)`), or redirect to a URL built from ids")
        return
    if summary is None and isinstance(node.func, ast.Name) and node.func.id[:1].isupper() and node.func.id not in ctx.typer.env:
        summary = project.init_summary(ctx.file, node, arg_types)  # OrderForm(request.POST): its __init__
        if summary is not None:
            _report_effects(node, summary.effects, ctx, enabled, f"build `{node.func.id}` in a sync function run with `sync_to_async`")
        return
    if summary is None or summary.is_coroutine:
        return
    name = ctx.source(node.func, 40)
    _report_effects(node, summary.effects, ctx, enabled, f"call it with `await sync_to_async({name})(...)`, or make it async and await it",
                    fixes.offloaded_call(node, ctx))


def _check_overrides(node: ast.Call, ctx: RuleContext, enabled: dict[str, Rule], arg_types: tuple) -> None:
    """``self.hook()`` in an async method of a base class, for each project subclass that runs
    this method (it does not define its own) and overrides ``hook``: the override is what runs.
    A sync override that queries or blocks does it on the event loop; an ``async def`` override
    called without ``await`` makes a coroutine nobody awaits."""
    project = ctx.file.project
    module = project.module(ctx.file.module_name) if ctx.file.module_name else None
    base = module.classes.get(ctx.class_name) if module is not None else None
    if base is None or ctx.parents.get(ctx.function) is not base:
        return  # a class nested in a function, or one the module rebinds
    hook = node.func.attr
    entry = f"{ctx.class_name}.{ctx.function.name}"
    own = project.resolve_method(module, ctx.class_name, hook)
    own = (own[0].name, own[1]) if own else None
    reported = {finding.code for finding in ctx.findings if (finding.line, finding.column) == (node.lineno, node.col_offset + 1)}
    for subclass_module, subclass in project.overriding_subclasses(module, ctx.class_name, hook):
        runs = project.resolve_method(subclass_module, subclass, ctx.function.name)
        if runs is None or (runs[0].name, runs[1]) != (module.name, entry):
            continue  # the subclass has its own method: this one never runs for it
        found = project.resolve_method(subclass_module, subclass, hook)
        if found is None or (found[0].name, found[1]) == own:
            continue  # not overridden below the base
        override_module, qualname, override = found
        where = f"{Path(override_module.path).name}:{override.lineno}"
        for_whom = "" if qualname.partition(".")[0] == subclass else f" for `{subclass}`"
        if isinstance(override, ast.AsyncFunctionDef):
            if "DJA101" in enabled and "DJA101" not in reported and _unawaited_override(node, ctx):
                reported.add("DJA101")
                ctx.report(node, f"coroutine `{ctx.source(node, 50)}` is never awaited: it runs the `async def` override "
                                 f"`{qualname}` ({where}){for_whom}", f"await it (and make every `{hook}` of the hierarchy `async def`), "
                                 f"or make `{qualname}` a plain `def`", rule=enabled["DJA101"])
            continue
        summary = project.summary(override_module, qualname, override, bind_arguments(override, arg_types, None, True))
        if summary is None or summary.is_coroutine:
            continue
        fresh = [effect for effect in summary.effects if effect.finding.code not in reported]
        if fresh:
            _report_effects(node, fresh, ctx, enabled,
                            f"call it with `await sync_to_async(self.{hook})(...)`, or make every `{hook}` of the hierarchy async and await it",
                            via=f" (the override `{qualname}`, {where}{for_whom})")
            reported.update(effect.finding.code for effect in fresh)


def _unawaited_override(node: ast.Call, ctx: RuleContext) -> bool:
    """The call's result is not awaited, and the method does not test it for an awaitable
    (``if inspect.isawaitable(result): result = await result``)."""
    if isinstance(ctx.parent(node), ast.Await):
        return False
    return not any(isinstance(name, (ast.Name, ast.Attribute)) and (name.id if isinstance(name, ast.Name) else name.attr) in _AWAITABLE_TESTS
                   for name in ast.walk(ctx.function))


_AWAITABLE_TESTS = {"isawaitable", "iscoroutine", "iscoroutinefunction", "is_async_callable"}
_CONVERSIONS = {"str": "__str__", "repr": "__repr__"}
_URL_OF_INSTANCE = frozenset({"django.shortcuts.redirect", "django.shortcuts.resolve_url"})


def _check_formatted(node: ast.FormattedValue, ctx: RuleContext, enabled: dict[str, Rule]) -> None:
    """``f"{order}"`` runs the model's ``__str__`` (``f"{order!r}"`` its ``__repr__``)."""
    if node.format_spec is None:
        _check_conversion(node.value, node.value, "__repr__" if node.conversion == ord("r") else "__str__", ctx, enabled)


def _check_text(node: ast.Call | ast.BinOp, ctx: RuleContext, enabled: dict[str, Rule]) -> None:
    """``"%s" % order``, ``"{}".format(order)``, ``print(order)`` and ``logger.info("%s", order)``
    turn a model instance into text too."""
    for value, method in formatting.eager(node, ctx.qualified):
        _check_conversion(node, value, method, ctx, enabled)
    if type(node) is ast.Call:
        for value, method in formatting.logged(node, ctx.qualified, ctx.file.module_values):
            text = ctx.source(value, 30)
            _check_conversion(node, value, method, ctx, enabled, hint=(
                f"the logging module formats `{text}` when a handler emits the record, still on the event loop, and reports the "
                f"SynchronousOnlyOperation as `--- Logging error ---` instead of the line: log `{text}.pk` (or fields already "
                f"loaded), or load what `{method}` reads in the query (`select_related(...)`)"))


def _check_conversion(node: ast.AST, value: ast.expr, method: str, ctx: RuleContext, enabled: dict[str, Rule],
                      hint: str | None = None) -> None:
    """A model instance turned into text: its ``__str__`` / ``__repr__`` runs here, with what the
    instance's query loaded, so a relation it reads may load lazily. Django's ``Model.__repr__``
    is ``<Order: {str(self)}>``: without a ``__repr__`` of the project's own, ``repr()`` runs ``__str__``."""
    receiver = ctx.type_of(value)
    if receiver is None or receiver.kind != ty.INSTANCE:
        return
    summary = ctx.file.project.conversion_summary(receiver, method)
    if summary is None and method == "__repr__":
        method = "__str__"
        summary = ctx.file.project.conversion_summary(receiver, method)
    if summary is not None:
        _report_effects(node, summary.effects, ctx, enabled, hint or
                        f"load what `{method}` reads in the query (`select_related(...)`), or format it in a sync function run with `sync_to_async`")


def _check_property(node: ast.Attribute, ctx: RuleContext, enabled: dict[str, Rule]) -> None:
    """``order.total`` where the model's ``total`` (or a project class's property, as in
    ``OrderSerializer(order).data``) is a property that queries."""
    if not isinstance(node.ctx, ast.Load):
        return
    parent = ctx.parent(node)
    if isinstance(parent, ast.Call) and parent.func is node:
        return  # a method call: _check_helper_call follows it
    receiver = ctx.type_of(node.value)
    if receiver is None or not (receiver.kind == ty.INSTANCE or receiver.kind == ty.OBJECT and "." in receiver.cls):
        return
    summary = ctx.file.project.property_summary(receiver, node.attr)
    if summary is not None:
        _report_effects(node, summary.effects, ctx, enabled,
                        f"read it in a sync function run with `sync_to_async`, or load what `{node.attr}` needs in the query")


def _report_effects(node: ast.AST, effects, ctx: RuleContext, enabled: dict[str, Rule], hint: str, fix: Fix | None = None,
                    via: str = "") -> None:
    """One finding per kind of problem the called code has; ``via``: what the call runs, when not
    what it names (an override in a subclass)."""
    by_code: dict[str, list] = {}
    for effect in effects:
        if effect.finding.code in enabled:
            by_code.setdefault(effect.finding.code, []).append(effect)
    for code, same_kind in sorted(by_code.items()):  # one finding per kind of problem the helper has
        effect = same_kind[0]
        where = f"{Path(effect.finding.path).name}:{effect.finding.line}"
        chain = f"`{ctx.source(node, 50)}`{via}" + "".join(f" -> `{text}`" for text in effect.chain)
        more = f" (and {len(same_kind) - 1} more)" if len(same_kind) > 1 else ""
        ctx.report(node, f"{chain} -> {effect.finding.message} ({where}){more}", hint, rule=enabled[code], fix=fix)


def call_types(node: ast.Call, ctx: RuleContext) -> tuple[T | None, tuple]:
    """The receiver's type and the argument types of a call, as a helper summary needs them."""
    receiver = ctx.type_of(node.func.value) if isinstance(node.func, ast.Attribute) else None
    return receiver, argument_types(node, ctx.type_of)


def _typer_for(file: FileContext, function: ast.AsyncFunctionDef | ast.FunctionDef, class_name: str | None, env: dict | None = None,
               by_name: bool = True, handler: tuple | None = None, local_names: frozenset[str] = frozenset()) -> Typer:
    """The typing of one function's body: its request parameter (by name too, unless ``by_name``
    is False: a helper gets only what its caller passes), parameters annotated with a model type,
    and the argument types its caller knows (``env``), which win. An async function (``handler``:
    its parent node and whether the file reads a user) has its request's user loaded when the
    framework or a decorator loaded it first."""
    is_method = class_name is not None
    start = parameter_types(function, is_method, by_name) if handler is None else _handler_types(file, function, class_name, *handler)
    typer = Typer(file, start, class_name, none_default_parameters(function), local_names)
    annotated = typer.annotated_parameters(function, is_method) if _has_annotations(function) else {}
    if annotated or env:
        typer.env.update({**annotated, **typer.env, **(env or {})})
    return typer


def _has_annotations(function: ast.AsyncFunctionDef | ast.FunctionDef) -> bool:
    args = function.args
    return any(arg.annotation is not None for arg in args.posonlyargs + args.args + args.kwonlyargs)


def summarize_sync_body(file: FileContext, function: ast.FunctionDef, class_name: str | None, rules: list[Rule], env: dict | None = None):
    """What ``rules`` would report if ``function``'s body ran in async context (with ``env``, the
    argument types its caller knows), the types it returns, and the calls it makes (each with
    its text, its receiver's type, its arguments' types and its own type)."""
    dispatcher = _Dispatcher(rules)
    ctx = RuleContext(file)
    ctx.function = function
    ctx.class_name = class_name
    ctx.typer = _typer_for(file, function, class_name, env, by_name=False)
    returns: list[T | None] = []
    calls: list[tuple] = []

    def record_call(node: ast.Call, c: RuleContext) -> None:
        calls.append((node, c.source(node, 50), *call_types(node, c), c.type_of(node)))

    dispatcher.async_visitors.setdefault(ast.Return, []).append((None, lambda node, c: returns.append(c.type_of(node.value) if node.value else None)))
    dispatcher.async_visitors.setdefault(ast.Call, []).append((None, record_call))
    if rules and file.project is not None:  # the helper turns an instance into text: its model's __str__ runs
        enabled = {rule.code: rule for rule in rules}
        text_hook = (None, partial(_check_text, enabled=enabled))
        dispatcher.async_visitors[ast.Call] += [text_hook, (None, partial(_check_builtin_text, enabled=enabled))]
        dispatcher.async_visitors.setdefault(ast.BinOp, []).append(text_hook)
        dispatcher.async_visitors.setdefault(ast.FormattedValue, []).append((None, partial(_check_formatted, enabled=enabled)))
    AsyncWalker(dispatcher, ctx).body(function.body)
    return ctx.findings, returns, calls


def _check_builtin_text(node: ast.Call, ctx: RuleContext, enabled: dict[str, Rule]) -> None:
    """``str(order)`` / ``repr(order)`` with the builtins."""
    func = node.func
    if (type(func) is ast.Name and func.id in _CONVERSIONS and len(node.args) == 1 and not node.keywords
            and ctx.qualified(func) == func.id and func.id not in ctx.typer.env):
        _check_conversion(node, node.args[0], _CONVERSIONS[func.id], ctx, enabled)


def _handler_types(file: FileContext, function: ast.AsyncFunctionDef, owner: str | None, parent: ast.AST, reads_user: bool) -> dict[str, T]:
    """The parameters' types, with ``request.user`` loaded when the framework or a decorator
    loaded it before the handler runs (verify.analysis.request_user)."""
    env = parameter_types(function, is_method=owner is not None)
    if reads_user and (function.decorator_list or owner is not None) and request_user.loaded_before(file, function, parent):
        env = {name: with_loaded_user(value) if value.kind == ty.REQUEST else value for name, value in env.items()}
        if owner is not None:
            env[SELF_REQUEST] = with_loaded_user(T(ty.REQUEST))
    return env


def check_tree(file: FileContext, rules: list[Rule]) -> list[Finding]:
    rules = [rule for rule in rules if not rule.triggers or any(t in file.source for t in rule.triggers)]
    dispatcher = _Dispatcher(rules)
    ctx = RuleContext(file)
    enabled = {rule.code: rule for rule in rules}
    has_async = "async def" in file.source
    if dispatcher.module_visitors and has_async:
        # Statement-only visitors need no walk over expressions (most of a file's nodes).
        statements_only = all(issubclass(t, ast.stmt) for t in dispatcher.module_visitors)
        nodes = _linked_statements(file.tree, ctx.parents) if statements_only else walk(file.tree)
        for node in nodes:
            dispatcher.dispatch(dispatcher.module_visitors, node, ctx)
        ctx.function = None
    if dispatcher.async_visitors and has_async:
        reads_user = ".user" in file.source
        inherited = _enclosing_tests(file.tree, ctx.qualified) if "coroutine" in file.source or "is_async" in file.source else {}
        for function, owner, parent in _async_functions(file.tree):
            ctx.parents[function] = parent
            ctx.function = function
            ctx.class_name = owner
            nested, assigned = _nested_functions(function)
            arguments = function.args
            local_names = frozenset(assigned.union(argument.arg for argument in (
                *arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg) if argument))
            # (a nested def hides a module function of its name too)
            ctx.typer = _typer_for(file, function, owner, handler=(parent, reads_user), local_names=local_names.union(nested))
            for name, value in inherited.get(function, {}).items():
                if name not in local_names:
                    ctx.typer.env.setdefault(name, value)
            walker = AsyncWalker(dispatcher, ctx)
            dispatcher.dispatch(dispatcher.async_visitors, function, ctx)
            if file.project is not None:
                hook = (None, partial(_check_helper_call, enabled=enabled, nested=nested, local_names=local_names))
                property_hook = (None, partial(_check_property, enabled=enabled))
                format_hook = (None, partial(_check_formatted, enabled=enabled))
                text_hook = (None, partial(_check_text, enabled=enabled))
                dispatcher.async_visitors.setdefault(ast.Call, []).append(hook)
                dispatcher.async_visitors[ast.Call].append(text_hook)
                dispatcher.async_visitors.setdefault(ast.BinOp, []).append(text_hook)
                dispatcher.async_visitors.setdefault(ast.Attribute, []).append(property_hook)
                dispatcher.async_visitors.setdefault(ast.FormattedValue, []).append(format_hook)
                walker.body(function.body)
                dispatcher.async_visitors[ast.Call].remove(hook)
                dispatcher.async_visitors[ast.Call].remove(text_hook)
                dispatcher.async_visitors[ast.BinOp].remove(text_hook)
                dispatcher.async_visitors[ast.Attribute].remove(property_hook)
                dispatcher.async_visitors[ast.FormattedValue].remove(format_hook)
            else:
                walker.body(function.body)
    suppressed = noqa_lines(file.source)
    findings = []
    for finding in ctx.findings:
        codes = suppressed.get(finding.line, set())
        if codes is None or finding.code in codes:
            continue
        findings.append(finding)
    return sorted(set(findings))
