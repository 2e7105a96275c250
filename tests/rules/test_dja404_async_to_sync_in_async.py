"""DJA404: async_to_sync() called from code already on the event loop."""

import textwrap

from verify.api import check_source

HEADER = '''
from asgiref.sync import async_to_sync, sync_to_async
from django.http import JsonResponse


async def fetch_stats(window):
    return {"window": window}
'''


def lines(code: str) -> list[int]:
    found = check_source(HEADER + textwrap.dedent(code), "shop/views.py", select=["DJA404"])
    return [f.line - HEADER.count("\n") for f in found]


def test_async_to_sync_in_an_async_view_is_flagged():
    assert lines('''
        async def dashboard(request):
            stats = async_to_sync(fetch_stats)("day")
            return JsonResponse(stats)
    ''') == [3]


def test_the_hint_says_to_await_the_function():
    [finding] = check_source(HEADER + "\nasync def v(request):\n    return async_to_sync(fetch_stats)(1)\n",
                             "views.py", select=["DJA404"])
    assert finding.hint == "await it directly: `await fetch_stats(...)`"


def test_sync_code_and_nested_sync_functions_run_in_a_thread_pass():
    assert lines('''
        def legacy_dashboard(request):
            return JsonResponse(async_to_sync(fetch_stats)("day"))


        async def dashboard(request):
            def in_thread():
                return async_to_sync(fetch_stats)("day")

            stats = await sync_to_async(in_thread)()
            return JsonResponse(stats)
    ''') == []


def test_a_wrapper_called_later_in_the_same_async_function_is_flagged():
    assert lines('''
        async def dashboard(request):
            fetch = async_to_sync(fetch_stats)
            return JsonResponse(fetch("day"))
    ''') == [4]


def test_a_wrapper_stored_for_a_worker_thread_is_not_a_call():
    assert lines('''
        class Consumer:
            async def connect(self, send):
                self.send_sync = async_to_sync(send)


        async def page(request, response):
            response.add_post_render_callback(async_to_sync(fetch_stats))
            return response
    ''') == []


def test_asyncio_run_and_run_until_complete_in_async_code_are_flagged():
    assert lines('''
        import asyncio


        async def dashboard(request):
            stats = asyncio.run(fetch_stats("day"))
            more = asyncio.get_event_loop().run_until_complete(fetch_stats("week"))
            return JsonResponse({**stats, **more})
    ''') == [6, 7]


def test_asyncio_run_in_sync_code_and_awaited_coroutines_pass():
    assert lines('''
        import asyncio


        def main():
            asyncio.run(fetch_stats("day"))


        async def dashboard(request):
            def in_thread():
                return asyncio.run(fetch_stats("day"))

            loop = asyncio.get_running_loop()
            stats = await fetch_stats("day")
            more = await loop.run_in_executor(None, in_thread)
            return JsonResponse({**stats, **more})
    ''') == []


def test_async_to_sync_in_a_sync_helper_called_from_async_code_is_flagged_at_the_call():
    assert lines('''
        def day_stats():
            return async_to_sync(fetch_stats)("day")


        async def dashboard(request):
            return JsonResponse(day_stats())


        async def threaded_dashboard(request):
            return JsonResponse(await sync_to_async(day_stats)())
    ''') == [7]
