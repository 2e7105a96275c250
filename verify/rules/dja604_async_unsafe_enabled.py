"""## What it does
Checks for `DJANGO_ALLOW_ASYNC_UNSAFE` set in the project's settings or deployment.

Read: settings modules, `manage.py`, `asgi.py`, `wsgi.py`, `.env` files and deployment files
(Dockerfile, compose, Procfile, systemd units, Kubernetes manifests, entrypoint scripts). An
empty value leaves Django's check on. Tests are left alone.

## Why is this bad?
The variable turns off Django's `SynchronousOnlyOperation` check: sync ORM calls from async code
run on the event loop instead of failing. Every missing `await` and lazy relation in the async
views then blocks all requests on the loop, and database connections are shared unsafely
between coroutines. Any non-empty value enables it, even `"false"`. Django's deploy check
`async.E001` reports it too.

## Example
```text
# Dockerfile
FROM python:3.13-slim
ENV DJANGO_ALLOW_ASYNC_UNSAFE=true
CMD ["uvicorn", "config.asgi:application"]
```

## Use instead
```text
# Dockerfile
FROM python:3.13-slim
CMD ["uvicorn", "config.asgi:application"]
```

## Fix safety
None: settings and deployment files are changed by hand.
"""

import ast
import re

from verify.analysis.lines import source_lines
from verify.analysis.registry import Rule
from verify.project.checks import project_check

rule = Rule("DJA604", "async-unsafe-enabled", __doc__, min_version=(4, 1), scope="project")

_NAME = "DJANGO_ALLOW_ASYNC_UNSAFE"
# NAME=value, NAME: value, ENV NAME value; an empty value ("", '') leaves the check on.
_ASSIGNED = re.compile(rf"""\b{_NAME}\b["']?\s*(?:[=:]\s*|\s+)(?P<value>"[^"]*"|'[^']*'|[^\s#"'\],]+)?""")
_K8S_VALUE = re.compile(r"""^\s*value\s*:\s*(?P<value>"[^"]*"|'[^']*'|\S+)?""")
_ENTRY_POINTS = {"manage.py", "asgi.py", "wsgi.py"}


@project_check(rule)
def check(ctx) -> None:
    seen = set()
    python_files = {path for settings in ctx.settings for path in settings.files}
    python_files |= {path for path in ctx.files.source_files if path.name in _ENTRY_POINTS}
    for path in sorted(python_files):
        for line, column in _python_assignments(ctx.files.tree(path)) if _NAME in ctx.files.text(path) else ():
            _report(ctx, path, line, column, seen)
    for path in ctx.files.env_files + ctx.files.deployment_files:  # gunicorn.conf.py's raw_env too
        lines = source_lines(ctx.files.text(path))
        for number, text in enumerate(lines, 1):
            if _NAME not in text or text.lstrip().startswith("#"):
                continue
            if _enabled(text, lines[number:number + 2]):
                _report(ctx, path, number, text.index(_NAME) + 1, seen)


def _enabled(text: str, following: list[str]) -> bool:
    """The line sets the variable to a non-empty value (a Kubernetes ``name:`` line: the ``value:`` below)."""
    if re.search(rf"name\s*:\s*[\"']?{_NAME}", text):
        for line in following:
            match = _K8S_VALUE.match(line)
            if match:
                return _non_empty(match.group("value"))
        return False
    if re.search(rf"\bunset\s+{_NAME}", text):
        return False
    match = _ASSIGNED.search(text)
    return match is not None and _non_empty(match.group("value"))


def _non_empty(value: str | None) -> bool:
    return bool(value and value.strip("\"'"))


def _python_assignments(tree: ast.Module | None) -> list[tuple[int, int]]:
    """``os.environ["X"] = "1"``, ``os.environ.setdefault("X", "1")``, ``os.putenv("X", "1")``, ``os.environ.update(...)``."""
    found = []
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and _is_name(target.slice) and _truthy(node.value):
                    found.append((target.lineno, target.col_offset + 1))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("setdefault", "putenv") and len(node.args) == 2 and _is_name(node.args[0]) and _truthy(node.args[1]):
                found.append((node.lineno, node.col_offset + 1))
            elif node.func.attr == "update" and (any(k.arg == _NAME and _truthy(k.value) for k in node.keywords) or any(
                    isinstance(arg, ast.Dict) and any(key is not None and _is_name(key) and _truthy(v) for key, v in zip(arg.keys, arg.values))
                    for arg in node.args)):
                found.append((node.lineno, node.col_offset + 1))
    return found


def _is_name(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value == _NAME


def _truthy(node: ast.expr) -> bool:
    """Anything but an empty string literal enables it."""
    return not (isinstance(node, ast.Constant) and node.value in ("", None))


def _report(ctx, path, line: int, column: int, seen: set) -> None:
    if (path, line) in seen:
        return
    seen.add((path, line))
    ctx.report(path, line, column,
               f"`{_NAME}` is set: Django's SynchronousOnlyOperation check is off, so sync ORM calls in async views "
               "block the event loop instead of failing",
               hint="remove it and fix the sync calls it hides (`django-async-kit verify` lists them); any non-empty value, even \"false\", enables it",
               end_column=column + len(_NAME))
