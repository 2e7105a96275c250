"""DJA402: a class-based view's HTTP handlers must be all sync or all async."""

import textwrap

from verify.api import check_source

HEADER = '''
from django.http import JsonResponse
from django.views import View
from django.views.generic import DetailView, FormView, RedirectView, TemplateView
from django.contrib.auth.views import LogoutView
from core.views import ProjectBaseView
from core.mixins import AsyncGetMixin
'''


def findings(code: str):
    return check_source(HEADER + textwrap.dedent(code), "shop/views.py", select=["DJA402"])


def flagged(code: str) -> list[tuple[int, str]]:
    offset = HEADER.count("\n")
    return [(f.line - offset, f.message.split("`")[1]) for f in findings(code)]


def test_async_get_and_sync_post_on_one_view_is_flagged_at_the_class_line():
    [finding] = findings('''
        class OrderView(View):
            async def get(self, request, order_id):
                return JsonResponse({})

            def post(self, request, order_id):
                return JsonResponse({})
    ''')
    assert finding.line - HEADER.count("\n") == 2
    assert "ImproperlyConfigured" in finding.message
    assert "(`get`)" in finding.message and "(`post`)" in finding.message


def test_handlers_inherited_from_django_generic_views_count():
    [finding] = findings('''
        class CheckoutView(FormView):
            async def post(self, request):
                return JsonResponse({})
    ''')
    assert "`get` from FormView" in finding.message and "`put` from FormView" in finding.message


def test_handlers_inherited_from_a_base_class_in_the_same_file_count():
    assert flagged('''
        class AsyncBase(View):
            async def get(self, request):
                return JsonResponse({})


        class Child(AsyncBase):
            def delete(self, request):
                return JsonResponse({})
    ''') == [(7, "Child")]


def test_all_async_views_pass_including_overridden_generic_handlers_and_options():
    assert findings('''
        class OrderView(View):
            async def get(self, request):
                return JsonResponse({})

            async def post(self, request):
                return JsonResponse({})

            def options(self, request, *args, **kwargs):
                return super().options(request, *args, **kwargs)


        class Product(DetailView):
            async def get(self, request, pk):
                return JsonResponse({})


        class Home(TemplateView):
            async def get(self, request):
                return JsonResponse({})


        class Out(LogoutView):
            async def post(self, request):
                return JsonResponse({})


        class AllSync(RedirectView):
            def get(self, request):
                return JsonResponse({})
    ''') == []


def test_a_base_the_file_cannot_see_may_override_later_handlers_so_they_are_not_trusted():
    # AsyncGetMixin (imported) may define an async get that shadows TemplateView.get.
    assert findings('''
        class Home(AsyncGetMixin, TemplateView):
            async def post(self, request):
                return JsonResponse({})
    ''') == []


def test_a_project_base_view_imported_from_elsewhere_still_makes_a_view():
    assert flagged('''
        class Mixed(ProjectBaseView):
            async def get(self, request):
                return JsonResponse({})

            def post(self, request):
                return JsonResponse({})
    ''') == [(2, "Mixed")]


def test_classes_that_are_not_views_pass():
    assert findings('''
        class Client:
            async def get(self, url):
                return url

            def post(self, url):
                return url


        class Handler(object):
            async def get(self, request):
                return None

            def post(self, request):
                return None
    ''') == []
