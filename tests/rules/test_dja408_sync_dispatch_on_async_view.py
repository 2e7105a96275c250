"""DJA408: a sync dispatch wrapper (method_decorator on dispatch, auth mixins) on an async CBV.

Probed on Django 6.1.3 with AsyncClient: an anonymous request to either kind of view raises
`TypeError: object HttpResponseRedirect can't be used in 'await' expression`, while
`@method_decorator(login_required, name="get")` on the async handler answers 302."""

import textwrap

from verify.api import check_paths, check_source

HEADER = '''
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView
'''


def lines(code: str) -> list[int]:
    found = check_source(HEADER + textwrap.dedent(code), "shop/views.py", select=["DJA408"])
    return [f.line - HEADER.count("\n") for f in found]


def test_method_decorator_on_dispatch_of_an_async_view_is_flagged_at_the_decorator():
    assert lines('''
        @method_decorator(login_required, name="dispatch")
        class Orders(View):
            async def get(self, request):
                return JsonResponse({})


        @method_decorator([csrf_exempt, never_cache], name="dispatch")
        class Webhook(View):
            async def post(self, request):
                return JsonResponse({})
    ''') == [2, 8]


def test_auth_mixins_are_flagged_at_the_class_including_through_a_same_file_base():
    found = check_source(HEADER + textwrap.dedent('''
        class Orders(LoginRequiredMixin, TemplateView):
            async def get(self, request):
                return JsonResponse({})


        class StaffBase(PermissionRequiredMixin, View):
            permission_required = "shop.view_order"


        class Report(StaffBase):
            async def get(self, request):
                return JsonResponse({})
    '''), "shop/views.py", select=["DJA408"])
    assert [f.line - HEADER.count("\n") for f in found] == [2, 11]
    assert "`LoginRequiredMixin`" in found[0].message and "TypeError" in found[0].message


def test_sync_views_async_dispatch_handler_decorators_and_pass_through_decorators_pass():
    assert lines('''
        @method_decorator(login_required, name="dispatch")
        class SyncOrders(LoginRequiredMixin, View):
            def get(self, request):
                return JsonResponse({})


        @method_decorator(login_required, name="dispatch")
        class AsyncDispatch(LoginRequiredMixin, View):
            async def dispatch(self, request, *args, **kwargs):
                return await super().dispatch(request, *args, **kwargs)

            async def get(self, request):
                return JsonResponse({})


        @method_decorator(login_required, name="get")
        @method_decorator(csrf_exempt, name="dispatch")
        class Handlers(View):
            async def get(self, request):
                return JsonResponse({})
    ''') == []


def test_auth_mixins_inherited_through_a_base_view_of_another_module_are_flagged(tmp_path, monkeypatch):
    (tmp_path / "manage.py").write_text("")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "base.py").write_text(textwrap.dedent('''
        from django.contrib.auth.mixins import LoginRequiredMixin
        from django.views import View


        class ShopView(LoginRequiredMixin, View):
            pass


        class AsyncShopView(LoginRequiredMixin, View):
            async def dispatch(self, request, *args, **kwargs):
                return await super().dispatch(request, *args, **kwargs)
    '''))
    (shop / "views.py").write_text(textwrap.dedent('''
        from django.http import JsonResponse

        from shop import base
        from shop.base import AsyncShopView, ShopView


        class Orders(ShopView):
            async def get(self, request):
                return JsonResponse({})


        class Invoices(base.ShopView):
            async def get(self, request):
                return JsonResponse({})


        class Payments(AsyncShopView):
            async def get(self, request):
                return JsonResponse({})


        class LegacyOrders(ShopView):
            def get(self, request):
                return JsonResponse({})
    '''))
    monkeypatch.chdir(tmp_path)
    found = check_paths(["shop"], select=["DJA408"]).findings
    assert [(f.path, f.line) for f in found] == [("shop/views.py", 8), ("shop/views.py", 13)]
