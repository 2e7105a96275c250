"""Report mode: let a recorded sync database access go ahead, on the test's own connection.

Django guards every database wrapper method that may block (``connect``, ``cursor``,
``commit``, ``close``...) with ``async_unsafe`` (``django/utils/asyncio.py``): it calls the
module's ``get_running_loop()`` and, when a loop runs on the calling thread and
``DJANGO_ALLOW_ASYNC_UNSAFE`` is unset, raises ``SynchronousOnlyOperation``. The variable is
read from the process's environment at each call: setting it would let every thread's access
through for as long as it is set, the next test's included. So the detector replaces that
module's ``get_running_loop`` instead, and answers "no loop" for one access at a time: the one
it has just recorded, made by project code while a test is watched.

Where that access then runs matters. Django keeps a connection per thread, and per context on a
thread that runs a loop (asgiref's ``Local(thread_critical=True)``: a thread-local outside a
loop, a context variable inside one); the test's transaction, and the rows its fixtures wrote,
are on the connections the test's thread opened outside any loop. The view's own connection
would not see those rows nor roll back with the test, and would stay open after it. So while an
async view runs, its context is given the test's connections, shared across threads with
``inc_thread_sharing()`` (as ``LiveServerTestCase`` shares an in-memory SQLite connection with its
server thread), and only an access through one of them goes ahead; any other still raises, as
in production.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class LentConnections:
    """The database connections of the test being watched, lent to the async views it calls."""


    def __init__(self) -> None:
        self._connections: dict[str, object] = {}

    def capture(self) -> None:
        """Called on the test's thread, outside any loop, as the test starts."""
        from django.conf import settings

        if not settings.configured:
            return
        from django.db import connections

        # The connections the test's set-up opened or wrapped in its transaction; one the test
        # never touched holds none of its rows, and creating it here could import a backend.
        self._connections = {wrapper.alias: wrapper for wrapper in connections.all(initialized_only=True)}

    def release(self) -> None:
        self._connections = {}

    def owns(self, wrapper: object) -> bool:
        return any(wrapper is connection for connection in self._connections.values())

    @contextmanager
    def lent(self) -> Iterator[None]:
        """While an async view runs: its context (and its tasks) use the test's connections."""
        if not self._connections:
            yield
            return
        from django.db import connections

        own = {wrapper.alias: wrapper for wrapper in connections.all(initialized_only=True)}
        for alias, wrapper in self._connections.items():
            wrapper.inc_thread_sharing()  # the loop may run on another thread (Client, async_to_sync)
            connections[alias] = wrapper
        try:
            yield
        finally:
            for alias, wrapper in self._connections.items():
                if alias in own:
                    connections[alias] = own[alias]
                else:
                    del connections[alias]
                wrapper.dec_thread_sharing()
