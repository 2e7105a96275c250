"""Map a runtime violation to the static rule that would have caught it, and to its fix.

The fix text comes from the rule registry (the rule's summary and ``## Use instead`` section), so
the static checker and the runtime plugin never give two different answers. Rules that are not
registered yet fall back to the one-line hints below.
"""

from __future__ import annotations

from dataclasses import dataclass

from verify.runtime.detector import BLOCKING, LibraryFrame, Violation

# code -> (rule name, hint): used only while the registry has no such rule.
FALLBACK_HINTS = {
    "DJA102": ("sync-orm-call", "Use the ORM's async twin (`aget`, `acount`, `acreate`, `asave`, ...)."),
    "DJA103": (
        "sync-queryset-evaluation",
        "Evaluate QuerySets with `async for` or `[x async for x in qs]`, not list()/len()/bool()/for.",
    ),
    "DJA106": (
        "lazy-relation-access",
        "Load relations up front with `select_related`/`prefetch_related` (or `aprefetch_related_objects`).",
    ),
    "DJA107": ("request-user-in-async", "Use `user = await request.auser()` instead of `request.user`."),
    "DJA108": ("sync-session-access", "Use the async session API: `await request.session.aget(...)`, `aset`, ..."),
    "DJA201": (
        "lazy-queryset-in-render",
        "Pass evaluated lists to render() (`[x async for x in qs]`), or return a TemplateResponse.",
    ),
    "DJA301": ("blocking-http", "Use an async HTTP client (`httpx2.AsyncClient`, `aiohttp`)."),
    "DJA302": ("blocking-sleep", "Use `await asyncio.sleep(...)` instead of `time.sleep(...)`."),
    "DJA303": ("blocking-file-io", "Move file I/O to `sync_to_async(...)` or use `aiofiles`/`anyio.Path`."),
    "DJA304": ("blocking-subprocess", "Use `asyncio.create_subprocess_exec(...)` instead of `subprocess`."),
    "DJA305": ("blocking-network", "Use asyncio streams or an async client instead of blocking sockets."),
    "DJA306": ("blocking-email", "Send mail from a task (`await task.aenqueue()`) or via `sync_to_async(send_mail)`."),
    "DJA307": ("sync-cache-call", "Use the async cache API: `await cache.aget(...)`, `aset`, ..."),
    "DJA309": ("blocking-db-client", "Use the client's async API, or wrap the call in `sync_to_async`."),
    "DJA310": ("blocking-input", "Never read stdin from a view."),
}

# Markers in the library frames under the project's line, most specific first.
_SYNC_ONLY_MARKERS = (
    ("/django/contrib/auth/", "DJA107"),
    ("/django/contrib/sessions/", "DJA108"),
    ("/django/template/", "DJA201"),
    ("/django/db/models/fields/related_descriptors.py", "DJA106"),
    ("/django/db/models/query_utils.py", "DJA106"),  # DeferredAttribute: only()/defer() fields
)
_BLOCKING_MARKERS = (
    ("/subprocess.py", "DJA304"),
    ("/smtplib.py", "DJA306"),
    ("/django/core/mail/", "DJA306"),
    ("/django/core/cache/", "DJA307"),
    ("/redis/", "DJA307"),
    ("/requests/", "DJA301"),
    ("/urllib3/", "DJA301"),
    ("/urllib/request.py", "DJA301"),
    ("/http/client.py", "DJA301"),
    ("/httpx/", "DJA301"),
    ("/httpx2/", "DJA301"),
    ("/psycopg/", "DJA309"),
    ("/psycopg2/", "DJA309"),
    ("/pymongo/", "DJA309"),
    ("/botocore/", "DJA309"),
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


def _first_marker(path: tuple[LibraryFrame, ...], markers: tuple[tuple[str, str], ...]) -> str | None:
    for marker, code in markers:
        if any(marker in frame.filename.replace("\\", "/") for frame in path):
            return code
    return None


def rule_code(violation: Violation) -> str | None:
    path = violation.library_path
    if violation.kind == BLOCKING:
        code = _first_marker(path, _BLOCKING_MARKERS)
        if code:
            return code
        return next((code for prefix, code in _BLOCKING_BY_FUNCTION if violation.call.startswith(prefix)), None)
    code = _first_marker(path, _SYNC_ONLY_MARKERS)
    if code:
        return code
    first_query_call = next((f for f in path if f.filename.replace("\\", "/").endswith("/django/db/models/query.py")), None)
    if first_query_call and first_query_call.qualname.rpartition(".")[2] in _QUERYSET_EVALUATION:
        return "DJA103"
    return "DJA102"


@dataclass(frozen=True)
class FixHint:
    code: str
    name: str
    summary: str
    use_instead: str  # a code example from the rule's docs; empty for fallback hints


def fix_hint(code: str | None) -> FixHint | None:
    if code is None:
        return None
    from verify.registry import get_rule

    rule = get_rule(code)
    if rule is not None:
        return FixHint(code, rule.name, rule.summary, rule.section("Use instead"))
    name, hint = FALLBACK_HINTS[code]
    return FixHint(code, name, hint, "")
