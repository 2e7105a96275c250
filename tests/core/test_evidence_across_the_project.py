"""What the rest of the project says about a function: awaited or handed to `async_to_sync`
somewhere, it is a coroutine function (DJA101 where it is called bare); handed to `sync_to_async`,
it blocks (DJA317)."""

import os
import textwrap
import time
from pathlib import Path

import pytest

from verify.api import check_paths, check_source


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "manage.py").write_text("")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "models.py").write_text("from django.db import models\n\nclass Product(models.Model):\n    name = models.CharField(max_length=10)\n")
    monkeypatch.chdir(tmp_path)

    def write(name: str, code: str) -> None:
        (shop / name).write_text(textwrap.dedent(code))

    return write


CLIENTS = """
    from somewhere import make_client, retry

    api = make_client("https://example.com")

    @retry(3)
    def fetch_prices(code):
        return api.prices(code)

    def sync_inventory():
        return api.inventory()
"""


def findings(select=("DJA1", "DJA2", "DJA3"), **options):
    return [(f.path, f.line, f.code, f.message) for f in check_paths(["shop"], select=list(select), **options).findings]


def test_a_function_the_project_awaits_elsewhere_is_a_coroutine_where_it_is_called_bare(project):
    project("clients.py", CLIENTS)
    project("tasks.py", """
        from asgiref.sync import async_to_sync
        from shop import clients
        from shop.clients import api

        async def refresh(request):
            await api.load(1)

        def nightly():
            async_to_sync(clients.fetch_prices)("all")
    """)
    project("views.py", """
        from django.http import JsonResponse
        from shop.clients import api, fetch_prices

        async def stock(request):
            api.load(2)
            prices = fetch_prices("y")
            return JsonResponse({"prices": prices})
    """)
    assert findings() == [
        ("shop/views.py", 6, "DJA101", "coroutine `api.load(2)` is never awaited: it never runs "
                                       "(a coroutine function: awaited at shop/tasks.py:7)"),
        ("shop/views.py", 7, "DJA101", "coroutine `fetch_prices(\"y\")` is stored in `prices` without `await`, then put in a "
                                       "dict passed to `JsonResponse()` (a coroutine function: wrapped in async_to_sync at shop/tasks.py:10)"),
    ]


def test_a_function_the_project_runs_with_sync_to_async_blocks_where_it_is_called_bare(project):
    project("clients.py", CLIENTS)
    project("tasks.py", """
        from asgiref.sync import sync_to_async
        from shop import clients

        async def refresh(request):
            await sync_to_async(clients.sync_inventory)()
    """)
    project("views.py", """
        from django.http import JsonResponse
        from shop.clients import sync_inventory

        async def stock(request):
            count = sync_inventory()
            return JsonResponse({"count": count})
    """)
    assert findings() == [
        ("shop/views.py", 6, "DJA317", "`sync_inventory()` blocks the event loop: the project runs `sync_inventory` in a "
                                       "thread (wrapped in sync_to_async at shop/tasks.py:6)"),
    ]


def test_a_method_wrapped_in_one_handler_and_called_bare_in_another(project):
    project("views.py", """
        from asgiref.sync import sync_to_async
        from django.http import JsonResponse
        from django.views import View
        from somewhere import slow_lookup

        class Base(View):
            def load(self):
                return slow_lookup(self.kwargs["code"])

        class Detail(Base):
            async def get(self, request, code):
                return JsonResponse(await sync_to_async(self.load)())

        class Summary(Base):
            async def get(self, request, code):
                return JsonResponse(self.load())

        class Unrelated(View):
            def load(self):
                return slow_lookup("x")

            async def get(self, request):
                return JsonResponse(self.load())
    """)
    assert findings() == [
        ("shop/views.py", 17, "DJA317", "`self.load()` blocks the event loop: the project runs `self.load` in a thread "
                                        "(wrapped in sync_to_async at shop/views.py:13)"),
    ]


def test_look_alikes_stay_clean(project):
    project("clients.py", CLIENTS + """
    def both():
        return 1

    def rebound():
        return 2

    rebound = sync_to_async(rebound)

    def plain():
        return 3
    """.replace("from somewhere", "from asgiref.sync import sync_to_async\n    from somewhere"))
    project("tasks.py", """
        from asgiref.sync import sync_to_async
        from shop import clients

        async def refresh(request):
            await clients.api.load(1)
            await clients.both()
            await sync_to_async(clients.both)()
            await sync_to_async(clients.sync_inventory)()
            await clients.rebound()
            await clients.plain()
    """)
    project("views.py", """
        import asyncio
        from asgiref.sync import sync_to_async
        from django.http import JsonResponse
        from shop.clients import api, both, plain, rebound, sync_inventory

        async def stock(request, load=None):
            task = asyncio.create_task(api.load(1))  # run by a task
            load(2)  # a parameter, not the module's object
            both()  # awaited in one place, run in a thread in another: no evidence
            value = await rebound()  # the name is the sync_to_async wrapper
            plain()  # a plain def the kit reads: sync, whatever another file does with it

            def in_thread():
                return sync_inventory()  # sync code run with sync_to_async

            count = await sync_to_async(in_thread)()
            other = await sync_to_async(sync_inventory)()
            return JsonResponse({"count": count, "other": other, "value": value, "task": await task})

        def sync_view(request):
            return JsonResponse({"count": sync_inventory()})

        def guarded(fn):
            return fn()

        async def run(fn, in_worker_thread):  # direct in one branch, in a thread in the other: on purpose
            if in_worker_thread:
                return guarded(fn)
            return await sync_to_async(guarded)(fn)

        class Stack:
            def __init__(self):
                self._phase_async = sync_to_async(self._phase)

            def _phase(self, request):
                return request

            async def __call__(self, request, inline):
                if inline:
                    return self._phase(request)
                return await self._phase_async(request)
    """)
    assert findings(select=("DJA",)) == []


def test_a_function_rebound_to_its_sync_to_async_wrapper_is_a_coroutine_function(project):
    project("stock.py", """
        from asgiref.sync import sync_to_async
        from somewhere import retry

        @retry(3)
        def count_products():
            return 1

        count_products = sync_to_async(count_products)
    """)
    project("views.py", """
        from django.http import JsonResponse
        from shop.stock import count_products

        async def a(request):
            return JsonResponse({"n": await count_products()})

        async def b(request):
            count_products()
            return JsonResponse({})
    """)
    assert [(path, line, code) for path, line, code, _ in findings()] == [("shop/views.py", 9, "DJA101")]


def test_a_wrapped_function_whose_body_the_kit_follows_is_reported_with_what_it_does(project):
    project("stock.py", """
        from shop.models import Product

        def count_products():
            return Product.objects.count()
    """)
    project("views.py", """
        from asgiref.sync import sync_to_async
        from django.http import JsonResponse
        from shop.stock import count_products

        async def a(request):
            return JsonResponse({"n": await sync_to_async(count_products)()})

        async def b(request):
            return JsonResponse({"n": count_products()})
    """)
    [(path, line, code, message)] = findings()
    assert (path, line, code) == ("shop/views.py", 10, "DJA102")


def _settled(path):
    """Backdate a file's modification time: the cache then knows it by its stat, unread."""
    old = time.time() - 10
    os.utime(path, (old, old))


def test_a_cached_result_is_stale_when_another_file_starts_awaiting_the_function(project, tmp_path):
    project("clients.py", CLIENTS)
    project("tasks.py", """
        async def refresh(request):
            pass
    """)
    project("views.py", """
        from shop.clients import api

        async def stock(request):
            api.load(2)
    """)
    for path in (tmp_path / "shop").iterdir():
        _settled(path)
    assert findings() == []
    assert findings() == []  # from the cache
    project("tasks.py", """
        from shop.clients import api

        async def refresh(request):
            await api.load(1)
    """)
    assert [(path, line, code) for path, line, code, _ in findings()] == [("shop/views.py", 5, "DJA101")]
    project("tasks.py", """
        async def refresh(request):
            pass
    """)
    assert findings() == []


def test_a_wrapped_helper_the_kit_follows_is_judged_by_what_this_call_loaded(project):
    (Path("shop") / "models.py").write_text(textwrap.dedent("""
        from django.db import models

        class Plan(models.Model):
            code = models.CharField(max_length=10)

        class Org(models.Model):
            plan = models.ForeignKey(Plan, on_delete=models.CASCADE)
    """))
    project("services.py", """
        def current_plan(org):
            return org.plan
    """)
    project("views.py", """
        from asgiref.sync import sync_to_async
        from django.http import JsonResponse
        from shop import services
        from shop.models import Org

        async def lazy(request, pk):  # the plan is not loaded: the helper runs in a thread
            org = await Org.objects.aget(pk=pk)
            plan = await sync_to_async(services.current_plan)(org)
            return JsonResponse({"plan": plan.code})

        async def loaded(request, pk):  # loaded by the query: nothing in the helper blocks here
            org = await Org.objects.select_related("plan").aget(pk=pk)
            return JsonResponse({"plan": services.current_plan(org).code})
    """)
    assert findings(select=("DJA",)) == []


def test_the_same_relative_path_checked_before_in_another_folder_does_not_confuse_module_names(tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "probe").mkdir(parents=True)  # no __init__.py: there "probe/views.py" is module "views"
    monkeypatch.chdir(elsewhere)
    check_source("async def f():\n    pass\n", "probe/views.py")
    project = tmp_path / "project"
    (project / "probe").mkdir(parents=True)
    (project / "manage.py").write_text("")
    (project / "probe" / "__init__.py").write_text("")
    (project / "probe" / "views.py").write_text(textwrap.dedent("""
        from asgiref.sync import sync_to_async
        from django.http import JsonResponse
        from django.views import View
        from somewhere import slow_lookup

        class Base(View):
            def load(self):
                return slow_lookup(self.kwargs["code"])

        class Wrapped(Base):
            async def get(self, request, code):
                return JsonResponse(await sync_to_async(self.load)())

        class Bare(Base):
            async def get(self, request, code):
                return JsonResponse(self.load())
    """))
    monkeypatch.chdir(project)
    assert [(f.path, f.line, f.code) for f in check_paths(["probe"], select=["DJA"]).findings] == [("probe/views.py", 17, "DJA317")]
