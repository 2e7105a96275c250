"""Coroutine mistakes real projects ship (issue 17, section 2): the wrapper awaited instead of
called, the test client's coroutines, and handlers narrowed by `iscoroutinefunction`."""

import pytest


def test_awaiting_the_sync_to_async_wrapper_itself_is_flagged(findings):
    [finding] = findings('''
        def load():
            return Product.objects.first()

        async def v(request):
            product = await sync_to_async(load)
            return HttpResponse(product.name)
        ''', select=["DJA104"])
    assert "never called" in finding.message
    assert finding.hint == "call the wrapper, then await it: `await sync_to_async(load)(...)`"


def test_the_wrapper_called_then_awaited_and_used_as_a_decorator_pass(check):
    assert check('''
        def load():
            return Product.objects.first()

        @sync_to_async
        def load_again():
            return Product.objects.first()

        async def v(request):
            product = await sync_to_async(load)()
            other = await sync_to_async(load, thread_sensitive=True)()
            third = await load_again()
            fetch = sync_to_async(load)
            fourth = await fetch()
            return HttpResponse(product.name + other.name + third.name + fourth.name)
        ''') == []


@pytest.mark.parametrize(
    "code",
    [
        """
        class OrderTests(TestCase):
            async def test_detail(self):
                response = self.async_client.get("/orders/1/")
                self.assertEqual(response.status_code, 200)
        """,
        """
        async def test_detail(async_client):
            response = async_client.post("/orders/", {"total": 1})
            assert response.status_code == 302
        """,
        """
        from django.test import AsyncClient

        async def test_detail():
            client = AsyncClient()
            client.get("/orders/1/")
        """,
    ],
)
def test_unawaited_async_test_client_calls_are_flagged(check, code):
    assert check(code) == ["DJA101"]


@pytest.mark.parametrize(
    "code",
    [
        """
        class OrderTests(TestCase):
            async def test_detail(self):
                response = await self.async_client.get("/orders/1/")
                self.assertEqual(response.status_code, 200)

            def test_sync(self):
                response = self.client.get("/orders/1/")
                self.assertEqual(response.status_code, 200)
        """,
        """
        async def test_detail(async_client, client):
            response = await async_client.post("/orders/", {"total": 1})
            other = client.get("/orders/")
            assert response.status_code == 302 and other.status_code == 200
        """,
        # a parameter named async_client outside a test: not known
        """
        async def fetch(async_client):
            response = async_client.get("/orders/1/")
            return response.status_code
        """,
    ],
)
def test_awaited_test_client_calls_pass(check, code):
    assert check(code) == []


@pytest.mark.parametrize(
    "code",
    [
        """
        from asgiref.sync import iscoroutinefunction

        class TimingMiddleware:
            def __init__(self, get_response):
                self.get_response = get_response

            async def __call__(self, request):
                if iscoroutinefunction(self.get_response):
                    response = self.get_response(request)
                    response["X-Timing"] = "1"
                    return response
                return await sync_to_async(self.get_response)(request)
        """,
        """
        import inspect

        async def run_hook(hook, order):
            if inspect.iscoroutinefunction(hook):
                hook(order)
            else:
                await sync_to_async(hook)(order)
        """,
        """
        async def run_hook(hook, order):
            if not asyncio.iscoroutinefunction(hook):
                return await sync_to_async(hook)(order)
            else:
                result = hook(order)
                return result.status
        """,
        """
        async def run_hook(hook, order):
            if getattr(hook, "is_async", False):
                hook(order)
        """,
        # an async view that hands its request to another async view without await
        """
        async def order_detail(request, pk):
            return HttpResponse(pk)

        async def legacy_order_detail(request, pk):
            return order_detail(request, pk)
        """,
        """
        async def order_detail(request, pk):
            return HttpResponse(pk)

        class OrderView(View):
            async def get(self, request, pk):
                response = order_detail(request, pk)
                return response
        """,
    ],
)
def test_coroutines_known_from_the_code_around_them_are_flagged(check, code):
    assert check(code) == ["DJA101"]


@pytest.mark.parametrize(
    "code",
    [
        """
        from asgiref.sync import iscoroutinefunction

        class TimingMiddleware:
            def __init__(self, get_response):
                self.get_response = get_response

            async def __call__(self, request):
                if iscoroutinefunction(self.get_response):
                    response = await self.get_response(request)
                else:
                    response = await sync_to_async(self.get_response)(request)
                return response
        """,
        """
        import inspect

        async def run_hook(hook, order):
            if inspect.iscoroutinefunction(hook):
                return await hook(order)
            return hook(order)

        async def run_other(hook, order):
            if inspect.iscoroutinefunction(hook):
                task = asyncio.ensure_future(hook(order))
                await task
            hook(order)
        """,
        # a coroutine function's caller awaits what it returns: handing a coroutine on is fine
        """
        async def order_detail(request, pk):
            return HttpResponse(pk)

        async def pick(view, request, pk):
            return order_detail(request, pk)

        async def legacy_order_detail(request, pk):
            return await order_detail(request, pk)
        """,
    ],
)
def test_handed_on_or_awaited_coroutines_pass(check, code):
    assert check(code) == []


@pytest.mark.parametrize(
    "code",
    [
        """
        async def dashboard(request):
            context = {"orders": Order.objects.acount(), "title": "Dashboard"}
            return render(request, "dashboard.html", context)
        """,
        """
        async def dashboard(request):
            context = {"title": "Dashboard"}
            context["orders"] = Order.objects.acount()
            return TemplateResponse(request, "dashboard.html", context=context)
        """,
        """
        async def dashboard(request):
            counts = [Order.objects.acount(), 0]
            return JsonResponse(counts, safe=False)
        """,
    ],
)
def test_coroutines_put_in_a_context_are_flagged_where_they_are_made(findings, code):
    [finding] = findings(code)
    assert finding.code == "DJA101" and "acount()" in finding.message
    assert finding.hint.startswith("write `await ")
    [(line, _, note)] = finding.related
    assert line > finding.line and "passed to" in note


@pytest.mark.parametrize(
    "code",
    [
        # gathered: the dict holds coroutines on purpose
        """
        async def dashboard(request):
            jobs = {"orders": Order.objects.acount(), "products": Product.objects.acount()}
            counts = await asyncio.gather(*jobs.values())
            return render(request, "dashboard.html", dict(zip(jobs, counts)))
        """,
        """
        async def dashboard(request):
            jobs = [Order.objects.acount(), Product.objects.acount()]
            orders, products = await asyncio.gather(*jobs)
            return JsonResponse({"orders": orders, "products": products})
        """,
        """
        async def dashboard(request):
            context = {"title": "Dashboard"}
            context["orders"] = await Order.objects.acount()
            return render(request, "dashboard.html", context)
        """,
    ],
)
def test_gathered_or_awaited_context_values_pass(check, code):
    assert check(code) == []


def test_the_async_paginators_elided_page_range_is_an_async_generator(findings):
    found = findings('''
        from django.core.paginator import AsyncPaginator

        async def pages(request):
            paginator = AsyncPaginator([1, 2, 3], 1)
            first = [p async for p in paginator.aget_elided_page_range(2)]
            page_range = paginator.aget_elided_page_range(1)
            more = [p async for p in page_range]
            wrong = await paginator.aget_elided_page_range(1)
            return JsonResponse({"pages": first + more})
        ''')
    assert [(f.code, f.line - 7) for f in found] == [("DJA104", 9)]


@pytest.mark.parametrize(
    "code",
    [
        # django-ninja 1.4.0's fix_request_files_middleware: the async branch of a middleware factory
        """
        from asgiref.sync import iscoroutinefunction
        from django.utils.decorators import sync_and_async_middleware

        @sync_and_async_middleware
        def files_middleware(get_response):
            if iscoroutinefunction(get_response):
                async def middleware(request):
                    request.seen = True
                    return get_response(request)
                return middleware

            def sync_middleware(request):
                return get_response(request)
            return sync_middleware
        """,
        # the async def after the sync branch returned
        """
        import asyncio

        def timing_middleware(get_response):
            if not asyncio.iscoroutinefunction(get_response):
                def sync_middleware(request):
                    return get_response(request)
                return sync_middleware

            async def middleware(request):
                response = get_response(request)
                response["X-Timing"] = "1"
                return response
            return middleware
        """,
    ],
)
def test_get_response_of_a_middleware_factory_async_branch_is_a_coroutine_function(findings, code):
    [finding] = findings(code)
    assert finding.code == "DJA101" and "get_response(request)" in finding.message


@pytest.mark.parametrize(
    "code",
    [
        """
        from asgiref.sync import iscoroutinefunction

        def files_middleware(get_response):
            if iscoroutinefunction(get_response):
                async def middleware(request):
                    return await get_response(request)
                return middleware

            def sync_middleware(request):
                return get_response(request)
            return sync_middleware
        """,
        # the nested def takes its own get_response: nothing is known about that one
        """
        from asgiref.sync import iscoroutinefunction

        def wrap(get_response):
            if iscoroutinefunction(get_response):
                async def call(get_response, request):
                    return get_response(request)
                return call
            return get_response
        """,
        # the async def in the sync branch knows nothing about get_response
        """
        from asgiref.sync import iscoroutinefunction

        def wrap(get_response):
            if iscoroutinefunction(get_response):
                return get_response

            async def call(request):
                return await sync_to_async(get_response)(request)
            return call
        """,
    ],
)
def test_get_response_awaited_shadowed_or_sync_in_a_middleware_factory_passes(check, code):
    assert check(code) == []


def test_an_async_callable_handed_to_a_sync_helper_that_drops_its_coroutine_is_flagged(findings):
    # django-allauth 0.61.0's AccountMiddleware: "coroutine 'SyncToAsync.__call__' was never awaited"
    found = findings('''
        def _remove_dangling_login(request, response, session_check):
            if response.status_code // 100 != 2:
                return
            session_check(request)

        def _session_check(request):
            request.session.pop("account_login", None)

        async def _notify(request):
            return None

        def account_middleware(get_response):
            async def middleware(request):
                response = await get_response(request)
                _remove_dangling_login(request, response, sync_to_async(_session_check))
                _remove_dangling_login(request, response, _notify)
                return response
            return middleware
        ''')
    assert [f.code for f in found] == ["DJA101", "DJA101"]
    assert found[0].message.startswith("`sync_to_async(_session_check)` (its calls make coroutines) is handed to the sync "
                                       "function `_remove_dangling_login()`, which calls it without `await` (`session_check(request)`")
    assert found[1].message.startswith("coroutine function `_notify` is handed to the sync function `_remove_dangling_login()`")


def test_an_async_callable_a_helper_returns_awaits_elsewhere_or_gets_sync_passes(check):
    assert check('''
        def _run_hook(request, hook):
            return hook(request)

        def _schedule(request, hook):
            asyncio.ensure_future(hook(request))
            def later():
                hook(request)
            return later

        def _check(request):
            request.session.pop("account_login", None)

        def _remove(request, check):
            check(request)

        async def _notify(request):
            return None

        async def middleware(request):
            await _run_hook(request, sync_to_async(_check))
            _schedule(request, _notify)
            await sync_to_async(_remove)(request, _check)
            return HttpResponse()
        ''') == []
