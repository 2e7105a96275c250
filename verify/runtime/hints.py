"""Map a runtime violation to the static rule that would have caught it, and to its fix.

The fix text comes from the rule registry (the rule's summary and ``## Use instead`` section), so
the static checker and the runtime plugin never give two different answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from verify.runtime.detector import BLOCKING, LibraryFrame, Violation

# (file marker, function names or None for any, code). For SynchronousOnlyOperation the first
# marker found anywhere under the project's line wins, so the more specific ones come first
# (a lazy relation read by a template is DJA106, not DJA201).
_SYNC_ONLY_MARKERS = (
    ("/django/contrib/auth/middleware.py", {"get_user"}, "DJA107"),  # request.user's lazy loader
    ("/django/contrib/auth/", None, "DJA112"),
    ("/django/contrib/sessions/", None, "DJA108"),
    ("/django/db/transaction.py", None, "DJA109"),
    ("/django/shortcuts.py", {"get_object_or_404", "get_list_or_404"}, "DJA110"),
    ("/django/core/paginator.py", None, "DJA111"),
    ("/django/tasks/", None, "DJA113"),
    ("/django/db/models/fields/related_descriptors.py", None, "DJA106"),
    ("/django/db/models/query_utils.py", {"__get__"}, "DJA106"),  # DeferredAttribute: only()/defer()
    ("/django/template/", None, "DJA201"),
)
# For blocking calls, the library the project called wins: the outermost frame with a marker
# (`cache.get` is DJA307 though redis sends the bytes, a Stripe call DJA309 though it uses requests),
# among the frames that made the call synchronously: an awaited `httpx.AsyncClient.get` whose
# logging wrote to a file is no sync HTTP call (see `_blocking_chain`).
_BLOCKING_MARKERS = (
    ("/subprocess.py", None, "DJA304"),
    ("/smtplib.py", None, "DJA306"),
    ("/django/core/mail/", None, "DJA306"),
    ("/django/core/cache/", None, "DJA307"),
    ("/requests/", None, "DJA301"),
    ("/urllib3/", None, "DJA301"),
    ("/urllib/request.py", None, "DJA301"),
    ("/http/client.py", None, "DJA301"),
    ("/httpx/", None, "DJA301"),
    ("/httpx2/", None, "DJA301"),
    ("/redis/", None, "DJA309"),
    ("/psycopg/", None, "DJA309"),
    ("/psycopg2/", None, "DJA309"),
    ("/pymongo/", None, "DJA309"),
    ("/botocore/", None, "DJA309"),
    ("/pymysql/", None, "DJA309"),
    ("/stripe/", None, "DJA309"),
)
_BLOCKING_BY_FUNCTION = (
    ("time.sleep", "DJA302"),
    ("builtins.input", "DJA310"),
    ("sqlite3.", "DJA309"),
    ("socket.", "DJA305"),
    ("ssl.", "DJA305"),
    ("os.", "DJA303"),
    ("io.", "DJA303"),
)
# QuerySet methods that evaluate it the way sync Python code does (list(), len(), for, if, [i]).
_QUERYSET_EVALUATION = frozenset({"__iter__", "__len__", "__bool__", "__getitem__", "__contains__"})


def _matches(frame: LibraryFrame, marker: str, functions: set[str] | None) -> bool:
    return marker in _slashed(frame.filename) and (
        functions is None or frame.qualname.rpartition(".")[2] in functions
    )


def _first_marker(
    path: tuple[LibraryFrame, ...], markers: tuple[tuple[str, set[str] | None, str], ...]
) -> str | None:
    for marker, functions, code in markers:
        if any(_matches(frame, marker, functions) for frame in path):
            return code
    return None


def _outermost_marker(
    path: tuple[LibraryFrame, ...], markers: tuple[tuple[str, set[str] | None, str], ...]
) -> str | None:
    for frame in path:  # outermost first
        for marker, functions, code in markers:
            if _matches(frame, marker, functions):
                return code
    return None


def _slashed(filename: str) -> str:
    return filename.replace("\\", "/")


def _blocking_chain(path: tuple[LibraryFrame, ...]) -> tuple[LibraryFrame, ...]:
    """The frames under the innermost awaited library function: the synchronous calls that blocked."""
    innermost_async = max((index for index, frame in enumerate(path) if frame.is_async), default=-1)
    return path[innermost_async + 1 :]


def logging_handler(violation: Violation) -> str | None:
    """The logging handler method that made a blocking call, if one did."""
    if violation.kind != BLOCKING:
        return None
    handlers = [
        frame
        for frame in _blocking_chain(violation.library_path)
        if frame.module == "logging" or frame.module.startswith("logging.")
        if frame.qualname.endswith((".emit", ".flush"))
    ]
    return handlers[0].dotted if handlers else None


def rule_code(violation: Violation) -> str | None:
    path = violation.library_path
    if violation.kind == BLOCKING:
        if logging_handler(violation):
            return None  # no static rule covers logging; the report says what to do instead
        code = _outermost_marker(_blocking_chain(path), _BLOCKING_MARKERS)
        if code:
            return code
        return next((code for prefix, code in _BLOCKING_BY_FUNCTION if violation.call.startswith(prefix)), None)
    code = _first_marker(path, _SYNC_ONLY_MARKERS)
    if code:
        return code
    if path and "/django/db/backends/" in _slashed(path[0].filename):
        return "DJA114"  # the project called connection.cursor() itself
    first_query_call = next((f for f in path if _slashed(f.filename).endswith("/django/db/models/query.py")), None)
    if first_query_call and first_query_call.qualname.rpartition(".")[2] in _QUERYSET_EVALUATION:
        return "DJA103"
    return "DJA102"


@dataclass(frozen=True)
class FixHint:
    code: str
    name: str
    summary: str
    use_instead: str  # a code example from the rule's docs


def fix_hint(code: str | None) -> FixHint | None:
    if code is None:
        return None
    from verify.analysis.registry import get_rule

    rule = get_rule(code)
    if rule is None:  # a rule this version of the kit does not ship: report without a hint
        return None
    return FixHint(code, rule.name, rule.summary, rule.section("Use instead"))
