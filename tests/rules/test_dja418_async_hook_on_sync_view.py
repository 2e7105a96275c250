"""DJA418: async overrides of the hooks Django's sync generic views call without await."""

import textwrap

from verify.api import check_source

HEADER = '''
from django.http import JsonResponse
from django.views import View
from django.views.generic import CreateView, DetailView, ListView, TemplateView
'''


def lines(code: str) -> list[int]:
    found = check_source(HEADER + textwrap.dedent(code), "shop/views.py", select=["DJA418"])
    return [f.line - HEADER.count("\n") for f in found]


def test_async_hooks_on_views_with_djangos_sync_handlers_are_flagged():
    assert lines('''
        class OrderList(ListView):
            async def get_queryset(self):
                return []


        class Dashboard(TemplateView):
            async def get_context_data(self, **kwargs):
                return {}


        class NewOrder(CreateView):
            async def form_valid(self, form):
                return JsonResponse({})
    ''') == [3, 8, 13]


def test_views_with_their_own_async_handlers_plain_views_and_sync_hooks_pass():
    assert lines('''
        class OrderDetail(DetailView):
            async def get(self, request, *args, **kwargs):
                self.object = await self.get_object()
                return JsonResponse({})

            async def get_object(self, queryset=None):
                return None


        class Api(View):
            async def get_queryset(self):
                return []

            async def get(self, request):
                return JsonResponse({"n": len(await self.get_queryset())})


        class OrderList(ListView):
            def get_queryset(self):
                return []

            async def load_extra(self):
                return {}


        class Helper:
            async def get_queryset(self):
                return []
    ''') == []
