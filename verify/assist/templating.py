"""Jinja2 for the kit's templates and a repository's own cheatsheet: sandboxed, and every failure one line.

A cheatsheet comes from the repository being worked on, which may be a stranger's. Its templates
run in Jinja2's immutable sandbox: no attribute starting with ``_`` (so no way from ``cycler`` to
``os``), no method that changes a list or dict, ranges bounded; ``*`` and ``**`` are bounded here
too, so one expression cannot ask for gigabytes. The kit's own templates use the same
environment, so nothing renders outside the sandbox.
"""

from __future__ import annotations

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

MAX_PRODUCT_ITEMS = 100_000  # ``"x" * n`` and ``[...] * n`` beyond this are refused
MAX_EXPONENT = 1_000


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, with ``*`` and ``**`` bounded as ``range()`` already is."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"exponent {right} is larger than {MAX_EXPONENT}")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if hasattr(sequence, "__len__") and isinstance(count, int) and len(sequence) * count > MAX_PRODUCT_ITEMS:
                    raise SecurityError(f"repeating a sequence to more than {MAX_PRODUCT_ITEMS:,} items")
        return super().call_binop(context, operator, left, right)


def environment(loader, **filters) -> BoundedSandbox:
    """A sandboxed environment for Markdown and YAML text: strict about undefined names, no escaping."""
    sandbox = BoundedSandbox(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # the output is Markdown or YAML for an assistant, not HTML
    )
    del sandbox.globals["lipsum"]  # lipsum(n) writes n paragraphs of filler: nothing a prompt needs
    sandbox.filters.update(filters)
    return sandbox


def failure(error: BaseException) -> tuple[str, int | None]:
    """What went wrong while rendering, in one line, and the line of the outermost template (one
    made with ``from_string``) where it happened, when the traceback tells."""
    if isinstance(error, RecursionError):
        problem = "a partial includes itself, directly or through another (recursion too deep)"
    elif isinstance(error, jinja2.TemplateSyntaxError):
        where = f" in {error.name!r} line {error.lineno}" if error.name else ""
        problem = f"Jinja2: {error.message}{where}"
    elif isinstance(error, jinja2.TemplateError):
        problem = f"Jinja2: {error}"
    else:
        problem = f"{type(error).__name__}: {error}"
    line = None
    traceback = error.__traceback__
    while traceback is not None and line is None:  # the first template frame: the outermost template
        if traceback.tb_frame.f_code.co_filename == "<template>":
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return " ".join(problem.split()), line
