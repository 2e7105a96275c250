"""``async_verify_fetch_raise``: QuerySets made by async views load with Django 6.1's ``FETCH_RAISE``.

A lazy load (a foreign key, a deferred field) on the event loop already fails the test with
``SynchronousOnlyOperation``. This switch also catches the ones that run elsewhere: in a helper
the view hands to ``sync_to_async``, in a template Django renders in a worker thread. Those are
legal, but each is one more query per object, and the static check cannot follow them. With the
switch, every QuerySet created while an async view runs (the request's context, which
``sync_to_async`` carries into its thread) fetches with ``FETCH_RAISE``, so the load raises
``FieldFetchBlocked`` naming the model and field.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from verify.runtime.detector import CURRENT_REQUEST


def fetch_modes_available() -> bool:
    try:
        from django.db.models import FETCH_RAISE  # noqa: F401  (Django 6.1+)
    except ImportError:
        return False
    return True


class FetchRaiseHook:
    def __init__(self) -> None:
        self._original: Callable | None = None

    def install(self) -> None:
        from django.db.models import FETCH_RAISE, QuerySet

        original = self._original = QuerySet.__init__

        @functools.wraps(original)
        def init(queryset, *args, **kwargs) -> None:
            original(queryset, *args, **kwargs)
            if CURRENT_REQUEST.get() is not None:
                queryset._fetch_mode = FETCH_RAISE  # what QuerySet.fetch_mode() sets on its clone

        QuerySet.__init__ = init

    def uninstall(self) -> None:
        if self._original is not None:
            from django.db.models import QuerySet

            QuerySet.__init__ = self._original
            self._original = None
