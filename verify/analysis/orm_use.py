"""Does a function use the Django ORM? Decided from its body with the core's typing: a model
manager, QuerySet or related manager anywhere in it, or ``django.db.transaction`` /
``django.db.connection`` calls. Calls to other functions of the same module are followed a
couple of levels deep.
"""

from __future__ import annotations

import ast

from verify.analysis import types as ty
from verify.analysis.context import FileContext
from verify.analysis.inference import Typer, parameter_types

_DB_CALL_PREFIXES = ("django.db.transaction.", "django.db.connection.", "django.db.connections")


def orm_call(function: ast.FunctionDef | ast.AsyncFunctionDef, file: FileContext, depth: int = 2) -> ast.AST | None:
    """The first node in ``function`` that uses the ORM, or None."""
    typer = Typer(file, parameter_types(function, is_method=False))
    local = {node.name: node for node in file.tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for node in ast.walk(function):
        if isinstance(node, (ast.Attribute, ast.Call)):
            found = typer.type_of(node)
            if found is not None and found.kind in ty.LAZY:
                return node
        if isinstance(node, ast.Call):
            qualified = file.qualified(node.func) or ""
            if qualified.startswith(_DB_CALL_PREFIXES):
                return node
            callee = local.get(node.func.id) if isinstance(node.func, ast.Name) else None
            if depth and callee is not None and callee is not function and orm_call(callee, file, depth - 1) is not None:
                return node
    return None
