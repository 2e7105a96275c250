"""## What it does
Checks that a view converted from `def` to `async def` answers like the sync version: the same
response classes (`render()` and `TemplateResponse` count as one), status codes, template names,
template context keys and redirect targets.

Refusals (403, login redirect) belong to DJA503 and 404s to DJA504, so they are not repeated here.

## Why is this bad?
Clients, templates and tests rely on these: a context key that is gone renders as an empty
string, a `JsonResponse(status=502)` that became a 500 pages someone at night, a redirect to
another URL breaks a form flow. An AI edit changes them in passing, without saying so.

## Example
```python
# before
def order_confirmation(request, order_id):
    ...
    return render(request, "shop/order_confirmation.html", {"order": order, "payment": payment})

# after the AI edit
async def order_confirmation(request, order_id):
    ...
    return render(request, "shop/order_confirm.html", {"order": order})
```

## Use instead
```python
async def order_confirmation(request, order_id):
    ...
    return render(request, "shop/order_confirmation.html", {"order": order, "payment": payment})
```

## Fix safety
None: the converted view has to get back what its sync version did, which a person writes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

from verify.analysis.finding import Severity
from verify.analysis.registry import Rule
from verify.compare.access import denial
from verify.compare.exceptions import lost_handlers
from verify.compare.functions import Function, FunctionPair
from verify.compare.names import call_name, current_user_names, normalized
from verify.compare.registry import SCOPE, Reporter, compares_functions, header_node

rule = Rule("DJA505", "response-changed", __doc__, scope=SCOPE, severity=Severity.WARNING)

TEMPLATE = "a rendered template"
REDIRECT = "a redirect"
_TEMPLATE_CALLS = {"render", "TemplateResponse", "SimpleTemplateResponse"}
_REDIRECT_CALLS = {"redirect": 302, "HttpResponseRedirect": 302, "HttpResponsePermanentRedirect": 301}
_CLASS_STATUS = {"HttpResponseBadRequest": 400, "HttpResponseForbidden": 403, "HttpResponseNotFound": 404,
                 "HttpResponseNotAllowed": 405, "HttpResponseGone": 410, "HttpResponseServerError": 500,
                 "HttpResponseNotModified": 304}


@dataclass
class Response:
    node: ast.Call
    family: str  # TEMPLATE, REDIRECT or the response class name
    status: int | None  # None: computed at run time
    template: str | None = None
    target: str | None = None  # redirect target, normalized
    context_keys: frozenset[str] | None = None  # None: not known statically


def _status(call: ast.Call, default: int) -> int | None:
    for keyword in call.keywords:
        if keyword.arg == "status":
            value = keyword.value
            return value.value if isinstance(value, ast.Constant) and isinstance(value.value, int) else None
    return default


def _responses(function: Function, nodes: Iterable[ast.AST], skipped: set[int]) -> list[Response]:
    users = current_user_names(function)
    found = []
    for node in nodes:
        if not isinstance(node, ast.Call) or id(node) in skipped:
            continue
        name = call_name(node)
        if name in _TEMPLATE_CALLS:
            template = _argument(node, 1, "template_name")
            context = _argument(node, 2, "context")
            found.append(Response(node, TEMPLATE, _status(node, 200),
                                  template=template.value if isinstance(template, ast.Constant) else None,
                                  context_keys=_context_keys(context, function) if context is not None else frozenset()))
        elif name in _REDIRECT_CALLS:
            permanent = any(k.arg == "permanent" and isinstance(k.value, ast.Constant) and k.value.value for k in node.keywords)
            target = normalized(_url_name(node.args[0]), users) if node.args else None
            found.append(Response(node, REDIRECT, 301 if permanent else _REDIRECT_CALLS[name], target=target))
        elif name.startswith("HttpResponse") or (name.endswith("Response") and name[:1].isupper()):
            found.append(Response(node, name, _status(node, _CLASS_STATUS.get(name, 200))))
    return found


def _url_name(target: ast.expr) -> ast.expr:
    """``redirect("orders")`` and ``HttpResponseRedirect(reverse("orders"))`` go to the same place."""
    if isinstance(target, ast.Call) and call_name(target) in ("reverse", "reverse_lazy", "resolve_url") and target.args:
        return target.args[0]
    return target


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _context_keys(context: ast.expr, function: Function) -> frozenset[str] | None:
    """Keys of a dict literal, or of a local name built from one (plus ``ctx["k"] = ...``); None when unknown."""
    if isinstance(context, ast.Dict):
        return _literal_keys(context)
    if not isinstance(context, ast.Name):
        return None
    keys: set[str] = set()
    for node in function.nodes():
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == context.id for t in node.targets):
            literal = _literal_keys(node.value) if isinstance(node.value, ast.Dict) else None
            if literal is None:
                return None
            keys |= literal
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == context.id \
                and isinstance(node.ctx, ast.Store) and isinstance(node.slice, ast.Constant):
            keys.add(str(node.slice.value))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("update", "setdefault") \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == context.id:
            return None
    return frozenset(keys)


def _literal_keys(literal: ast.Dict) -> frozenset[str] | None:
    if any(not isinstance(key, ast.Constant) for key in literal.keys):  # `**other` or computed keys
        return None
    return frozenset(str(key.value) for key in literal.keys)


def _compared_elsewhere(pair: FunctionPair) -> set[int]:
    """Calls of the old view that DJA503 and DJA504 answer for: those in refusing branches (403,
    login redirect, 404) and in ``except`` clauses the new view lost."""
    inside = set()
    for node in pair.old.nodes():
        if isinstance(node, ast.If) and denial(node.body):
            inside.update(id(child) for statement in node.body for child in ast.walk(statement))
    for handler, _ in lost_handlers(pair):
        inside.update(id(child) for child in ast.walk(handler))
    return inside


@compares_functions(rule)
def check(pair: FunctionPair, reporter: Reporter) -> None:
    old = _responses(pair.old, pair.old.nodes(), _compared_elsewhere(pair))
    new = _responses(pair.new, pair.new.reachable_nodes(), set())
    families = {response.family for response in new}
    where = f"of `{pair.old.qualname}`"

    def report(node: ast.AST, message: str, hint: str) -> None:
        reporter.report(rule, pair.new.file.path, node, message, hint)

    for response in _first_per(old, lambda r: r.family, exclude={r.family for r in new}):
        report(header_node(pair.new.node),
               f"`{pair.old.source(response.node)}` {where} (old line {response.node.lineno}): the async version "
               f"(line {pair.new.line}) never answers with {_family(response.family)}",
               "answer with the same response class as the sync view")
    kept = [response for response in old if response.family in families]
    _compare(kept, new, "status", "status {}", where, pair, report)
    _compare([r for r in kept if r.family == REDIRECT], [r for r in new if r.family == REDIRECT], "target",
             "the redirect to `{}`", where, pair, report)
    _compare([r for r in kept if r.family == TEMPLATE], [r for r in new if r.family == TEMPLATE], "template",
             "the template `{}`", where, pair, report)
    _compare_context(kept, new, pair, report)


def _family(family: str) -> str:
    return family if family in (TEMPLATE, REDIRECT) else f"a `{family}`"


def _first_per(responses: list[Response], key, exclude: set) -> list[Response]:
    firsts: dict = {}
    for response in responses:
        value = key(response)
        if value is not None and value not in exclude:
            firsts.setdefault(value, response)
    return list(firsts.values())


def _compare(old: list[Response], new: list[Response], attribute: str, label: str, where: str, pair: FunctionPair, report) -> None:
    """Values of ``attribute`` the old view answered with that the new one never does."""
    new_values = {getattr(response, attribute) for response in new}
    if None in new_values:
        return  # the new view computes it at run time: no claim
    old_values = {getattr(response, attribute) for response in old}
    for response in _first_per(old, lambda r: getattr(r, attribute), exclude=new_values):
        instead = next((r for r in new if getattr(r, attribute) not in old_values), None)
        if instead is not None:
            message = (f"{label.format(getattr(response, attribute))} {where} (old line {response.node.lineno}) became "
                       f"{label.format(getattr(instead, attribute))} in the async version (line {instead.node.lineno})")
            node = instead.node
        else:
            message = (f"{label.format(getattr(response, attribute))} {where} (old line {response.node.lineno}) is never "
                       f"answered by the async version (line {pair.new.line})")
            node = header_node(pair.new.node)
        report(node, message, f"keep {label.format(getattr(response, attribute))} of the sync view")


def _compare_context(old: list[Response], new: list[Response], pair: FunctionPair, report) -> None:
    for response in old:
        if response.family != TEMPLATE or response.context_keys is None or response.template is None:
            continue
        same = [r for r in new if r.family == TEMPLATE and r.template == response.template]
        if not same or any(r.context_keys is None for r in same):
            continue
        missing = response.context_keys - frozenset().union(*(r.context_keys for r in same))
        if missing:
            names = ", ".join(f"`{key}`" for key in sorted(missing))
            report(same[0].node,
                   f"context key{'s' if len(missing) > 1 else ''} {names} that `{pair.old.qualname}` passed to `{response.template}` "
                   f"(old line {response.node.lineno}) {'are' if len(missing) > 1 else 'is'} missing in the async version "
                   f"(line {same[0].node.lineno})",
                   "pass the template the same context as the sync view did")
