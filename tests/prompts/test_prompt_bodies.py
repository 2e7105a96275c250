"""Every prompt, rendered for Django 4.2, 5.2 and 6.1, names only async APIs that exist in that version.

The verifier's table (``verify.analysis.django_api``) is the single source of which async APIs exist and
when they arrived; the tutorial's inventions (``afilter``, ``aprofile``...) must never appear.
"""

import re

import pytest

from tests.prompts.conftest import render_context
from verify.assist import cheatsheet
from verify.analysis import django_api

VERSIONS = [(4, 2), (5, 2), (6, 1)]
CONTEXTS = [("chat", False), ("chat", True), ("prompt-file", False), ("skill", False)]
INVENTED = (
    django_api.NONEXISTENT_QUERYSET_METHODS
    | django_api.NONEXISTENT_MODEL_METHODS
    | set(django_api.NONEXISTENT_FUNCTIONS)
    | {"aprofile", "auser_profile", "arender", "asend_mail"}
)
# Names whose version ``added_in`` does not cover, from the same table module.
EXTRA_VERSIONS = {
    **dict.fromkeys(django_api.SESSION_ASYNC, django_api.SESSION_ASYNC_VERSION),
    **dict.fromkeys(django_api.CACHE_ASYNC, (4, 0)),
    **dict.fromkeys(django_api.ASYNC_PAGINATOR_METHODS, django_api.ASYNC_PAGINATOR_VERSION),
    **dict.fromkeys(("alogin", "aforce_login", "alogout", "asession"), (5, 0)),  # test client and auth, 5.0
    "AsyncPaginator": django_api.ASYNC_PAGINATOR_VERSION,
    "aenqueue": django_api.TASKS_VERSION,
    "django.tasks": django_api.TASKS_VERSION,
}
NAME = re.compile(r"\b(a[a-z_]{2,}|AsyncPaginator|django\.tasks)\b")
AWAITED = re.compile(r"\bawait\s+([\w.]+)\(")


def earliest_version(name: str):
    """The first Django version where ``name`` means some real async API (None: not an async API)."""
    versions = [v for v in (django_api.added_in(name), EXTRA_VERSIONS.get(name)) if v]
    return min(versions) if versions else None


def rendered_prompts():
    sheet = cheatsheet.load()
    for version in VERSIONS:
        for target, with_view in CONTEXTS:
            for prompt_id in sheet.prompts:
                yield pytest.param(sheet, prompt_id, render_context(version, target, with_view), id=f"{prompt_id}-{version[0]}.{version[1]}-{target}{'-view' if with_view else ''}")


@pytest.mark.parametrize("sheet, prompt_id, context", list(rendered_prompts()))
def test_prompt_names_no_invented_or_too_new_async_api(sheet, prompt_id, context):
    text = sheet.render(prompt_id, context)
    version = context["django_version"]
    names = set(NAME.findall(text))
    assert not names & INVENTED, f"invented APIs: {sorted(names & INVENTED)}"
    too_new = {name: earliest_version(name) for name in names if (earliest_version(name) or (0, 0)) > version}
    assert not too_new, f"APIs newer than Django {version}: {too_new}"
    real = django_api.all_async_names() | set(EXTRA_VERSIONS)
    awaited = {call.rpartition(".")[2] for call in AWAITED.findall(text)}
    unknown = {name for name in awaited if name.startswith("a")} - real
    assert not unknown, f"awaits async names the verifier does not know: {sorted(unknown)}"


def test_the_bodies_really_change_with_the_django_version():
    sheet = cheatsheet.load()
    old = sheet.render("convert-simple-view", render_context((4, 2)))
    new = sheet.render("convert-simple-view", render_context((6, 1)))
    assert "request.auser()" not in old and "sync_to_async(get_user)(request)" in old
    assert "await request.auser()" in new
    background_old = sheet.render("move-to-background-task", render_context((5, 2)))
    background_new = sheet.render("move-to-background-task", render_context((6, 1)))
    assert "aenqueue" not in background_old and "has no built-in task framework" in background_old
    assert "await send_confirmation.aenqueue(order.pk, email)" in background_new


def test_the_http_client_is_the_projects():
    sheet = cheatsheet.load()
    with_aiohttp = sheet.render("convert-external-api-view", {**render_context((6, 1)), "http_client": "aiohttp"})
    assert "aiohttp.ClientSession(" in with_aiohttp and "AsyncClient" not in with_aiohttp
    with_httpx2 = sheet.render("convert-external-api-view", render_context((6, 1)))
    assert "httpx2.AsyncClient(timeout=..., verify=TLS_CONTEXT)" in with_httpx2
    assert "`TLS_CONTEXT = httpx2.create_ssl_context()` once, at module level" in with_httpx2
    with_httpx = sheet.render("convert-external-api-view", {**render_context((6, 1)), "http_client": "httpx"})
    assert "httpx.AsyncClient(timeout=..., verify=TLS_CONTEXT)" in with_httpx and "suggest moving to httpx2" in with_httpx
    assert "ssl.create_default_context(cafile=certifi.where())" in with_httpx
    assert "ssl.create_default_context()" in with_aiohttp and "per request" not in with_aiohttp


def test_the_tutorials_wrong_advice_is_contradicted_not_repeated():
    text = cheatsheet.load().render("convert-simple-view", render_context((6, 1)))
    assert "`asyncio.gather` over queries still runs them serially" in text
    assert "A QuerySet is not awaitable" in text
    deployment = cheatsheet.load().render("configure-asgi-deployment", render_context((6, 1)))
    assert "`CONN_MAX_AGE` must be 0" in deployment
    assert "does not make the ORM async" in deployment
