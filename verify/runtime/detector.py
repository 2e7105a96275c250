"""Record blocking calls and ``SynchronousOnlyOperation`` made by project code on an event loop.

Two detectors feed one list of :class:`Violation`:

- blockbuster patches ~58 blocking functions; its wrapper asks a per-function predicate whether
  the call may block. Our predicate answers "no" only when a frame of the project's code is on
  the stack, and records the violation right there. It also replays blockbuster's own
  exemptions first (importlib, linecache, ...), so a recorded violation is exactly one that
  blockbuster raises for; and it lets module imports read their files.
- Django raises ``SynchronousOnlyOperation`` itself (``django.utils.asyncio.async_unsafe``);
  its ``__init__`` is wrapped to record where it was raised.

Recording at the raise point, rather than trusting the exception to reach the test, matters
because legacy views love ``except Exception:``: a swallowed ``BlockingError`` around
``send_mail`` would otherwise let the test pass while the event loop blocked.

Both checks only fire on a thread that runs an event loop, so sync views and the code Django
sends to worker threads (``sync_to_async``, ``TemplateResponse.render``) are never flagged.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import FrameType

from verify.runtime.project_code import ProjectCode, ProjectFrame, capture, dotted_name

BLOCKING = "blocking call"
SYNC_ONLY = "SynchronousOnlyOperation"

ASYNC_UNSAFE_ENV = "DJANGO_ALLOW_ASYNC_UNSAFE"
_IMPORTLIB = "<frozen importlib._bootstrap>"


@dataclass(frozen=True)
class RequestInfo:
    """The request being served by an async view: set by :mod:`verify.runtime.django_hooks`."""

    view: str
    method: str
    path: str
    has_session_cookie: bool

    def describe(self) -> str:
        # The session cookie, not request.user: evaluating the user here would load it for the
        # view and hide the very request.user / session bugs we are looking for.
        who = (
            "with a session cookie (logged-in user)"
            if self.has_session_cookie
            else "anonymous (no session cookie)"
        )
        return f"{self.method} {self.path} {who}"


CURRENT_REQUEST: ContextVar[RequestInfo | None] = ContextVar("async_verify_request", default=None)


@dataclass(frozen=True)
class LibraryFrame:
    module: str
    qualname: str
    filename: str

    @property
    def dotted(self) -> str:
        return f"{self.module}.{self.qualname}"


@dataclass(frozen=True)
class Violation:
    kind: str  # BLOCKING or SYNC_ONLY
    call: str  # blockbuster's name of the patched function, or the library function called
    where: ProjectFrame  # innermost project frame: the line to fix
    entry: str  # the view (dotted path), or the outermost project function for direct calls
    request: RequestInfo | None
    # Frames between the project line and the raise, outermost first: what the line called.
    library_path: tuple[LibraryFrame, ...] = field(default=(), compare=False)


# Library functions that only forward a call: naming them would hide the call the user wrote.
_FORWARDERS = frozenset({"manager_method", "<lambda>", "inner", "_setup", "__getattribute__"})


def _exempted(innermost: FrameType, exemptions: list[tuple[str, object]]) -> bool:
    """Blockbuster's own exemptions for this function, plus module imports."""
    frame = innermost
    while frame is not None:
        filename = frame.f_code.co_filename.replace("\\", "/")
        if filename == _IMPORTLIB and frame.f_code.co_name == "_find_and_load":
            # A module imported on the loop (the URLconf at the first request, a lazy import in
            # a view) reads its files once per process, not once per request.
            return True
        for suffix, functions in exemptions:
            if filename.endswith(suffix) and frame.f_code.co_name in functions:
                return True
        frame = frame.f_back
    return False


def _library_path(innermost: FrameType, project_frame: FrameType) -> tuple[LibraryFrame, ...]:
    path = []
    frame = innermost
    while frame is not None and frame is not project_frame:
        code = frame.f_code
        path.append(LibraryFrame(frame.f_globals.get("__name__", "?"), code.co_qualname, code.co_filename))
        frame = frame.f_back
    return tuple(reversed(path))


def _called_function(library_path: tuple[LibraryFrame, ...]) -> str:
    for frame in library_path:
        if frame.module != "django.utils.functional" and frame.qualname.rpartition(".")[2] not in _FORWARDERS:
            return frame.dotted
    return library_path[0].dotted if library_path else "?"


class Detector:
    def __init__(self, project: ProjectCode) -> None:
        self._project = project
        self._lock = threading.Lock()
        # The list of the test being watched; None between tests, when nothing is recorded.
        self._violations: list[Violation] | None = None
        self._blockbuster = None
        self._sync_only_error: type[Exception] | None = None

    # -- installation (once per session) -------------------------------------------------------

    def install(self) -> None:
        from blockbuster import BlockBuster

        # No scanned_modules: blockbuster raises whenever our predicate says the call may not block.
        self._blockbuster = BlockBuster()
        for name, function in self._blockbuster.functions.items():
            function.can_block_predicate = self._predicate(
                name, function.can_block_predicate, function.can_block_functions
            )
        self._blockbuster.activate()
        self._install_sync_only_hook()

    def uninstall(self) -> None:
        if self._blockbuster is not None:
            self._blockbuster.deactivate()
            self._blockbuster = None
        if self._sync_only_error is not None:
            del self._sync_only_error.__init__
            self._sync_only_error = None

    def _install_sync_only_hook(self) -> None:
        from django.core.exceptions import SynchronousOnlyOperation

        if "__init__" in vars(SynchronousOnlyOperation):  # another tool got there first; leave it
            return
        detector = self

        def recording_init(error: Exception, *args: object) -> None:
            Exception.__init__(error, *args)
            # Django raises it only when the current thread runs an event loop.
            detector._record(SYNC_ONLY, None, sys._getframe(1))

        SynchronousOnlyOperation.__init__ = recording_init
        self._sync_only_error = SynchronousOnlyOperation

    def _predicate(
        self,
        name: str,
        can_block: Callable[..., bool],
        exemptions: list[tuple[str, object]],
    ) -> Callable[..., bool]:
        def may_block(*args: object, **kwargs: object) -> bool:
            if self._violations is None or can_block(*args, **kwargs):
                return True
            # Frame 0 is this predicate, frame 1 blockbuster's wrapper, frame 2 the caller.
            caller = sys._getframe(2)
            if not self._project.has_frame(caller) or _exempted(caller, exemptions):
                return True
            return not self._record(BLOCKING, name, caller)

        return may_block

    # -- recording (per test) -------------------------------------------------------------------

    @contextmanager
    def watching(self) -> Iterator[list[Violation]]:
        """Record violations while the body runs, with ``DJANGO_ALLOW_ASYNC_UNSAFE`` unset."""
        violations: list[Violation] = []
        allow_unsafe = os.environ.pop(ASYNC_UNSAFE_ENV, None)
        self._violations = violations
        try:
            yield violations
        finally:
            self._violations = None
            if allow_unsafe is not None:
                os.environ[ASYNC_UNSAFE_ENV] = allow_unsafe

    def _record(self, kind: str, call: str | None, innermost: FrameType) -> bool:
        """Record a violation if project code is on the stack; say whether it was."""
        violations = self._violations
        if violations is None:
            return False
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        project_frames = list(self._project.frames(innermost))
        if not project_frames:
            return False
        library_path = _library_path(innermost, project_frames[0])
        request = CURRENT_REQUEST.get()
        violation = Violation(
            kind=kind,
            call=call or _called_function(library_path),
            where=capture(project_frames[0]),
            # Without a request, the test called into project code: the outermost frame is the entry.
            entry=request.view if request else dotted_name(project_frames[-1]),
            request=request,
            library_path=library_path,
        )
        with self._lock:
            if violation not in violations:
                violations.append(violation)
        return True
