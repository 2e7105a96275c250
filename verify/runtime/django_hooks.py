"""Tell the detector which view and request it is looking at.

Both test clients end in ``BaseHandler._get_response`` (``Client``, WSGI: an async view then runs
through ``async_to_sync`` on a loop in another thread) or ``_get_response_async``
(``AsyncClient``, ASGI: the view runs on the test's own loop). Both hand the resolved view to
``make_view_atomic`` right before calling it, and nothing else: the view middleware, the response
checks and ``request.resolver_match`` keep seeing the original callback. Wrapping its result is
the narrowest hook that sees every async view call of every request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from verify.runtime.detector import CURRENT_REQUEST, RequestInfo
from verify.runtime.lent_connections import LentConnections


def _dotted(target: object) -> str:
    qualname = getattr(target, "__qualname__", type(target).__qualname__)
    name = getattr(target, "__name__", None)
    if isinstance(target, type) and name and qualname.rpartition(".")[2] != name:
        # A class a decorator built and renamed after the function (DRF's and adrf's api_view).
        qualname = name
    return f"{target.__module__}.{qualname}"


def _framework_operations(view: Callable) -> list[Callable]:
    """The endpoint functions behind a django-ninja path view (its wrapper closes over a PathView)."""
    for cell in getattr(view, "__closure__", None) or ():
        try:
            operations = getattr(cell.cell_contents, "operations", None)
        except ValueError:  # an empty cell
            continue
        functions = [getattr(operation, "view_func", None) for operation in operations or ()]
        if functions and all(callable(function) for function in functions):
            return functions
    return []


def view_path(view: Callable) -> str:
    """Dotted path of the user's view behind the wrappers frameworks put around it.

    Class-based views (Django's ``as_view``, DRF's and adrf's) are named by their class,
    decorated functions by the function ``functools.wraps`` recorded, partials by their function,
    django-ninja operations by their endpoint functions.
    """
    for _ in range(20):  # a decorator chain, not a cycle
        view_class = getattr(view, "view_class", None) or getattr(view, "cls", None)
        if isinstance(view_class, type):
            return _dotted(view_class)
        operations = _framework_operations(view)
        if operations:
            return " | ".join(dict.fromkeys(_dotted(function) for function in operations))
        wrapped = view.func if isinstance(view, functools.partial) else getattr(view, "__wrapped__", None)
        if wrapped is None:
            break
        view = wrapped
    return _dotted(view)


def _describing_request(view: Callable, path: str, lent_connections: LentConnections | None) -> Callable:
    from django.conf import settings

    @functools.wraps(view)
    async def view_with_request_info(request, *args, **kwargs):
        token = CURRENT_REQUEST.set(
            RequestInfo(
                view=path,
                method=request.method,
                path=request.get_full_path(),
                has_session_cookie=settings.SESSION_COOKIE_NAME in request.COOKIES,
            )
        )
        try:
            if lent_connections is None:
                return await view(request, *args, **kwargs)
            with lent_connections.lent():
                return await view(request, *args, **kwargs)
        finally:
            CURRENT_REQUEST.reset(token)

    return view_with_request_info


class ViewHook:
    def __init__(self, lent_connections: LentConnections | None = None) -> None:
        """``lent_connections``: in report mode, the test's connections, lent to each async view call."""
        self._original: Callable | None = None
        self._lent_connections = lent_connections

    def install(self) -> None:
        from asgiref.sync import iscoroutinefunction
        from django.core.handlers.base import BaseHandler

        original = self._original = BaseHandler.make_view_atomic

        @functools.wraps(original)
        def make_view_atomic(handler, view):
            wrapped = original(handler, view)
            # Sync views are left alone: they run in worker threads, never on the loop.
            if not iscoroutinefunction(wrapped):
                return wrapped
            return _describing_request(wrapped, view_path(view), self._lent_connections)

        BaseHandler.make_view_atomic = make_view_atomic

    def uninstall(self) -> None:
        if self._original is not None:
            from django.core.handlers.base import BaseHandler

            BaseHandler.make_view_atomic = self._original
            self._original = None
