"""`self.hook()` in an async method of a base class runs the override of each project subclass
that inherits the method: a sync override that queries runs on the event loop, an `async def`
override called without `await` is a coroutine nobody awaits."""

import os
import textwrap
import time

import pytest

from verify.api import check_paths

BASE = """
from django.http import JsonResponse
from django.views import View


class BaseListView(View):
    async def get(self, request):
        data = self.get_data()
        extra = self.get_extra()
        return JsonResponse({"data": data, "extra": extra})

    def get_data(self):
        return {}

    def get_extra(self):
        return {}
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "manage.py").write_text("")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "models.py").write_text("from django.db import models\n\nclass Product(models.Model):\n    name = models.CharField(max_length=10)\n")
    (shop / "base.py").write_text(BASE)
    monkeypatch.chdir(tmp_path)

    def write(name: str, code: str) -> None:
        (shop / name).write_text(textwrap.dedent(code))

    return write


def findings():
    return [(f.path, f.line, f.code, f.message) for f in check_paths(["shop"], select=["DJA"]).findings]


def test_a_sync_override_that_queries_and_an_async_override_called_bare(project):
    project("views.py", """
        from shop import base
        from shop.models import Product


        class ProductList(base.BaseListView):
            def get_data(self):
                return {"count": Product.objects.count()}

            async def get_extra(self):
                return {}
    """)
    assert findings() == [
        ("shop/base.py", 8, "DJA102", "`self.get_data()` (the override `ProductList.get_data`, views.py:7) -> `Product.objects.count()` "
                                      "runs a database query synchronously in async code (raises SynchronousOnlyOperation) (views.py:8)"),
        ("shop/base.py", 9, "DJA101", "coroutine `self.get_extra()` is never awaited: it runs the `async def` override "
                                      "`ProductList.get_extra` (views.py:10)"),
    ]


def test_an_override_in_an_intermediate_class_names_the_class_that_runs_it(project):
    project("views.py", """
        from shop.base import BaseListView
        from shop.models import Product


        class Counting(BaseListView):
            def get_data(self):
                return {"count": Product.objects.count()}


        class ProductList(Counting):
            pass
    """)
    [(path, line, code, message)] = findings()
    assert (path, line, code) == ("shop/base.py", 8, "DJA102")
    assert message.startswith("`self.get_data()` (the override `Counting.get_data`, views.py:7) -> ")


def test_look_alikes_stay_clean(project):
    project("views.py", """
        import inspect

        from django.http import JsonResponse
        from django.views import View
        from shop import base
        from shop.models import Product


        class OwnGet(base.BaseListView):  # its own get: the base's never runs for it
            def get_data(self):
                return {"count": Product.objects.count()}

            async def get(self, request):
                return JsonResponse({})


        class Plain(base.BaseListView):  # overrides that do nothing blocking
            def get_data(self):
                return {"x": 1}


        class Unrelated(View):  # not a subclass: its methods of the same names are its own
            def get_data(self):
                return {"count": Product.objects.count()}


        class Dual(View):
            async def get(self, request):
                result = self.get_data()
                if inspect.isawaitable(result):  # both kinds are supported on purpose
                    result = await result
                return JsonResponse(result)

            def get_data(self):
                return {}


        class AsyncData(Dual):
            async def get_data(self):
                return {}
    """)
    assert findings() == []


def test_the_cached_result_of_the_base_is_stale_when_a_subclass_appears(project, tmp_path):
    old = time.time() - 10
    for path in (tmp_path / "shop").iterdir():
        os.utime(path, (old, old))
    assert findings() == []
    assert findings() == []  # from the cache
    project("views.py", """
        from shop import base
        from shop.models import Product


        class ProductList(base.BaseListView):
            def get_data(self):
                return {"count": Product.objects.count()}
    """)
    assert [(path, line, code) for path, line, code, _ in findings()] == [("shop/base.py", 8, "DJA102")]
