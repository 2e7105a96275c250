"""Record blocking calls and ``SynchronousOnlyOperation`` made by project code on an event loop.

Two detectors feed one list of :class:`Violation`:

- blockbuster patches ~58 blocking functions; its wrapper asks a per-function predicate whether
  the call may block. Our predicate records the call when a frame of the project's code is on
  the stack. It replays blockbuster's own exemptions first (importlib, linecache, ...), and
  lets through what is not the project's blocking call: module imports and other work done
  once per process (:data:`ONCE_PER_PROCESS`), and writes made by ``logging`` handlers
  (unless ``report_logging``).
- Django raises ``SynchronousOnlyOperation`` itself (``django.utils.asyncio.async_unsafe``);
  its ``__init__`` is wrapped to record where it was raised.

In report mode (the default) a blocking call then goes ahead, as it would in production, so that
it does not hide what comes after it: the test fails once, listing every violation. A sync
database access goes ahead too, once recorded, on the test's own connection (see
:mod:`verify.runtime.lent_connections`); one Django would make on any other connection still
raises ``SynchronousOnlyOperation``. In raise mode a blocking call raises ``BlockingError`` where
it happens, and every sync database access raises ``SynchronousOnlyOperation``. Recording at the call, rather than trusting an exception to reach the test, matters
because legacy views love ``except Exception:``.

Both checks only fire on a thread that runs an event loop, so sync views and the code Django
sends to worker threads (``sync_to_async``, ``TemplateResponse.render``) are never flagged.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import FrameType

from verify.runtime.lent_connections import LentConnections
from verify.runtime.project_code import ProjectCode, ProjectFrame, capture, dotted_name

BLOCKING = "blocking call"
SYNC_ONLY = "SynchronousOnlyOperation"

ASYNC_UNSAFE_ENV = "DJANGO_ALLOW_ASYNC_UNSAFE"
_IMPORTLIB = "<frozen importlib._bootstrap>"
_ASYNC_CODE_FLAGS = inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR | inspect.CO_ITERABLE_COROUTINE

# Work a process does once, on whichever request comes first, then serves from a cache: blaming
# it on a view would make the same test pass or fail depending on the order tests run in.
# (file suffix, function names): the work is exempt while such a frame is on the stack.
ONCE_PER_PROCESS = (
    # A template's first load (engine set-up, reading the file); the cached loader keeps it
    # for the process, and Django uses that loader unless `loaders` is configured by hand.
    ("django/template/loaders/cached.py", {"get_template"}),
    ("django/template/utils.py", {"templates", "__getitem__", "all"}),  # the engines' set-up
    # Jinja2 caches templates per environment; Django turns its mtime check off unless DEBUG.
    ("jinja2/environment.py", {"_load_template"}),
    # A language's catalogs and locale paths, found and read once (a dict or lru_cache keeps them),
    # and its format modules, looked up at the first number or date a template localizes.
    (
        "django/utils/translation/trans_real.py",
        {"translation", "all_locale_paths", "check_for_language", "get_supported_language_variant"},
    ),
    ("django/utils/formats.py", {"get_format_modules"}),
    ("mimetypes.py", {"init"}),  # the system's MIME table, read at the first guess_type()
    # A time zone's file, found and read at its first ZoneInfo(key); ZoneInfo caches it per key.
    ("zoneinfo/_tzpath.py", {"find_tzfile"}),
    ("zoneinfo/_common.py", {"load_tzdata", "load_data"}),
)
# The guard Django puts on database wrapper methods: `inner` in django/utils/asyncio.py.
_ASYNC_UNSAFE_GUARD = ("django/utils/asyncio.py", "inner")
# Django's database backends and SQL compiler: a driver's I/O there follows an access
# `async_unsafe` guarded (the cursor), which raised, or was recorded as a sync database access
# and let through (report mode). Not all of django/db: a FileField's storage I/O is its own call.
_DATABASE_CODE = ("django/db/backends/", "django/db/models/sql/")
# A logging handler writes the record (stream, file, socket) inside Handler.handle.
_LOGGING_HANDLE = ("logging/__init__.py", {"handle"})


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


_VIEW_HOOK_MODULE = "verify.runtime.django_hooks"
CURRENT_REQUEST: ContextVar[RequestInfo | None] = ContextVar("async_verify_request", default=None)


@dataclass(frozen=True)
class LibraryFrame:
    module: str
    qualname: str
    filename: str
    is_async: bool = False  # a coroutine or async generator: an awaited API, not a blocking one

    @property
    def dotted(self) -> str:
        return f"{self.module}.{self.qualname}"


@dataclass(frozen=True)
class Violation:
    kind: str  # BLOCKING or SYNC_ONLY
    call: str  # blockbuster's name of the patched function, or the library function called
    where: ProjectFrame  # innermost project frame: the line to fix
    # The endpoint: the outermost project function inside the view call (the user's function
    # behind a framework's wrapper), else the view; for direct calls the outermost project function.
    entry: str
    request: RequestInfo | None
    # Frames between the project line and the raise, outermost first: what the line called.
    library_path: tuple[LibraryFrame, ...] = field(default=(), compare=False)


# Library functions that only forward a call: naming them would hide the call the user wrote.
_FORWARDERS = frozenset({"manager_method", "<lambda>", "inner", "_setup", "__getattribute__"})


def _on_stack(frame: FrameType | None, suffix: str, functions: object) -> bool:
    while frame is not None:
        if frame.f_code.co_name in functions and frame.f_code.co_filename.replace("\\", "/").endswith(suffix):
            return True
        frame = frame.f_back
    return False


def _exempted(innermost: FrameType, exemptions: list[tuple[str, object]]) -> bool:
    """Blockbuster's own exemptions for this function, module imports and once-per-process work."""
    frame = innermost
    while frame is not None:
        filename = frame.f_code.co_filename.replace("\\", "/")
        if filename == _IMPORTLIB and frame.f_code.co_name == "_find_and_load":
            # A module imported on the loop (the URLconf at the first request, a lazy import in
            # a view) reads its files once per process, not once per request.
            return True
        for suffix, functions in (*exemptions, *ONCE_PER_PROCESS):
            if frame.f_code.co_name in functions and filename.endswith(suffix):
                return True
        frame = frame.f_back
    return False


def _in_database_code(innermost: FrameType | None) -> bool:
    frame = innermost
    while frame is not None:
        filename = frame.f_code.co_filename.replace("\\", "/")
        if any(directory in filename for directory in _DATABASE_CODE):
            return True
        frame = frame.f_back
    return False


def in_logging_handler(innermost: FrameType | None) -> bool:
    return _on_stack(innermost, *_LOGGING_HANDLE)


def _library_path(innermost: FrameType, project_frame: FrameType) -> tuple[LibraryFrame, ...]:
    path = []
    frame = innermost
    while frame is not None and frame is not project_frame:
        code = frame.f_code
        path.append(
            LibraryFrame(
                frame.f_globals.get("__name__", "?"),
                code.co_qualname,
                code.co_filename,
                bool(code.co_flags & _ASYNC_CODE_FLAGS),
            )
        )
        frame = frame.f_back
    return tuple(reversed(path))


def _is_view_call(frame: FrameType) -> bool:
    """The frame of :mod:`verify.runtime.django_hooks`' wrapper: where the view call starts."""
    return frame.f_code.co_name == "view_with_request_info" and frame.f_globals.get("__name__") == _VIEW_HOOK_MODULE


def _endpoint(project_frames: list[FrameType]) -> str | None:
    """The user's endpoint among the project frames inside the view call (innermost first).

    The outermost one, passing over the project's own decorators (functions defined inside a
    function): a framework's wrapper (django-ninja, DRF, ``method_decorator``) is library code,
    so the user's function is the first project frame under it.
    """
    if not project_frames:
        return None
    named = [frame for frame in project_frames if "<locals>" not in frame.f_code.co_qualname]
    return dotted_name((named or project_frames)[-1])


def _called_function(library_path: tuple[LibraryFrame, ...]) -> str:
    for frame in library_path:
        if frame.module != "django.utils.functional" and frame.qualname.rpartition(".")[2] not in _FORWARDERS:
            return frame.dotted
    return library_path[0].dotted if library_path else "?"


class Detector:
    def __init__(self, project: ProjectCode, *, raise_errors: bool = False, report_logging: bool = False) -> None:
        self._project = project
        self._raise_errors = raise_errors
        self._report_logging = report_logging
        self._lock = threading.Lock()
        # The list of the test being watched; None between tests, when nothing is recorded.
        self._violations: list[Violation] | None = None
        self._blockbuster = None
        self._sync_only_error: type[Exception] | None = None
        self._async_unsafe_module = None
        # Report mode: the test's connections, on which a recorded sync access may go ahead.
        self.lent_connections = None if raise_errors else LentConnections()

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
        if self.lent_connections is not None:
            self._install_async_unsafe_hook()

    def uninstall(self) -> None:
        if self._blockbuster is not None:
            self._blockbuster.deactivate()
            self._blockbuster = None
        if self._sync_only_error is not None:
            del self._sync_only_error.__init__
            self._sync_only_error = None
        if self._async_unsafe_module is not None:
            self._async_unsafe_module.get_running_loop = asyncio.get_running_loop
            self._async_unsafe_module = None

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

    def _install_async_unsafe_hook(self) -> None:
        import django.utils.asyncio as async_unsafe_module

        if async_unsafe_module.get_running_loop is not asyncio.get_running_loop:  # another tool's
            return
        detector = self

        def get_running_loop() -> asyncio.AbstractEventLoop:
            loop = asyncio.get_running_loop()  # RuntimeError without a loop: Django goes ahead
            if detector._lets_sync_access_through(sys._getframe(1)):
                # Recorded: the guard's caller may go ahead, as without a loop on this thread.
                raise RuntimeError("no running event loop")
            return loop

        async_unsafe_module.get_running_loop = get_running_loop
        self._async_unsafe_module = async_unsafe_module

    def _lets_sync_access_through(self, guard: FrameType) -> bool:
        """Report mode: record a sync database access and let it run if it uses the test's connection."""
        code = guard.f_code
        if code.co_name != _ASYNC_UNSAFE_GUARD[1] or not code.co_filename.replace("\\", "/").endswith(
            _ASYNC_UNSAFE_GUARD[0]
        ):
            return False
        arguments = guard.f_locals.get("args") or ()
        # Every guarded function is a method of a database wrapper: its first argument is one.
        if not arguments or not self.lent_connections.owns(arguments[0]):
            return False  # Django raises, and the error's __init__ records it
        return self._record(SYNC_ONLY, None, guard)

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
            if not self._report_logging and in_logging_handler(caller):
                return True
            if _in_database_code(caller):  # reported as the sync database access it is part of
                return True
            return not (self._record(BLOCKING, name, caller) and self._raise_errors)

        return may_block

    # -- recording (per test) -------------------------------------------------------------------

    @contextmanager
    def watching(self) -> Iterator[list[Violation]]:
        """Record violations while the body runs, with ``DJANGO_ALLOW_ASYNC_UNSAFE`` unset."""
        violations: list[Violation] = []
        allow_unsafe = os.environ.pop(ASYNC_UNSAFE_ENV, None)
        if self.lent_connections is not None:
            self.lent_connections.capture()
        self._violations = violations
        try:
            yield violations
        finally:
            self._violations = None
            if self.lent_connections is not None:
                self.lent_connections.release()
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
        project_frames, in_view = self._project_frames(innermost)
        if not project_frames:
            return False
        library_path = _library_path(innermost, project_frames[0])
        request = CURRENT_REQUEST.get()
        if request is not None:
            entry = _endpoint(in_view) or request.view
        else:
            # Without a request, the test called into project code: the outermost frame is the entry.
            entry = dotted_name(project_frames[-1])
        violation = Violation(
            kind=kind,
            call=call or _called_function(library_path),
            where=capture(project_frames[0]),
            entry=entry,
            request=request,
            library_path=library_path,
        )
        with self._lock:
            if violation not in violations:
                violations.append(violation)
        return True

    def _project_frames(self, innermost: FrameType) -> tuple[list[FrameType], list[FrameType]]:
        """The project's frames on the stack, innermost first, and those of them inside the view call."""
        frames, in_view = [], None
        frame = innermost
        while frame is not None:
            if in_view is None and _is_view_call(frame):
                in_view = list(frames)
            elif self._project.contains(frame.f_code.co_filename):
                frames.append(frame)
            frame = frame.f_back
        return frames, in_view or []
