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


def test_async_hooks_of_project_mixins_before_the_generic_view_are_flagged_at_the_view():
    found = check_source(HEADER + textwrap.dedent('''
        from django.views import generic
        from django.views.generic.base import ContextMixin


        class StatsMixin(ContextMixin):
            async def get_context_data(self, **kwargs):
                return {}


        class Dashboard(StatsMixin, TemplateView):
            template_name = "dashboard.html"


        class Orders(StatsMixin, generic.ListView):
            pass
    '''), "shop/views.py", select=["DJA418"])
    assert [(f.line - HEADER.count("\n"), f.message) for f in found] == [
        (11, "`Dashboard` inherits `async def get_context_data` from `StatsMixin`: Django's sync `get()` handler calls it without "
             "`await` and gets a coroutine"),
        (15, "`Orders` inherits `async def get_context_data` from `StatsMixin`: Django's sync `get()` handler calls it without "
             "`await` and gets a coroutine"),
    ]


def test_mixins_after_the_view_overridden_by_sync_hooks_or_with_their_own_handlers_pass():
    assert lines('''
        class StatsMixin:
            async def get_context_data(self, **kwargs):
                return {}


        class SyncStats(StatsMixin):
            def get_context_data(self, **kwargs):
                return {}


        class AsyncPage(StatsMixin):
            async def get(self, request):
                return JsonResponse(await self.get_context_data())


        class After(TemplateView, StatsMixin):  # TemplateView's get_context_data comes first
            pass


        class Shadowed(SyncStats, TemplateView):
            pass


        class OwnHandler(AsyncPage, TemplateView):
            pass


        class Handled(StatsMixin, TemplateView):
            async def get(self, request):
                return JsonResponse(await self.get_context_data())
    ''') == []
