"""What reading a project serializer's ``.data`` or calling its ``.is_valid()`` does in async
code, as findings of the rules whose problem it is: a relation the instance's query did not load
(DJA106), a QuerySet or to-many relation listed (DJA103), a lookup or unique check while
validating (DJA102), and what a ``SerializerMethodField`` method does (its own codes). The rules
ask for their own code's share; the analysis runs once per node."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from verify.analysis import drf_serializers
from verify.analysis import types as ty
from verify.analysis.arguments import bind_arguments


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    hint: str


def problems(node: ast.Attribute | ast.Call, ctx, code: str) -> list[Problem]:
    """The problems of ``node`` (``serializer.data`` or ``serializer.is_valid(...)``) reported as ``code``."""
    cache = ctx.file.options.setdefault("_serializer_problems", {})
    if node not in cache:
        cache[node] = _data(node, ctx) if isinstance(node, ast.Attribute) else _is_valid(node, ctx)
    return [problem for problem in cache[node] if problem.code == code]


def _serializer(expr: ast.expr, ctx) -> ty.T | None:
    receiver = ctx.type_of(expr)
    if receiver is None or receiver.kind != ty.OBJECT or "arguments" not in receiver.extra or ctx.file.project is None:
        return None
    return receiver


def _instance_argument(receiver: ty.T) -> ty.T | None:
    """The instance the serializer represents; None when it was given data too (after
    ``save()`` its relations are the objects validation looked up, not what a query left out)."""
    positional, keywords = receiver.extra["arguments"]
    keywords = dict(keywords)
    if len(positional) > 1 or "data" in keywords:
        return None
    return positional[0] if positional else keywords.get("instance")


def _missing(read: drf_serializers.Read, instance: ty.T) -> bool:
    return read.path not in instance.loaded and not (read.star_loaded and "*" in instance.loaded)


def _data(node: ast.Attribute, ctx) -> list[Problem]:
    if node.attr != "data" or not isinstance(node.ctx, ast.Load):
        return []
    receiver = _serializer(node.value, ctx)
    given = _instance_argument(receiver) if receiver is not None else None
    if given is None:
        return []
    many = receiver.extra.get("many")
    evaluates = many and given.is_lazy and not given.extra.get("prefetched") and not given.extra.get("evaluated")
    instance = given.element() if many else given
    if instance is None or instance.kind != ty.INSTANCE:
        return []
    shape = drf_serializers.shape(ctx.file.project, receiver.cls, instance.model)
    if shape is None:
        return []
    text, name = ctx.source(node, 50), ctx.source(node.value, 40)
    adata = f"`await {name}.adata`" if shape.adrf else f"build it on adrf's serializers and `await {name}.adata`"
    way_out = f"or {adata}, or serialize in a sync function run with `sync_to_async`"
    missing = [] if ty.UNKNOWN_LOADS in instance.loaded else [read for read in shape.reads if _missing(read, instance)]
    found = []
    to_one = [read for read in missing if not read.many]
    if to_one:
        paths = ", ".join(f'"{read.path}"' for read in to_one)
        found.append(Problem("DJA106", f"`{text}` reads {_listed(to_one)}, not loaded by the query: a lazy load on the event loop "
                             "(raises SynchronousOnlyOperation)", f"add `select_related({paths})` to the query, {way_out}"))
    to_many = [read for read in missing if read.many]
    if to_many or evaluates:
        deepest = [read.path for read in to_many if not any(other.path.startswith(read.path + "__") for other in to_many)]
        what = " and ".join(filter(None, (f"evaluates the QuerySet `{given.origin or name}` (`many=True`)" if evaluates else "",
                                          f"lists {_listed(to_many)}, not prefetched" if to_many else "")))
        how = "; ".join(filter(None, ("build the list first (`[obj async for obj in qs]`)" if evaluates else "",
                                      "add `prefetch_related(" + ", ".join(f'"{p}"' for p in deepest) + ")` to the query" if deepest else "")))
        found.append(Problem("DJA103", f"`{text}` {what} synchronously in async code: a query on the event loop (raises SynchronousOnlyOperation)",
                             f"{how}, {way_out}"))
    for method in shape.methods:
        found.extend(_method_effects(node, method, instance, ctx))
    return found


def _listed(reads: list) -> str:
    shown = ", ".join(f"`{read.path}`" for read in reads[:4]) + (f" and {len(reads) - 4} more" if len(reads) > 4 else "")
    return f"relation{'s' if len(reads) > 1 else ''} {shown}"


def _method_effects(node: ast.Attribute, method, instance: ty.T, ctx) -> list[Problem]:
    """A ``SerializerMethodField``: ``get_<field>(obj)`` runs with the instance the caller loaded."""
    summary = ctx.file.project.summary(method.module, method.qualname, method.node,
                                       bind_arguments(method.node, ((instance,), ()), None, True))
    if summary is None or summary.is_coroutine:
        return []
    found, codes = [], set()
    for effect in summary.effects:
        if effect.finding.code in codes:
            continue
        codes.add(effect.finding.code)
        where = f"{Path(effect.finding.path).name}:{effect.finding.line}"
        chain = " -> ".join(f"`{text}`" for text in (ctx.source(node, 50), f"{method.qualname}(obj)", *effect.chain))
        found.append(Problem(effect.finding.code, f"{chain} -> {effect.finding.message} ({where})",
                             f"load what `{method.qualname}` reads in the query, or serialize in a sync function run with `sync_to_async`"))
    return found


def _is_valid(node: ast.Call, ctx) -> list[Problem]:
    """``serializer.is_valid()`` on data, when a writable field looks an object up or checks a unique field."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == "is_valid"):
        return []
    receiver = _serializer(func.value, ctx)
    if receiver is None:
        return []
    positional, keywords = receiver.extra["arguments"]
    if len(positional) < 2 and "data" not in dict(keywords):
        return []  # no data: is_valid() fails its assertion before validating anything
    lookups = drf_serializers.validation_lookups(ctx.file.project, receiver.cls)
    if not lookups:
        return []
    name = ctx.source(func.value, 40)
    fields = ", ".join(f"`{field}`" for field in lookups[:4]) + (f" and {len(lookups) - 4} more" if len(lookups) > 4 else "")
    return [Problem("DJA102", f"`{ctx.source(node, 50)}` validates {fields} with database queries (related-object lookups, unique "
                    "checks) in async code (raises SynchronousOnlyOperation)", f"call it with `await sync_to_async({name}.is_valid)(...)`")]


def report(node: ast.AST, ctx) -> None:
    """The visitor the rules share: the current rule's share of the node's problems."""
    for problem in problems(node, ctx, ctx.rule.code):
        ctx.report(node, problem.message, problem.hint)
