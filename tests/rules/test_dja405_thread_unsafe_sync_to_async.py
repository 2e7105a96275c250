"""DJA405: sync_to_async(..., thread_sensitive=False) around ORM code."""

import textwrap

from verify.api import check_source

HEADER = '''
from asgiref.sync import sync_to_async
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.http import JsonResponse
from shop.models import Order


def close_order(order_id):
    Order.objects.filter(id=order_id).update(status="closed")


def close_via_helper(order_id):
    close_order(order_id)


def atomic_work():
    with transaction.atomic():
        pass


def raw_count():
    with connection.cursor() as cursor:
        cursor.execute("select 1")


def resize(image):
    image.save("thumbnail.png")
'''


def lines(code: str) -> list[int]:
    found = check_source(HEADER + textwrap.dedent(code), "shop/views.py", select=["DJA405"])
    return [f.line - HEADER.count("\n") for f in found]


def test_orm_functions_run_thread_insensitive_are_flagged_in_calls_decorators_and_module_values():
    assert lines('''
        @sync_to_async(thread_sensitive=False)
        def load(order_id):
            return Order.objects.get(id=order_id)


        get_order = sync_to_async(Order.objects.get, thread_sensitive=False)


        async def close(request, order_id):
            await sync_to_async(close_order, thread_sensitive=False)(order_id)
            await sync_to_async(close_via_helper, thread_sensitive=False)(order_id)
            await sync_to_async(atomic_work, thread_sensitive=False)()
            await sync_to_async(raw_count, thread_sensitive=False)()
            return JsonResponse({"ok": True})
    ''') == [2, 7, 11, 12, 13, 14]


def test_the_message_names_the_function_and_the_connection_leak():
    code = "\nclose_later = sync_to_async(close_order, thread_sensitive=False)\n\n\nasync def close(request):\n    await close_later(1)\n"
    [finding] = check_source(HEADER + code, "views.py", select=["DJA405"])
    assert "`close_order` uses the ORM" in finding.message and "connection" in finding.message


def test_thread_insensitive_non_database_work_and_the_default_pass():
    assert lines('''
        async def signup(request):
            digest = await sync_to_async(make_password, thread_sensitive=False)("secret")
            await sync_to_async(resize, thread_sensitive=False)(request.FILES["photo"])
            await sync_to_async(close_order)(1)
            await sync_to_async(close_order, thread_sensitive=True)(2)
            return JsonResponse({"digest": digest})
    ''') == []
