"""``--async-verify-urls``: one generated test per URL routed to an async view, per identity.

Each test requests the URL through ``AsyncClient`` (the ASGI handler, as in production):
anonymously, as a logged-in user with a session (``request.user`` and ``request.session`` only
hit the database when a session exists, so only that request shows those bugs) and, when the
project defines an ``async_verify_other_user`` fixture, as that other user. The async-verify
checks run on each; the test also fails on a 5xx answer. Every status is listed at the end of
the run, so that a URL that answers 200 to everyone (a dropped permission check) shows.

URL arguments come from the ``async_verify_url_kwargs`` fixture; without them, placeholder values
that the URL's converters accept (``1``, ``placeholder``, a zero UUID): the view then usually
answers 404, which still runs it, its decorators and its not-found path.

The tests hang under the directory that holds the collected tests, so that its conftest
fixtures (``async_verify_url_kwargs``, ``async_verify_user``) apply to them.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from verify.runtime.django_hooks import view_path

IDENTITIES = ("anonymous", "logged_in")
OTHER_USER = "other_user"
OTHER_USER_FIXTURE = "async_verify_other_user"
TEST_NAME = "test_async_view_url"
PLACEHOLDERS = ("1", "placeholder", "00000000-0000-0000-0000-000000000000")
_MAX_PLACEHOLDER_TRIES = 64
# What each generated test got, for the summary: (test id, identity) -> (URL, status or error, note).
STATUSES = pytest.StashKey[dict]()


@dataclass(frozen=True)
class Argument:
    name: str | None  # None for a positional regex group
    candidates: tuple[object, ...]  # placeholder values the pattern accepts, to try in turn


@dataclass(frozen=True)
class AsyncRoute:
    url_name: str | None  # with namespaces ("shop:order"), None for an unnamed pattern
    takes_arguments: bool
    literal_path: str | None  # the URL of an unnamed pattern without arguments (nothing to reverse)
    view: str  # dotted path of the view
    arguments: tuple[Argument, ...] = field(default=(), compare=False)

    @property
    def test_id(self) -> str:
        return self.url_name or self.literal_path or self.view


def async_routes() -> list[AsyncRoute]:
    """Every URL pattern of the project's URLconf whose view is a coroutine function."""
    from django.urls import get_resolver

    return list(_walk(get_resolver().url_patterns, namespaces=(), prefix="", arguments=()))


def _walk(patterns, namespaces: tuple[str, ...], prefix: str, arguments: tuple[Argument, ...]) -> Iterator[AsyncRoute]:
    from asgiref.sync import iscoroutinefunction
    from django.urls import URLResolver

    for pattern in patterns:
        route = prefix + _route_text(pattern.pattern)
        taken = (*arguments, *_arguments(pattern.pattern))
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _walk(pattern.url_patterns, inner, route, taken)
        elif iscoroutinefunction(pattern.callback):
            yield AsyncRoute(
                url_name=":".join((*namespaces, pattern.name)) if pattern.name else None,
                takes_arguments=bool(taken),
                literal_path=None if pattern.name or taken else "/" + route,
                view=view_path(pattern.callback),
                arguments=taken,
            )


def _arguments(pattern) -> tuple[Argument, ...]:
    """The arguments a pattern takes, each with the placeholder values it accepts."""
    converters = getattr(pattern, "converters", {})
    if converters:  # path(): each converter says which values it takes
        return tuple(Argument(name, _accepted(converter)) for name, converter in converters.items())
    regex = pattern.regex
    if regex.groupindex:  # re_path() with named groups: reverse() checks the values against the regex
        return tuple(Argument(name, PLACEHOLDERS) for name in regex.groupindex)
    return tuple(Argument(None, PLACEHOLDERS) for _ in range(regex.groups))


def _accepted(converter) -> tuple[object, ...]:
    values = []
    for text in PLACEHOLDERS:
        if re.fullmatch(converter.regex, text):
            try:
                values.append(converter.to_python(text))
            except ValueError:
                continue
    return tuple(values)


def _route_text(pattern) -> str:
    """The literal URL text of a pattern without arguments (``^orders/$`` -> ``orders/``)."""
    from django.urls.resolvers import RegexPattern

    text = str(pattern)
    if isinstance(pattern, RegexPattern):  # str() is the regex
        text = re.sub(r"\\(.)", r"\1", text.removeprefix("^").removesuffix("$"))
    return text


def _url_for(route: AsyncRoute, url_kwargs: dict[str, dict]) -> tuple[str, str]:
    """The URL to request and how its arguments were chosen."""
    from django.urls import reverse

    if route.literal_path is not None:
        return route.literal_path, ""
    if route.url_name is None:
        pytest.skip(f"unnamed URL pattern with arguments for {route.view}: name it to have it checked")
    if not route.takes_arguments:
        return reverse(route.url_name), ""
    if route.url_name in url_kwargs:
        return reverse(route.url_name, kwargs=url_kwargs[route.url_name]), ""
    url = _placeholder_url(route)
    if url is None:
        pytest.skip(
            f"{route.url_name} takes URL arguments that no placeholder fits: "
            "add them to the async_verify_url_kwargs fixture"
        )
    return url, "placeholder arguments"


def _placeholder_url(route: AsyncRoute) -> str | None:
    from django.urls import NoReverseMatch, reverse

    names = [argument.name for argument in route.arguments]
    choices = itertools.product(*(argument.candidates for argument in route.arguments))
    for values in itertools.islice(choices, _MAX_PLACEHOLDER_TRIES):
        try:
            if all(name is not None for name in names):
                return reverse(route.url_name, kwargs=dict(zip(names, values)))
            return reverse(route.url_name, args=values)
        except NoReverseMatch:
            continue
    return None


def _check(route: AsyncRoute, identity: str) -> Callable:
    @pytest.mark.django_db
    def test_async_view_url(request: pytest.FixtureRequest, async_verify_url_kwargs: dict[str, dict]) -> None:
        from asgiref.sync import async_to_sync
        from django.test import AsyncClient

        url, note = _url_for(route, async_verify_url_kwargs)
        client = AsyncClient()
        if identity != "anonymous":
            fixture = OTHER_USER_FIXTURE if identity == OTHER_USER else "async_verify_user"
            client.force_login(request.getfixturevalue(fixture))
        # async_to_sync, as Django's own TestCase runs async tests: the view's ORM calls come
        # back to this thread and its test transaction.
        statuses = request.config.stash.setdefault(STATUSES, {})
        try:
            response = async_to_sync(client.get)(url)
        except Exception as error:  # the test client re-raises the view's exception
            statuses[route.test_id, identity] = (url, f"raised {type(error).__name__}", note)
            raise
        statuses[route.test_id, identity] = (url, response.status_code, note)
        assert response.status_code < 500, f"{route.view} answered {response.status_code} to GET {url} ({identity})"

    return test_async_view_url


def status_summary(config: pytest.Config) -> list[str]:
    """One line per URL checked: the status each identity got."""
    statuses = config.stash.get(STATUSES, {})
    by_url: dict[str, dict[str, tuple[str, int | str, str]]] = {}
    for (test_id, identity), answer in statuses.items():
        by_url.setdefault(test_id, {})[identity] = answer
    lines = []
    for test_id, answers in by_url.items():
        url, _, note = next(iter(answers.values()))
        cells = "  ".join(
            f"{identity} {answers[identity][1]}" for identity in (*IDENTITIES, OTHER_USER) if identity in answers
        )
        lines.append(f"{test_id}  GET {url}  {cells}{f'  ({note})' if note else ''}")
    return lines


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
    # The other user's requests only where the project names one (a fixture visible here).
    has_other_user = session._fixturemanager.getfixturedefs(OTHER_USER_FIXTURE, module) is not None
    identities = (*IDENTITIES, OTHER_USER) if has_other_user else IDENTITIES
    generated = [
        pytest.Function.from_parent(
            module,
            name=f"{TEST_NAME}[{route.test_id}-{identity}]",
            callobj=_check(route, identity),
        )
        for route in async_routes()
        for identity in identities
    ]
    # Report them as collected, so that "collected N items" and --collect-only count them.
    session.config.hook.pytest_collectreport(
        report=pytest.CollectReport(module.nodeid, "passed", None, generated)
    )
    return generated
