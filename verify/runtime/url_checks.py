"""``--async-verify-urls``: one generated test per URL routed to an async view, per identity.

Each test requests the URL through ``AsyncClient`` (the ASGI handler, as in production), once
anonymously and once as a logged-in user with a session: ``request.user`` and
``request.session`` only hit the database when a session exists, so only the second request
shows those bugs. The async-verify checks run on both; the test also fails on a 5xx answer.

The tests hang under the directory that holds the collected tests, so that its conftest
fixtures (``async_verify_url_kwargs``, ``async_verify_user``) apply to them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from verify.runtime.django_hooks import view_path

IDENTITIES = ("anonymous", "logged_in")
TEST_NAME = "test_async_view_url"


@dataclass(frozen=True)
class AsyncRoute:
    url_name: str | None  # with namespaces ("shop:order"), None for an unnamed pattern
    takes_arguments: bool
    literal_path: str | None  # the URL of an unnamed pattern without arguments (nothing to reverse)
    view: str  # dotted path of the view

    @property
    def test_id(self) -> str:
        return self.url_name or self.literal_path or self.view


def async_routes() -> list[AsyncRoute]:
    """Every URL pattern of the project's URLconf whose view is a coroutine function."""
    from django.urls import get_resolver

    return list(_walk(get_resolver().url_patterns, namespaces=(), prefix="", arguments=0))


def _walk(patterns, namespaces: tuple[str, ...], prefix: str, arguments: int) -> Iterator[AsyncRoute]:
    from asgiref.sync import iscoroutinefunction
    from django.urls import URLResolver

    for pattern in patterns:
        route = prefix + _route_text(pattern.pattern)
        groups = arguments + pattern.pattern.regex.groups
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _walk(pattern.url_patterns, inner, route, groups)
        elif iscoroutinefunction(pattern.callback):
            yield AsyncRoute(
                url_name=":".join((*namespaces, pattern.name)) if pattern.name else None,
                takes_arguments=groups > 0,
                literal_path=None if pattern.name or groups else "/" + route,
                view=view_path(pattern.callback),
            )


def _route_text(pattern) -> str:
    """The literal URL text of a pattern without arguments (``^orders/$`` -> ``orders/``)."""
    from django.urls.resolvers import RegexPattern

    text = str(pattern)
    if isinstance(pattern, RegexPattern):  # str() is the regex
        text = re.sub(r"\\(.)", r"\1", text.removeprefix("^").removesuffix("$"))
    return text


def _url_for(route: AsyncRoute, url_kwargs: dict[str, dict]) -> str:
    from django.urls import reverse

    if route.literal_path is not None:
        return route.literal_path
    if route.url_name is None:
        pytest.skip(f"unnamed URL pattern with arguments for {route.view}: name it to have it checked")
    if not route.takes_arguments:
        return reverse(route.url_name)
    if route.url_name not in url_kwargs:
        pytest.skip(f"{route.url_name} takes URL arguments: add them to the async_verify_url_kwargs fixture")
    return reverse(route.url_name, kwargs=url_kwargs[route.url_name])


def _check(route: AsyncRoute, identity: str) -> Callable:
    @pytest.mark.django_db
    def test_async_view_url(request: pytest.FixtureRequest, async_verify_url_kwargs: dict[str, dict]) -> None:
        from asgiref.sync import async_to_sync
        from django.test import AsyncClient

        url = _url_for(route, async_verify_url_kwargs)
        client = AsyncClient()
        if identity == "logged_in":
            client.force_login(request.getfixturevalue("async_verify_user"))
        # async_to_sync, as Django's own TestCase runs async tests: the view's ORM calls come
        # back to this thread and its test transaction.
        response = async_to_sync(client.get)(url)
        assert response.status_code < 500, f"{route.view} answered {response.status_code} to GET {url} ({identity})"

    return test_async_view_url


class _GeneratedTests(pytest.Module):
    """A module node for the generated tests; its object is this module, already imported."""

    def _getobj(self):  # documented by pytest as the hook for subclasses
        return sys.modules[__name__]


def _tests_directory(session: pytest.Session, items: list[pytest.Item]) -> pytest.Collector:
    directories = [node for node in items[0].iter_parents() if isinstance(node, pytest.Directory)] if items else []
    for directory in directories:  # innermost first: the first one that holds every item
        if all(directory.path in item.path.parents for item in items):
            return directory
    return session


def collect_url_checks(session: pytest.Session, items: list[pytest.Item]) -> list[pytest.Item]:
    from django.conf import settings

    if not settings.configured:
        raise pytest.UsageError("--async-verify-urls needs Django settings (configure pytest-django)")
    parent = _tests_directory(session, items)
    module = _GeneratedTests.from_parent(parent, path=Path(parent.path, "async-verify-urls"))
    generated = [
        pytest.Function.from_parent(
            module,
            name=f"{TEST_NAME}[{route.test_id}-{identity}]",
            callobj=_check(route, identity),
        )
        for route in async_routes()
        for identity in IDENTITIES
    ]
    # Report them as collected, so that "collected N items" and --collect-only count them.
    session.config.hook.pytest_collectreport(
        report=pytest.CollectReport(module.nodeid, "passed", None, generated)
    )
    return generated
