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


def test_an_async_wrapper_made_for_a_plain_callback_calling_it_is_flagged():
    # python-statemachine 2.3.1's SignatureAdapter.wrap: Django ORM callbacks raised SynchronousOnlyOperation
    assert lines('''
        class SignatureAdapter:
            @classmethod
            def wrap(cls, method):
                if iscoroutinefunction(method):
                    async def method_wrapper(*args, **kwargs):
                        return await method(*args, **kwargs)
                else:
                    async def method_wrapper(*args, **kwargs):
                        return method(*args, **kwargs)
                return method_wrapper

        def adapt(callback):
            if inspect.iscoroutinefunction(callback):
                return callback

            async def wrapper(event):
                return callback(event)
            return wrapper
    ''') == [10, 18]


@pytest.mark.parametrize("code", [
    # the wrapper runs the plain callback in a thread; the async branch awaits
    '''
    def wrap(method):
        if iscoroutinefunction(method):
            async def wrapper(*args):
                return await method(*args)
        else:
            async def wrapper(*args):
                return await sync_to_async(method)(*args)
        return wrapper
    ''',
    # the wrapper's own `method` (a parameter, or rebound inside it) is another callable
    '''
    def wrap(method):
        if not iscoroutinefunction(method):
            async def call(method, *args):
                return method(*args)

            async def other(*args):
                method = pick(args)
                return method(*args)
            return call, other
        return method
    ''',
])
def test_wrappers_that_offload_or_call_another_callable_pass(code):
    assert lines(code) == []
