"""Does the async conversion answer like the legacy view? Same requests, compared answers.

Each request goes through Django's full stack (middleware, sessions, auth, CSRF) with the test
``Client``: a temporary URLconf routes the request's path to the view under test and then
includes the project's own URLconf, so ``reverse()`` and ``{% url %}`` keep working. Every request
runs in a transaction that is rolled back, so the second view sees the data the first one saw
(the async view's ORM calls come back to the test's thread through ``async_to_sync``, onto the
same connection).

Compared: status code, selected headers (the redirect target is ``Location``), the body (parsed
when JSON, with CSRF tokens masked when text), the template names, and the page's context with
QuerySets compared by their evaluated contents. The page's context is the response's own: a
``TemplateResponse``'s ``context_data``, else the context of the last template rendered at the
top level (not included or extended), so an email rendered before the page is not compared. A
view that raises answers 500 with its exception's type, compared instead of the body.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import pprint
import re
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from verify.runtime.django_hooks import view_path

COMPARED_HEADERS = ("Content-Type", "Location", "Cache-Control", "Content-Disposition")
_CSRF_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_MAX_DIFF_LINES = 40


@dataclass(frozen=True)
class RequestSpec:
    """One request to send to both views. A bare string is a GET of that path."""

    path: str
    method: str = "get"
    data: Mapping[str, Any] | str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str | None = None
    # Keyword arguments for the view; default: what the project's URLconf resolves for ``path``.
    view_kwargs: Mapping[str, Any] | None = None

    @classmethod
    def coerce(cls, spec: str | RequestSpec) -> RequestSpec:
        return spec if isinstance(spec, RequestSpec) else cls(spec)

    def describe(self, user) -> str:
        who = f"logged in as {user.get_username()!r}" if user is not None else "anonymous"
        return f"{self.method.upper()} {self.path} ({who})"


@dataclass(frozen=True)
class Answer:
    """What a view answered, reduced to what can be compared."""

    status: int
    headers: dict[str, str | None]
    body: Any
    templates: tuple[str, ...]
    context: dict[str, Any]
    exception: str | None = None  # the type of the exception the view raised, if it raised


@dataclass(frozen=True)
class _Opaque:
    """A context value without its own ``__eq__``: compared by type only, not by identity."""

    type_name: str

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


def assert_views_equivalent(
    legacy_view: Callable,
    async_view: Callable,
    *requests: str | RequestSpec,
    user=None,
    headers: Iterable[str] = COMPARED_HEADERS,
) -> None:
    """Send each request to both views, anonymously and (if ``user`` is given) logged in as ``user``.

    Raises ``AssertionError`` listing every difference. Needs database access (pytest-django's
    ``db`` fixture or ``django_db`` marker) and a sync test: it drives the sync test ``Client``.
    """
    __tracebackhide__ = True  # the failure is the message, not this helper's code
    if not requests:
        raise ValueError("assert_views_equivalent needs at least one request (a path or a RequestSpec)")
    if _loop_running():
        raise RuntimeError("assert_views_equivalent drives the sync test Client: call it from a sync test")
    headers = tuple(headers)
    failures = []
    for spec in map(RequestSpec.coerce, requests):
        for identity in (None, user) if user is not None else (None,):
            legacy = _answer(legacy_view, spec, identity, headers)
            converted = _answer(async_view, spec, identity, headers)
            differences = _differences(legacy, converted)
            if differences:
                failures.append(f"{spec.describe(identity)}:\n" + "\n".join(differences))
    if failures:
        names = f"{view_path(legacy_view)} (legacy) and {view_path(async_view)} (async)"
        raise AssertionError(f"{names} answer differently\n\n" + "\n\n".join(failures))


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _answer(view: Callable, spec: RequestSpec, user, headers: tuple[str, ...]) -> Answer:
    from django.db import transaction
    from django.test import Client, override_settings

    with transaction.atomic():
        # A view that raises answers 500 here, as it would in production, instead of raising.
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        with override_settings(ROOT_URLCONF=_urlconf_routing(spec, view)), _page_renders() as renders:
            send = getattr(client, spec.method.lower())
            options = {"headers": dict(spec.headers)}
            if spec.content_type is not None:
                options["content_type"] = spec.content_type
            response = send(spec.path, spec.data, **options)
            exc_info = getattr(response, "exc_info", None)
            answer = Answer(
                status=response.status_code,
                headers={name: response.get(name) for name in headers},
                # A 500 page says nothing the exception's type does not (and DEBUG's differs each time).
                body=None if exc_info else _body(response),
                templates=tuple(template.name for template in response.templates),
                context=_page_context(response, renders),
                exception=_qualified_name(exc_info[0]) if exc_info else None,
            )
        transaction.set_rollback(True)
    return answer


def _qualified_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


@contextmanager
def _page_renders() -> Iterator[list[dict[str, Any]]]:
    """The view's values of each template rendered at the top level, in order.

    Django's test instrumentation signals every template rendered, included and extended ones
    too; those reuse the context of the template that pulled them in, so the first template seen
    with a given context object is the one rendered at the top level.
    """
    from django.test.signals import template_rendered

    contexts: list[object] = []
    renders: list[dict[str, Any]] = []

    def record(sender, template, context, **kwargs) -> None:
        if any(seen is context for seen in contexts):
            return
        contexts.append(context)  # kept alive, so no later context can take its place
        renders.append(_view_values(context))

    template_rendered.connect(record, dispatch_uid="async_verify_page_renders")
    try:
        yield renders
    finally:
        template_rendered.disconnect(dispatch_uid="async_verify_page_renders")


def _view_values(context) -> dict[str, Any]:
    """The values a view passed to a template, without context processors' output."""
    # dicts[0] holds True/False/None. RequestContext keeps the context processors' output at
    # _processors_index (Django has done so since 1.8); it differs per request (csrf_token, perms).
    processors_index = getattr(context, "_processors_index", None)
    values: dict[str, Any] = {}
    for index, layer in enumerate(context.dicts[1:], start=1):
        if index != processors_index:
            values.update(layer)
    return values


def _urlconf_routing(spec: RequestSpec, view: Callable) -> types.ModuleType:
    """A URLconf module that sends ``spec.path`` to ``view``, then falls back to the project's."""
    from django.conf import settings
    from django.urls import Resolver404, include, re_path, resolve

    route = spec.path.split("?", 1)[0]
    kwargs = spec.view_kwargs
    if kwargs is None:
        try:
            kwargs = resolve(route).kwargs
        except Resolver404:
            kwargs = {}
    urlconf = types.ModuleType("async_verify_equivalence_urls")
    urlconf.urlpatterns = [
        re_path(rf"^{re.escape(route.lstrip('/'))}$", view, kwargs=dict(kwargs)),
        re_path(r"", include(settings.ROOT_URLCONF)),
    ]
    return urlconf


def _body(response) -> Any:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    content_type = response.get("Content-Type", "")
    if "json" in content_type:
        try:
            return json.loads(content)
        except ValueError:
            pass
    if content_type.startswith("text/") or "json" in content_type:
        text = content.decode(response.charset or "utf-8", errors="replace")
        # The masked CSRF token differs on every render, even of the same view.
        return _CSRF_TOKEN.sub(r"\1<csrf token>\2", text)
    return content


def _page_context(response, renders: list[dict[str, Any]]) -> dict[str, Any]:
    """The response's own template context: a TemplateResponse's, else the last top-level render's."""
    from django.template.response import SimpleTemplateResponse

    if isinstance(response, SimpleTemplateResponse):
        values = dict(response.context_data or {})
    elif renders:
        values = renders[-1]
    else:
        return {}
    return {key: _comparable(value) for key, value in values.items()}


def _comparable(value: Any) -> Any:
    from django.core.paginator import Page
    from django.db.models import Manager, QuerySet
    from django.forms import BaseForm

    if isinstance(value, Manager):
        value = value.all()
    if isinstance(value, QuerySet):
        return [_comparable(item) for item in value]
    if isinstance(value, Page):
        return {"page": value.number, "object_list": _comparable(list(value.object_list))}
    if isinstance(value, BaseForm):
        return {
            "form": type(value).__qualname__,
            "data": dict(value.data),
            "errors": value.errors.get_json_data() if value.is_bound else None,
        }
    if isinstance(value, Mapping):
        return {key: _comparable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_comparable(item) for item in value]
    if type(value).__eq__ is object.__eq__:
        return _Opaque(type(value).__qualname__)
    return value


def _differences(legacy: Answer, converted: Answer) -> list[str]:
    lines = []
    if legacy.status != converted.status:
        lines.append(f"  status: legacy {legacy.status}, async {converted.status}")
    if legacy.exception != converted.exception:
        lines.append(f"  raised: legacy {legacy.exception or 'nothing'}, async {converted.exception or 'nothing'}")
    for name, value in legacy.headers.items():
        if value != converted.headers[name]:
            lines.append(f"  header {name}: legacy {value!r}, async {converted.headers[name]!r}")
    if legacy.templates != converted.templates:
        lines.append(f"  templates: legacy {list(legacy.templates)}, async {list(converted.templates)}")
    for key in sorted(legacy.context.keys() | converted.context.keys()):
        if key not in converted.context:
            lines.append(f"  context[{key!r}]: only the legacy view sets it")
        elif key not in legacy.context:
            lines.append(f"  context[{key!r}]: only the async view sets it")
        elif legacy.context[key] != converted.context[key]:
            lines.append(f"  context[{key!r}]:")
            lines.extend(_diff(legacy.context[key], converted.context[key]))
    # A 500 page's body is not compared: the exceptions' types are.
    if legacy.body != converted.body and not (legacy.exception or converted.exception):
        lines.append("  body:")
        lines.extend(_diff(legacy.body, converted.body))
    return lines


def _diff(legacy: Any, converted: Any) -> list[str]:
    def text(value: Any) -> list[str]:
        return (value if isinstance(value, str) else pprint.pformat(value, width=90)).splitlines()

    diff = list(difflib.unified_diff(text(legacy), text(converted), "legacy", "async", lineterm=""))
    if len(diff) > _MAX_DIFF_LINES:
        diff = [*diff[:_MAX_DIFF_LINES], f"... {len(diff) - _MAX_DIFF_LINES} more diff lines"]
    return [f"    {line}" for line in diff]
