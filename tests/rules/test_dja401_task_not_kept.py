"""DJA401: tasks from create_task / ensure_future must be kept or awaited."""

import textwrap

from verify.api import check_source

HEADER = '''
import asyncio
from django.http import JsonResponse
from shop.models import Order


async def record(order_id):
    await Order.objects.acreate(id=order_id)


async def notify(message):
    print(message)
'''


def findings(code: str, version=(6, 1)):
    return check_source(HEADER + textwrap.dedent(code), "shop/views.py", target_version=version, select=["DJA401"])


def lines(code: str, version=(6, 1)) -> list[int]:
    return [f.line - HEADER.count("\n") for f in findings(code, version)]


def test_bare_create_task_is_flagged_with_the_orm_failure_when_the_task_queries():
    [finding] = findings('''
        async def checkout(request, order_id):
            asyncio.create_task(record(order_id))
            return JsonResponse({"ok": True})
    ''')
    assert finding.code == "DJA401"
    assert "ThreadSensitiveContext has exited" in finding.message
    assert "aenqueue" in finding.hint


def test_task_without_orm_is_flagged_without_the_orm_sentence():
    [finding] = findings('''
        async def checkout(request):
            asyncio.ensure_future(notify("paid"))
            return JsonResponse({"ok": True})
    ''')
    assert "ThreadSensitiveContext" not in finding.message


def test_before_django_6_the_hint_does_not_offer_django_tasks():
    [finding] = findings('''
        async def checkout(request):
            asyncio.create_task(notify("paid"))
            return JsonResponse({"ok": True})
    ''', version=(5, 2))
    assert "aenqueue" not in finding.hint


def test_stored_but_never_used_and_loop_create_task_are_flagged_at_their_lines():
    assert lines('''
        async def checkout(request):
            task = asyncio.ensure_future(notify("a"))
            loop = asyncio.get_running_loop()
            loop.create_task(notify("b"))
            asyncio.get_event_loop().create_task(notify("c"))
            return JsonResponse({"ok": True})
    ''') == [3, 5, 6]


def test_tasks_built_in_a_comprehension_and_dropped_are_flagged():
    assert lines('''
        async def checkout(request):
            tasks = [asyncio.create_task(notify(n)) for n in "ab"]
            {asyncio.ensure_future(notify(n)) for n in "cd"}
            return JsonResponse({"ok": True})
    ''') == [3, 4]


def test_kept_awaited_gathered_returned_and_task_group_tasks_pass():
    assert findings('''
        background = set()


        async def checkout(request):
            kept = asyncio.create_task(notify("a"))
            background.add(kept)
            kept.add_done_callback(background.discard)
            awaited = asyncio.create_task(notify("b"))
            await awaited
            tasks = [asyncio.create_task(notify(n)) for n in "cd"]
            await asyncio.gather(*tasks)
            async with asyncio.TaskGroup() as group:
                group.create_task(notify("e"))
            return JsonResponse({"ok": True})


        async def spawn(request):
            return asyncio.create_task(notify("f"))
    ''') == []


def test_module_level_task_registry_through_global_passes():
    assert findings('''
        current = None


        async def start(request):
            global current
            current = asyncio.create_task(notify("a"))
            return JsonResponse({"ok": True})
    ''') == []


def test_sync_code_is_not_checked():
    assert findings('''
        def schedule(loop):
            loop.create_task(notify("a"))
    ''') == []
