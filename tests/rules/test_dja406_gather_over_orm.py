"""DJA406 (info): asyncio.gather over Django ORM calls runs them serially."""

import textwrap

from verify.api import check_source
from verify.analysis.finding import Severity

HEADER = '''
import asyncio

import httpx
from django.http import JsonResponse
from shop.models import Order, Product


async def fetch(client, url):
    return await client.get(url)
'''


def findings(code: str):
    return check_source(HEADER + textwrap.dedent(code), "shop/views.py", select=["DJA406"])


def test_gather_over_only_orm_calls_is_reported_as_info_saying_it_is_serial():
    [finding] = findings('''
        async def stats(request):
            orders, products = await asyncio.gather(Order.objects.acount(), Product.objects.filter(on_sale=True).acount())
            return JsonResponse({"orders": orders, "products": products})
    ''')
    assert finding.severity is Severity.INFO
    assert "serially" in finding.message and "no faster" in finding.message
    assert finding.line - HEADER.count("\n") == 3


def test_orm_coroutines_stored_in_variables_count():
    [finding] = findings('''
        async def stats(request):
            user = request.auser()
            latest = Order.objects.order_by("-id").afirst()
            await asyncio.gather(user, latest)
            return JsonResponse({})
    ''')
    assert "(`auser()`, `afirst()`)" in finding.message


def test_gather_with_network_io_or_unknown_awaitables_passes():
    assert findings('''
        async def dashboard(request):
            async with httpx.AsyncClient() as client:
                count, page = await asyncio.gather(Order.objects.acount(), fetch(client, "https://example.com"))
            tasks = [Order.objects.acount() for _ in range(2)]
            await asyncio.gather(*tasks)
            await asyncio.gather(Order.objects.acount())
            return JsonResponse({"count": count})
    ''') == []
