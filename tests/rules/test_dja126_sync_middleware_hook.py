"""DJA126: a Django middleware's sync hooks called on the event loop (django-bolt 0.5.1's async
middleware stack shipped it)."""

import textwrap

import pytest

from verify.api import check_source

HEADER = '''
from asgiref.sync import sync_to_async
from django.utils.deprecation import MiddlewareMixin
'''


def lines(code: str) -> list[int]:
    found = check_source(HEADER + textwrap.dedent(code), "shop/middleware.py", target_version=(6, 1), select=["DJA126"])
    return [f.line - HEADER.count("\n") for f in found]


def test_middleware_hooks_called_in_async_code_are_flagged():
    assert lines('''
        class MiddlewareStack:
            async def __call__(self, request):
                for middleware in self.middlewares:
                    response = middleware.process_request(request)
                    if response is not None:
                        return response
                response = await self.get_response(request)
                for middleware in reversed(self.middlewares):
                    response = middleware.process_response(request, response)
                return response
    ''') == [5, 10]


def test_the_hint_runs_the_hook_as_django_does():
    [finding] = check_source(HEADER + textwrap.dedent('''
        async def finish(middleware, request, response):
            return middleware.process_response(request, response)
    '''), "shop/middleware.py", target_version=(6, 1), select=["DJA126"])
    assert finding.hint == "run it as Django does: `await sync_to_async(middleware.process_response)(...)`"


@pytest.mark.parametrize("code", [
    # run in a thread, awaited (an async hook), or called from sync code
    '''
    class MiddlewareStack:
        async def __call__(self, request):
            response = await sync_to_async(self.session.process_request)(request)
            response = await self.toolbar.process_request(request)
            return response

        def sync_call(self, request):
            return self.session.process_request(request)
    ''',
    # a middleware whose hook is async def, called without await: DJA101's
    '''
    class Timing(MiddlewareMixin):
        async def process_view(self, request, view, args, kwargs):
            return None

        async def __acall__(self, request):
            self.process_view(request, None, (), {})
            return await self.get_response(request)
    ''',
])
def test_offloaded_awaited_or_sync_hook_calls_pass(code):
    assert lines(code) == []
