"""DJA125: DRF-style permission, authentication and throttle hooks called on the event loop
(adrf 0.1.11, django-ninja-extra 0.15.8 and django-socio-grpc 0.19.2 shipped it)."""

import textwrap

import pytest

from verify.api import check_source

HEADER = '''
from asgiref.sync import sync_to_async
from rest_framework.response import Response
from adrf.views import APIView
'''


def lines(code: str) -> list[int]:
    found = check_source(HEADER + textwrap.dedent(code), "shop/views.py", target_version=(6, 1), select=["DJA125"])
    return [f.line - HEADER.count("\n") for f in found]


def test_sync_hooks_called_in_async_code_are_flagged():
    assert lines('''
        class OrderView(APIView):
            async def aget_object(self):
                order = await Order.objects.aget(pk=self.kwargs["pk"])
                self.check_object_permissions(self.request, order)
                return order

            async def run(self, ctx, request):
                ctx.controller_instance.check_permissions()
                request.service.perform_authentication()
                if self.check_throttles(request):
                    return Response(status=429)
    ''') == [5, 9, 10, 11]


def test_the_message_names_the_hook_and_the_hint_offloads_it():
    [finding] = check_source(HEADER + textwrap.dedent('''
        class OrderView(APIView):
            async def get(self, request):
                self.check_permissions(request)
                return Response({})
    '''), "shop/views.py", target_version=(6, 1), select=["DJA125"])
    assert finding.message.startswith("`self.check_permissions(request)` runs the permission classes synchronously in async code")
    assert finding.hint == "run it with `await sync_to_async(self.check_permissions)(...)`, or use the framework's async twin"


@pytest.mark.parametrize("code", [
    # run in a thread, or awaited (an async hook of the project's own)
    '''
    class OrderView(APIView):
        async def get(self, request):
            await sync_to_async(self.check_permissions)(request)
            await self.check_object_permissions(request, None)
            return Response({})
    ''',
    # in sync code, and in a sync helper run with sync_to_async
    '''
    class OrderView(APIView):
        def get(self, request):
            self.check_permissions(request)
            return Response({})

        async def post(self, request):
            def checks():
                self.check_permissions(request)
                self.check_throttles(request)
            await sync_to_async(checks)()
            return Response({})
    ''',
    # an async hook of the class itself, not awaited: DJA101's, not this rule's
    '''
    class AsyncChecks:
        async def check_permissions(self, request):
            return True

        async def dispatch(self, request):
            self.check_permissions(request)
    ''',
    # other names
    '''
    async def audit(request, checker):
        checker.check_permission(request)
        checker.permissions_check(request)
    ''',
])
def test_offloaded_awaited_sync_or_other_calls_pass(code):
    assert lines(code) == []
