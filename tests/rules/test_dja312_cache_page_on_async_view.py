"""DJA312 (and DJA403 before 5.0): `cache_page` on async views, per Django version.

Django's cache_page is make_middleware_decorator(CacheMiddleware): a sync-only wrapper before 5.0
(DJA403), an async wrapper from 5.0 that still calls the middleware's sync cache lookup and store
on the event loop (DJA312)."""

import textwrap

import pytest

from verify.api import check_source

HEADER = '''
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import cache_control, cache_page, never_cache
from django.views.decorators.vary import vary_on_cookie, vary_on_headers
'''


def found(code: str, version) -> list[tuple[int, str]]:
    results = check_source(HEADER + textwrap.dedent(code), "shop/views.py", target_version=version, select=["DJA312", "DJA403"])
    return [(f.line - HEADER.count("\n"), f.code) for f in results]


CACHED_VIEWS = '''
@cache_page(60 * 15)
async def product_list(request):
    return JsonResponse({})


class ProductDetail(View):
    @method_decorator(cache_page(60))
    async def get(self, request, pk):
        return JsonResponse({})


@method_decorator(cache_page(60), name="get")
class Catalogue(View):
    async def get(self, request):
        return JsonResponse({})
'''


@pytest.mark.parametrize(("version", "expected"), [
    # cache_page wraps in a sync function; method_decorator breaks the async methods on its own
    ((4, 2), [(2, "DJA403"), (8, "DJA403"), (13, "DJA403")]),
    ((5, 0), [(2, "DJA312"), (8, "DJA403"), (13, "DJA403")]),
    # method_decorator keeps async methods async from 5.2: the cache calls block the loop
    ((5, 2), [(2, "DJA312"), (8, "DJA312"), (13, "DJA312")]),
    ((6, 1), [(2, "DJA312"), (8, "DJA312"), (13, "DJA312")]),
])
def test_cache_page_on_async_views_per_version(version, expected):
    assert found(CACHED_VIEWS, version) == expected


def test_hints_name_the_fix_the_version_allows():
    before = check_source(HEADER + "@cache_page(60)\nasync def v(request):\n    return JsonResponse({})\n", "shop/views.py",
                          target_version=(4, 2), select=["DJA403"])
    after = check_source(HEADER + "@cache_page(60)\nasync def v(request):\n    return JsonResponse({})\n", "shop/views.py",
                         target_version=(6, 1), select=["DJA312"])
    assert before[0].hint.startswith("upgrade to Django 5.0+, or cache inside the view with `await cache.aget(key)`")
    assert "SynchronousOnlyOperation with the database cache" in after[0].message
    assert after[0].hint.startswith("cache inside the view with `await cache.aget(key)`")


def test_header_only_decorators_sync_views_and_sync_handlers_pass():
    assert found('''
        @vary_on_cookie
        @vary_on_headers("Accept-Language")
        @cache_control(max_age=60)
        @never_cache
        async def product_list(request):
            return JsonResponse({})


        @cache_page(60)
        def sync_list(request):
            return JsonResponse({})


        @method_decorator(cache_page(60), name="get")
        class SyncCatalogue(View):
            def get(self, request):
                return JsonResponse({})


        class Helpers:
            @staticmethod
            @cache_page(60)
            async def not_a_view(data):
                return data
    ''', (6, 1)) == []
