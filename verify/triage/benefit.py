"""Should a view become async? An honest benefit model over the view's signals.

What async buys a Django view:

* **Overlapping external I/O.** Independent HTTP or cloud-storage calls gathered with
  ``asyncio.gather`` cost the slowest call instead of the sum: every round trip that overlaps
  with another is saved.
* **A free worker while waiting (ASGI only).** An async view waiting on the network holds no
  thread; a sync view under ASGI holds one of the sync threads for the whole wait.

What it does not buy:

* **Database queries.** Django's async ORM methods are ``sync_to_async`` wrappers that run on one
  thread per request, one after another, so ``asyncio.gather`` over queries is still serial and
  each query pays a thread hop. A view that only queries the database gains nothing.
* **CPU work, sync-only libraries, the admin.** Computation blocks the event loop, a library with
  no async API needs a thread per call anyway, and the Django admin has no async API.

The score (0-100) is the estimated benefit: 15 for any external I/O (the freed worker), 35 for
each external round trip that overlaps another, 15 for sending email (a blocking call worth moving
off the request, see the background-work prompt). A view with a blocker (admin, sync-only library,
CPU-heavy work) scores 0. ``convert`` from 50, ``maybe`` from 15, ``skip`` below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from verify.triage.discovery import View
from verify.triage.signals import EXTERNAL_KINDS, Signals, Site, waves

CONVERT_FROM = 50
MAYBE_FROM = 15
EXTERNAL_IO_POINTS = 15
OVERLAP_POINTS = 35
EMAIL_POINTS = 15
BUSINESS_LOGIC_BRANCHES = 3

# Recommendations, in the order the report lists them.
RECOMMENDATIONS = ("convert", "maybe", "skip", "converted")

# The cheatsheet prompt triage recommends for each situation.
PROMPT_EXTERNAL_API = "convert-external-api-view"
PROMPT_BUSINESS_LOGIC = "convert-business-logic-view"
PROMPT_CLASS_BASED = "convert-class-based-view"
PROMPT_BACKGROUND = "move-to-background-task"
PROMPT_DECIDE = "should-this-be-async"
PROMPT_FIX_FINDINGS = "fix-verify-findings"
PROMPT_TESTS = "write-async-tests"
RECOMMENDED_PROMPTS = frozenset(
    {PROMPT_EXTERNAL_API, PROMPT_BUSINESS_LOGIC, PROMPT_CLASS_BASED, PROMPT_BACKGROUND, PROMPT_DECIDE,
     PROMPT_FIX_FINDINGS, PROMPT_TESTS}
)  # fmt: skip


@dataclass
class Assessment:
    view: View
    signals: Signals
    recommendation: str
    score: int
    reasons: list[str] = field(default_factory=list)
    prompt: str = PROMPT_DECIDE

    @property
    def benefit(self) -> str:
        if self.recommendation == "converted":
            return "n/a"
        return "high" if self.score >= CONVERT_FROM else "low" if self.score >= MAYBE_FROM else "none"

    @property
    def signal_names(self) -> list[str]:
        names = self.signals.names()
        if self.view.admin_reasons:
            names.add("admin")
        if self.view.class_node is not None:
            names.add("class-based-view")
        if self.view.is_async:
            names.add("already-async")
        return sorted(names)

    def as_dict(self, base: Path | None = None) -> dict:
        """The JSON object of one view; ``file`` relative to ``base`` when it is under it."""
        file = self.view.file
        if base is not None:
            try:
                file = file.relative_to(base)
            except ValueError:
                pass
        return {
            "view": self.view.dotted,
            "file": str(file),
            "line": self.view.line,
            "recommendation": self.recommendation,
            "score": self.score,
            "benefit": self.benefit,
            "reasons": self.reasons,
            "prompt": self.prompt,
            "signals": self.signal_names,
        }


def _lines(sites: list[Site]) -> str:
    lines = sorted({site.line for site in sites})
    return ("line " if len(lines) == 1 else "lines ") + ", ".join(map(str, lines))


def _labels(sites: list[Site]) -> str:
    return ", ".join(dict.fromkeys(site.label for site in sites))


def _independence(queries: list[Site]) -> str:
    """Which queries need an earlier query's result: independent ones still run one after another."""
    if len(queries) < 2:
        return ""
    ids = {query.id for query in queries}
    dependent = sum(1 for query in queries if query.deps & ids)
    if not dependent:
        return "; none needs another's result, yet they would not overlap"
    return f"; {dependent} need{'s' if dependent == 1 else ''} an earlier query's result"


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def _external_noun(sites: list[Site]) -> tuple[str, str]:
    kinds = {site.kind for site in sites}
    if kinds == {"http"}:
        return "external HTTP call", "external HTTP calls"
    if kinds == {"cloud-storage"}:
        return "cloud storage call", "cloud storage calls"
    return "external I/O call", "external I/O calls"


def assess(view: View, signals: Signals, findings: list | None = None) -> Assessment:
    """``findings``: the verifier's findings inside an async view (ignored for sync views)."""
    reasons: list[str] = []
    blockers: list[str] = []
    score = 0

    external = signals.of_kind(*EXTERNAL_KINDS)
    if external:
        score += EXTERNAL_IO_POINTS
        rounds = waves(external)
        fanned_out = [site for site in external if site.in_loop]
        saved = len(external) - rounds + (1 if fanned_out else 0)
        score += OVERLAP_POINTS * saved
        what = f"{_plural(len(external), *_external_noun(external))} ({_labels(external)}; {_lines(external)})"
        if fanned_out:
            reasons.append(f"{what}, made in a loop: the calls can overlap with asyncio.gather")
        elif saved:
            reasons.append(
                f"{what} that do not all depend on each other: gathered, they take {rounds} "
                f"round trip{'s' if rounds > 1 else ''} instead of {len(external)}"
            )
        elif len(external) > 1:
            reasons.append(f"{what}, each needing the previous one's result: they cannot overlap")
        else:
            reasons.append(f"{what}: nothing to overlap it with")
        if not fanned_out and not saved:
            reasons.append("async frees the worker while the view waits on the network (under ASGI only)")
    if any(site.kind == "cloud-storage" for site in external):
        reasons.append("boto3-style SDKs have no async API: overlap them with aioboto3 or sync_to_async(thread_sensitive=False)")

    queries = signals.of_kind("db")
    if queries:
        reasons.append(
            f"{_plural(len(queries), 'database query', 'database queries')} ({_lines(queries)}{_independence(queries)}): "
            "no gain from async, Django runs async ORM calls one after another on one thread per request"
        )
        if not external and len(queries) <= 2:
            reasons.append(f"simple view ({_plural(len(queries), 'query', 'queries')}, no external I/O): async only adds thread hops")

    email = signals.of_kind("email")
    if email:
        score += EMAIL_POINTS
        reasons.append(
            f"sends email ({_labels(email)}; {_lines(email)}): Django has no async email API; "
            "move it off the request path into a background task"
        )
    cache = signals.of_kind("cache")
    if cache or signals.cache_decorated:
        reasons.append(
            "uses the cache" + (f" ({_labels(cache)}; {_lines(cache)})" if cache else " (cache_page)")
            + ": the async cache methods run the sync backend in a thread, no gain by themselves"
        )
    files = signals.of_kind("file")
    if files:
        reasons.append(f"file I/O ({_labels(files)}; {_lines(files)}): no async file API in Django or the stdlib, no gain")

    if view.admin_reasons:
        blockers.append(f"admin view ({'; '.join(view.admin_reasons)}): the Django admin has no async API")
    sync_libraries = signals.of_kind("sync-lib")
    if sync_libraries:
        blockers.append(
            f"uses a sync-only library ({_labels(sync_libraries)}; {_lines(sync_libraries)}): "
            "every call would need a thread, async gains nothing"
        )
    cpu = signals.of_kind("cpu")
    if cpu:
        blockers.append(
            f"CPU-heavy work ({_labels(cpu)}; {_lines(cpu)}): it would block the event loop, async cannot speed it up"
        )
    if view.is_generic_class:
        reasons.append("generic class-based view: Django's generic views have only sync handlers; converting means writing async get()/post()")
    elif len(view.sibling_handlers) > 1:
        reasons.append(
            f"handlers {', '.join(view.sibling_handlers)} of one class must all be sync or all async: convert them together"
        )
    if not signals.sites and not blockers:
        reasons.append("no queries, external I/O or other triage signal found: nothing for async to overlap")

    if view.is_async:
        if findings:
            where = ", ".join(f"{f.code} line {f.line}" for f in findings)
            status, prompt = f"already async def; `django-async-kit verify` finds {_plural(len(findings), 'problem')} ({where})", PROMPT_FIX_FINDINGS
        else:
            status, prompt = "already async def; `django-async-kit verify` finds no problem in it", PROMPT_TESTS
        return Assessment(view, signals, "converted", 0, [status, *reasons], prompt)
    if blockers:
        return Assessment(view, signals, "skip", 0, blockers + reasons, PROMPT_DECIDE)

    score = min(score, 100)
    if score >= CONVERT_FROM:
        recommendation = "convert"
    elif score >= MAYBE_FROM:
        recommendation = "maybe"
    else:
        recommendation = "skip"
    return Assessment(view, signals, recommendation, score, reasons, _prompt_for(view, signals, recommendation))


def _prompt_for(view: View, signals: Signals, recommendation: str) -> str:
    if recommendation == "maybe" and signals.of_kind("email") and not signals.of_kind(*EXTERNAL_KINDS):
        return PROMPT_BACKGROUND
    if recommendation != "convert":
        return PROMPT_DECIDE
    if view.class_node is not None:
        return PROMPT_CLASS_BASED
    body_checks = [check for check in signals.permission_checks if not check.startswith("@")]
    if body_checks and signals.branches >= BUSINESS_LOGIC_BRANCHES:
        return PROMPT_BUSINESS_LOGIC
    return PROMPT_EXTERNAL_API
