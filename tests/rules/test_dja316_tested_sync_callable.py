"""DJA316: a callable the async code tested to be a plain function, then called on the event loop
(django-ninja 1.4.3's sync auth callbacks, adrf 0.1.9's sync paginators)."""

import textwrap

import pytest

from verify.api import check_source

HEADER = '''
import asyncio
import inspect
from asgiref.sync import iscoroutinefunction, sync_to_async
from django.http import JsonResponse
'''


def lines(code: str) -> list[int]:
    found = check_source(HEADER + textwrap.dedent(code), "shop/views.py", target_version=(6, 1), select=["DJA316"])
    return [f.line - HEADER.count("\n") for f in found]


def test_the_sync_branch_of_a_coroutine_function_test_calling_it_is_flagged():
    assert lines('''
        async def authenticate(request, callbacks):
            for callback in callbacks:
                if is_async_callable(callback) or getattr(callback, "is_async", False):
                    result = await callback(request)
                else:
                    result = callback(request)

        async def run_hook(hook, order):
            if not inspect.iscoroutinefunction(hook):
                hook(order)
            else:
                await hook(order)
    ''') == [7, 11]


def test_a_call_after_the_async_case_returned_is_flagged():
    assert lines('''
        class OrderList:
            async def apaginate_queryset(self, queryset):
                if asyncio.iscoroutinefunction(self.paginator.paginate_queryset):
                    return await self.paginator.paginate_queryset(queryset, self.request)
                return self.paginator.paginate_queryset(queryset, self.request)
    ''') == [6]


def test_the_message_names_the_test():
    [finding] = check_source(HEADER + textwrap.dedent('''
        async def run_hook(hook, order):
            if iscoroutinefunction(hook):
                return await hook(order)
            return hook(order)
    '''), "shop/views.py", target_version=(6, 1), select=["DJA316"])
    assert finding.message == ("`hook(order)` runs a plain function on the event loop: here `hook` is not a coroutine function "
                               "(the code tested `iscoroutinefunction(hook)`); if it queries it raises "
                               "SynchronousOnlyOperation, if it does I/O it blocks the loop")
    assert finding.hint == "run it in a thread: `await sync_to_async(hook)(...)`"


@pytest.mark.parametrize("code", [
    # the plain function run in a thread; the coroutine function awaited
    '''
    async def run_hook(hook, order):
        if iscoroutinefunction(hook):
            return await hook(order)
        return await sync_to_async(hook)(order)
    ''',
    # calls in a nested sync function or a lambda run elsewhere, not on the loop here
    '''
    async def run_hook(hook, order):
        if not iscoroutinefunction(hook):
            def in_thread():
                return hook(order)
            later = lambda: hook(order)
            return await sync_to_async(in_thread)()
        return await hook(order)
    ''',
    # the async case did not leave: nothing is known after the if; another callable is called
    '''
    async def run_hook(hook, other, order):
        if iscoroutinefunction(hook):
            await hook(order)
        hook.reset()
        if iscoroutinefunction(hook):
            return await hook(order)
        other(order)
        return JsonResponse({})
    ''',
    # a sync function: no event loop here
    '''
    def run_hook(hook, order):
        if iscoroutinefunction(hook):
            return asyncio.run(hook(order))
        return hook(order)
    ''',
    # an `and` says nothing about the else branch
    '''
    async def run_hook(hook, order, enabled):
        if enabled and iscoroutinefunction(hook):
            return await hook(order)
        else:
            return None
    ''',
])
def test_offloaded_nested_unrelated_or_sync_calls_pass(code):
    assert lines(code) == []
