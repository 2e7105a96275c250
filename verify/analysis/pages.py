"""Pages of Django's paginators over a QuerySet, as the typing represents them.

A ``Page`` (from ``Paginator.page()`` run in a thread) or an ``AsyncPage`` (from ``await
AsyncPaginator(...).aget_page()``, Django 6.0+) holds the sliced QuerySet, unevaluated, as its
``object_list``: the typing keeps it as the page's ``object_list`` item. A sync ``Page`` runs
the query when it is read as a sequence (``len()``, iteration, indexing); an ``AsyncPage``
raises ``TypeError`` instead until ``await page.aget_object_list()`` has loaded it.
"""

from __future__ import annotations

from verify.analysis import django_api as api
from verify.analysis import types as ty
from verify.analysis.types import T

PAGE = "django.core.paginator.Page"
ASYNC_PAGE = "django.core.paginator.AsyncPage"
OBJECT_LIST = "object_list"


def page(cls: str, objects: T | None, origin: str) -> T | None:
    """The page a paginator over ``objects`` gives, when they are a lazy QuerySet."""
    if objects is None or not objects.is_lazy:
        return None
    return T(ty.OBJECT, cls=cls, items=((OBJECT_LIST, objects.with_(origin=f"{origin}.object_list")),), origin=origin)


def unloaded_page(value: T | None) -> str | None:
    """``"Page"`` or ``"AsyncPage"`` for a page whose QuerySet is not loaded yet, else None."""
    if value is None or value.kind != ty.OBJECT or value.cls not in (PAGE, ASYNC_PAGE):
        return None
    objects = dict(value.items).get(OBJECT_LIST)
    return value.cls.rsplit(".", 1)[1] if objects is not None and objects.is_lazy else None


def loaded(value: T, objects: T | None) -> T:
    """The page once its ``object_list`` is a list (``await page.aget_object_list()``)."""
    element = dict(value.items)[OBJECT_LIST].element()
    return value.with_(items=((OBJECT_LIST, objects or T(ty.LIST, elem=element)),))


def load_hint(kind: str, version: tuple[int, int], page: str = "page") -> str:
    """How to load a page's objects before it is read, in the target Django version."""
    if kind == "AsyncPage":
        return f"call `await {page}.aget_object_list()` first"
    if version >= api.ASYNC_PAGINATOR_VERSION:
        return f"use `AsyncPaginator` and call `await {page}.aget_object_list()` first"
    return f"load it first: `{page}.object_list = await sync_to_async(list)({page}.object_list)`"
