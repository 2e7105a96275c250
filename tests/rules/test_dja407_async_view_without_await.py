"""DJA407 (info): async views that await nothing."""

import textwrap

from verify.api import check_source
from verify.analysis.finding import Severity

HEADER = '''
import asyncio

from django.http import JsonResponse, StreamingHttpResponse
from django.views import View
from shop.models import Order
'''


def findings(code: str):
    # served by WSGI: the only deployment DJA407 advises on (test_dja407_deployment.py reads it from real projects)
    return check_source(HEADER + textwrap.dedent(code), "shop/views.py", select=["DJA407"], served_by_wsgi=True)


def flagged(code: str) -> list[int]:
    return [f.line - HEADER.count("\n") for f in findings(code)]


def test_async_function_view_without_await_is_reported_as_info():
    [finding] = findings('''
        async def health(request):
            return JsonResponse({"status": "ok"})
    ''')
    assert finding.severity is Severity.INFO
    assert "`health` awaits nothing" in finding.message
    assert finding.line - HEADER.count("\n") == 2


def test_class_handlers_are_reported_only_when_no_sibling_handler_awaits():
    assert flagged('''
        class Health(View):
            async def get(self, request):
                return JsonResponse({"status": "ok"})


        class Orders(View):
            async def get(self, request):
                return JsonResponse({})

            async def post(self, request):
                await Order.objects.acreate()
                return JsonResponse({})
    ''') == [3]


def test_views_with_async_work_helpers_streams_and_stubs_pass():
    assert findings('''
        async def orders(request):
            return JsonResponse({"count": await Order.objects.acount()})


        async def listing(request):
            return JsonResponse({"ids": [o.id async for o in Order.objects.all()]})


        async def events():
            yield b"tick"


        async def stream(request):
            return StreamingHttpResponse(events())


        async def background(request):
            asyncio.get_running_loop()
            return JsonResponse({})


        async def _private(request):
            return {}


        async def context_for(request):
            return {"path": request.path}


        async def page(request):
            return JsonResponse(await context_for(request))


        async def not_ready(request):
            raise NotImplementedError


        async def compute(values):
            return sum(values)


        class Client:
            async def get(self, request):
                return None
    ''') == []
