"""DJA502: decorators of the sync view dropped or changed by the conversion."""

import pytest

from .gitrepo import regressions

HEADER = """
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import cache_page
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .audit import audited
"""


def view(decorators: str, keyword: str = "def", body: str = "return HttpResponse()") -> str:
    return HEADER + f"\n\n{decorators}\n{keyword} order_list(request):\n    {body}\n"


# Line 13 is the first decorator line of `view()`; the async def is on line 14.
DROPPED = {
    "login_required": ("@login_required", "", "`@login_required` of `order_list` (old line 13) is missing in the async version (line 14)"),
    "permission_required": ('@login_required\n@permission_required("shop.view_order")', "@login_required",
                            "`@permission_required(\"shop.view_order\")` of `order_list` (old line 14) is missing in the async version (line 14)"),
    "require_POST": ("@require_POST", "", "`@require_POST` of `order_list` (old line 13) is missing"),
    "csrf_exempt": ("@csrf_exempt", "", "`@csrf_exempt` of `order_list` (old line 13) is missing"),
    "transaction.atomic": ("@transaction.atomic", "", "`@transaction.atomic` of `order_list` (old line 13) is missing"),
    "project decorator": ("@audited", "", "`@audited` of `order_list` (old line 13) is missing"),
}

CHANGED = {
    "permission": ('@permission_required("shop.view_order")', '@permission_required("shop.change_order")',
                   "`@permission_required(\"shop.view_order\")` of `order_list` (old line 13) became "
                   "`@permission_required(\"shop.change_order\")` in the async version (line 13)"),
    "cache_page timeout": ("@cache_page(60 * 15)", "@cache_page(60)",
                           "`@cache_page(60 * 15)` of `order_list` (old line 13) became `@cache_page(60)` in the async version (line 13)"),
    "allowed methods": ("@require_GET", '@require_http_methods(["GET", "POST"])', "`@require_GET` of `order_list` (old line 13) became"),
}

KEPT = {
    "same decorators": ("@login_required\n@require_POST", "@login_required\n@require_POST", ""),
    "require_GET spelled as require_http_methods": ("@require_GET", '@require_http_methods(["GET"])', ""),
    "the project's async twin of a decorator": ("@login_required", "@audited\n@alogin_required", ""),
    "login_required replaced by an is_authenticated check": (
        "@login_required", "", "from django.contrib.auth.views import redirect_to_login\n\n    user = await request.auser()\n"
        "    if not user.is_authenticated:\n"
        "        return redirect_to_login(request.get_full_path())\n    return HttpResponse()"),
    "transaction.atomic moved onto a sync block": (
        "@transaction.atomic", "",
        "from asgiref.sync import sync_to_async\n\n    @transaction.atomic\n    def place():\n        return HttpResponse()\n    return await sync_to_async(place)()"),
}


@pytest.mark.parametrize(("old", "new", "message"), DROPPED.values(), ids=DROPPED.keys())
def test_dropped_decorator_is_reported(repo, old, new, message):
    finding = regressions(repo, view(old), view(new, "async def")).only("DJA502")
    assert message in finding["message"]
    assert finding["line"] == 14  # the async def


@pytest.mark.parametrize(("old", "new", "message"), CHANGED.values(), ids=CHANGED.keys())
def test_changed_decorator_arguments_are_reported(repo, old, new, message):
    finding = regressions(repo, view(old), view(new, "async def")).only("DJA502")
    assert message in finding["message"]


@pytest.mark.parametrize(("old", "new", "body"), KEPT.values(), ids=KEPT.keys())
def test_equivalent_decorators_are_not_reported(repo, old, new, body):
    converted = view(new, "async def", body) if body else view(new, "async def")
    assert regressions(repo, view(old), converted).findings == []


CLASS_VIEW = HEADER + '''

{decorator}
class OrderView(View):
    {keyword} get(self, request):
        return HttpResponse()
'''


def test_method_decorator_on_the_class_counts_for_its_methods(repo):
    sync = CLASS_VIEW.format(decorator='@method_decorator(login_required, name="dispatch")', keyword="def")
    result = regressions(repo, sync, CLASS_VIEW.format(decorator="", keyword="async def"))
    finding = result.only("DJA502")
    assert "`@method_decorator(login_required, name=\"dispatch\")` on the class of `OrderView.get` (old line 13)" in finding["message"]
    assert "(line 15)" in finding["message"]


def test_method_decorator_kept_on_the_class_is_not_reported(repo):
    decorator = '@method_decorator(login_required, name="dispatch")'
    sync = CLASS_VIEW.format(decorator=decorator, keyword="def")
    assert regressions(repo, sync, CLASS_VIEW.format(decorator=decorator, keyword="async def")).findings == []


MIXIN_VIEW = HEADER + '''
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin


{decorator}
class OrderView({bases}):
    permission_required = "shop.view_order"

    {keyword} get(self, request):
        return HttpResponse()
'''


def test_auth_mixin_dropped_from_the_class_is_reported(repo):
    sync = MIXIN_VIEW.format(decorator="", bases="LoginRequiredMixin, View", keyword="def")
    finding = regressions(repo, sync, MIXIN_VIEW.format(decorator="", bases="View", keyword="async def")).only("DJA502")
    assert "`LoginRequiredMixin` base of the class of `OrderView.get` (old line 16) is missing in the async version (line 19)" in finding["message"]


@pytest.mark.parametrize(("bases", "decorator"), [
    ("LoginRequiredMixin, View", '@method_decorator(login_required, name="get")'),
    ("PermissionRequiredMixin, View", '@method_decorator(permission_required("shop.view_order"), name="get")'),
])
def test_auth_mixin_replaced_by_a_method_decorator_is_not_reported(repo, bases, decorator):
    sync = MIXIN_VIEW.format(decorator="", bases=bases, keyword="def")
    converted = MIXIN_VIEW.format(decorator=decorator, bases="View", keyword="async def")
    assert regressions(repo, sync, converted).findings == []
