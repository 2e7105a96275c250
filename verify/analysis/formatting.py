"""Where async code turns a value into text without naming ``str()``: ``%`` formatting,
``str.format()``, ``print()``, and the arguments of a logging call, which the logging module
formats later, when a handler emits the record.

Each place is a value and the method that runs on it: ``__str__`` (``%s``, ``{}``) or
``__repr__`` (``%r``, ``{!r}``).
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Callable

# A printf-style conversion: `%s`, `%(name)s`, `%-10r`, `%%`.
_PRINTF = re.compile(r"%(?:\((?P<key>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[a-zA-Z%])")
# Logger methods whose message is a %-format of the arguments after it. `debug` is left alone:
# debug records are usually dropped before they are formatted.
_LOG_LEVELS = frozenset({"info", "warning", "warn", "error", "exception", "critical", "fatal"})
_LOGGER_FACTORIES = frozenset({"logging.getLogger", "logging.getLoggerClass"})


def _printf_methods(text: str) -> list[str] | dict[str, str] | None:
    """The method each conversion of a %-format runs, by position (or by key for ``%(name)s``);
    None when a ``*`` width takes an argument too (positions are not known)."""
    methods: list[str] = []
    keyed: dict[str, str] = {}
    for match in _PRINTF.finditer(text):
        kind = match["type"]
        if kind == "%":
            continue
        if "*" in match.group(0):
            return None
        method = "__repr__" if kind in "ra" else "__str__" if kind == "s" else ""
        if match["key"] is not None:
            keyed[match["key"]] = method
        else:
            methods.append(method)
    return keyed if keyed and not methods else methods


def _printf_values(template: ast.expr, values: list[ast.expr] | ast.expr) -> list[tuple[ast.expr, str]]:
    """``template % values``: each value a ``%s`` or ``%r`` turns into text."""
    if not (isinstance(template, ast.Constant) and isinstance(template.value, str)):
        return []
    methods = _printf_methods(template.value)
    if methods is None:
        return []
    if isinstance(methods, dict):  # "%(order)s" % {"order": order}
        if not isinstance(values, ast.Dict):
            return []
        return [(value, methods[key.value]) for key, value in zip(values.keys, values.values)
                if isinstance(key, ast.Constant) and methods.get(key.value)]
    if isinstance(values, ast.expr):
        values = values.elts if isinstance(values, ast.Tuple) else [values]
    if any(isinstance(value, ast.Starred) for value in values):
        return []
    return [(value, method) for value, method in zip(values, methods) if method]


def _format_values(template: str, args: list[ast.expr], keywords: list[ast.keyword]) -> list[tuple[ast.expr, str]]:
    """``template.format(...)``: each argument a replacement field with no format spec turns into
    text (``{}``, ``{0}``, ``{name}``, ``{!r}``). A field with a spec (``{:>10}``) would raise
    TypeError on a model instance, and attribute or item lookups (``{0.name}``) read something else."""
    try:
        fields = [(name, spec, conversion) for _text, name, spec, conversion in string.Formatter().parse(template) if name is not None]
    except ValueError:
        return []
    if any(isinstance(arg, ast.Starred) for arg in args) or any(k.arg is None for k in keywords):
        return []
    by_keyword = {k.arg: k.value for k in keywords}
    found = []
    automatic = 0
    for name, spec, conversion in fields:
        if spec or conversion not in (None, "s", "r"):
            if name == "":
                automatic += 1
            continue
        if name == "":
            value = args[automatic] if automatic < len(args) else None
            automatic += 1
        elif name.isdigit():
            value = args[int(name)] if int(name) < len(args) else None
        else:
            value = by_keyword.get(name)
        if value is not None:
            found.append((value, "__repr__" if conversion == "r" else "__str__"))
    return found


def _is_logger(receiver: ast.expr, qualified: Callable[[ast.expr], str | None], module_values: dict[str, ast.expr]) -> bool:
    """``logging`` itself, or a module-level ``logger = logging.getLogger(...)``."""
    if qualified(receiver) == "logging":
        return True
    value = module_values.get(receiver.id) if isinstance(receiver, ast.Name) else None
    return isinstance(value, ast.Call) and qualified(value.func) in _LOGGER_FACTORIES


def eager(node: ast.AST, qualified: Callable[[ast.expr], str | None]) -> list[tuple[ast.expr, str]]:
    """Values turned into text where ``node`` runs: ``"%s" % order``, ``"{}".format(order)``,
    ``print(order)``."""
    if isinstance(node, ast.BinOp):
        return _printf_values(node.left, node.right) if isinstance(node.op, ast.Mod) else []
    if not isinstance(node, ast.Call):
        return []
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr == "format" and isinstance(func.value, ast.Constant) and isinstance(func.value.value, str):
        return _format_values(func.value.value, node.args, node.keywords)
    if isinstance(func, ast.Name) and func.id == "print" and qualified(func) == "print":
        return [(arg, "__str__") for arg in node.args if not isinstance(arg, ast.Starred)]
    return []


def logged(node: ast.Call, qualified: Callable[[ast.expr], str | None], module_values: dict[str, ast.expr]) -> list[tuple[ast.expr, str]]:
    """Arguments of ``logger.info("... %s", order)`` that the record's message formats when a
    handler emits it."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr in _LOG_LEVELS and node.args):
        return []
    if not _is_logger(func.value, qualified, module_values):
        return []
    message, *values = node.args
    if len(values) == 1 and isinstance(values[0], ast.Dict):
        return _printf_values(message, values[0])
    return _printf_values(message, values)
