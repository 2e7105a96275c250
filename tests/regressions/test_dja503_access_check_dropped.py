"""DJA503: access checks of the sync view (authentication, permissions, ownership, refusals) lost in the conversion."""

import textwrap

import pytest

from .gitrepo import regressions

HEADER = """
import asyncio

import httpx
import requests
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseForbidden, HttpResponseRedirect, JsonResponse
from django.shortcuts import aget_object_or_404, get_object_or_404, redirect, render
from django.template.response import TemplateResponse

from .models import Order
from .services import afetch_rate, can_view, fetch_rate
"""


MODULE_LEVEL = "# module level:"


def view(keyword: str, body: str) -> str:
    """The view starts on line 14, its body on line 15; what follows MODULE_LEVEL goes after the view."""
    body, _, after = textwrap.dedent(body).partition(MODULE_LEVEL)
    return HEADER + f"\n\n{keyword} order_total(request, order_id):\n" + textwrap.indent(body.strip("\n"), "    ") + "\n" + after


DROPPED = {
    "is_authenticated": (
        """
        if not request.user.is_authenticated:
            return redirect("login")
        return JsonResponse({})
        """,
        """
        return JsonResponse({})
        """,
        "the access check `if not request.user.is_authenticated:` of `order_total` (old line 15) is missing in the async version (line 14)",
    ),
    "has_perm": (
        """
        if not request.user.has_perm("shop.view_order"):
            raise PermissionDenied
        return JsonResponse({})
        """,
        """
        user = await request.auser()
        if not user.is_authenticated:
            raise PermissionDenied
        return JsonResponse({})
        """,
        "the access check `if not request.user.has_perm(\"shop.view_order\"):` of `order_total` (old line 15) is missing",
    ),
    "ownership comparison": (
        """
        order = get_object_or_404(Order, id=order_id)
        if order.user != request.user:
            return HttpResponseForbidden()
        return JsonResponse({"total": order.total})
        """,
        """
        order = await aget_object_or_404(Order, id=order_id)
        return JsonResponse({"total": order.total})
        """,
        "the access check `if order.user != request.user:` of `order_total` (old line 16) is missing in the async version (line 14)",
    ),
    "ownership filter": (
        """
        order = get_object_or_404(Order, id=order_id, user=request.user)
        return JsonResponse({"total": order.total})
        """,
        """
        order = await aget_object_or_404(Order, id=order_id)
        return JsonResponse({"total": order.total})
        """,
        "the ownership filter in `get_object_or_404(Order, id=order_id, user=request.user)` of `order_total` (old line 15) is missing",
    ),
    "query on the user's related manager": (
        """
        order = get_object_or_404(request.user.orders, id=order_id)
        return JsonResponse({"total": order.total})
        """,
        """
        order = await aget_object_or_404(Order, id=order_id)
        return JsonResponse({"total": order.total})
        """,
        "the ownership filter in `get_object_or_404(request.user.orders, id=order_id)` of `order_total` (old line 15) is missing",
    ),
    "a refusing branch on a project check": (
        """
        order = get_object_or_404(Order, id=order_id)
        if not can_view(request.user, order):
            raise PermissionDenied
        return JsonResponse({"total": order.total})
        """,
        """
        order = await aget_object_or_404(Order, id=order_id)
        return JsonResponse({"total": order.total})
        """,
        "the access check `if not can_view(request.user, order):` of `order_total` (old line 16) is missing",
    ),
    "the refusal itself": (
        """
        order = get_object_or_404(Order, id=order_id)
        if order.user != request.user:
            return HttpResponseForbidden()
        return JsonResponse({"total": order.total})
        """,
        """
        user = await request.auser()
        order = await aget_object_or_404(Order, id=order_id)
        if order.user_id != user.pk:
            print("not the owner")
        return JsonResponse({"total": order.total})
        """,
        "answered a 403; the async version (line 14) tests it but never answers a 403",
    ),
}

KEPT = {
    "auser and ids": (
        """
        order = get_object_or_404(Order, id=order_id)
        if not request.user.is_authenticated or order.user != request.user:
            return HttpResponseForbidden()
        return JsonResponse({"total": order.total})
        """,
        """
        user = await request.auser()
        order = await aget_object_or_404(Order, id=order_id)
        if not user.is_authenticated or order.user_id != user.id:
            return HttpResponseForbidden()
        return JsonResponse({"total": order.total})
        """,
    ),
    "comparison replaced by a query filtered by the user": (
        """
        order = get_object_or_404(Order, id=order_id)
        if order.user != request.user:
            return HttpResponseForbidden()
        return JsonResponse({"total": order.total})
        """,
        """
        user = await request.auser()
        order = await aget_object_or_404(Order, id=order_id, user_id=user.pk)
        return JsonResponse({"total": order.total})
        """,
    ),
    "the user's related manager became a query filtered by the user": (
        """
        order = get_object_or_404(request.user.orders, id=order_id)
        return JsonResponse({"total": order.total})
        """,
        """
        order = await aget_object_or_404(Order, id=order_id, user=await request.auser())
        return JsonResponse({"total": order.total})
        """,
    ),
    "a 404 instead of the 403 for someone else's order": (
        """
        order = get_object_or_404(Order, id=order_id)
        if order.user != request.user:
            return HttpResponseForbidden()
        return JsonResponse({"total": order.total})
        """,
        """
        user = await request.auser()
        order = await aget_object_or_404(Order, id=order_id)
        if order.user_id != user.pk:
            raise Http404
        return JsonResponse({"total": order.total})
        """,
    ),
    "ahas_perm and PermissionDenied for HttpResponseForbidden": (
        """
        if not request.user.has_perm("shop.view_order"):
            return HttpResponseForbidden()
        return JsonResponse({})
        """,
        """
        user = await request.auser()
        if not await user.ahas_perm("shop.view_order"):
            raise PermissionDenied
        return JsonResponse({})
        """,
    ),
    "project check with the user from auser": (
        """
        order = get_object_or_404(Order, id=order_id)
        if not can_view(request.user, order):
            raise PermissionDenied
        return JsonResponse({"total": order.total})
        """,
        """
        user = await request.auser()
        order = await aget_object_or_404(Order, id=order_id)
        if not can_view(user, order):
            raise PermissionDenied
        return JsonResponse({"total": order.total})
        """,
    ),
    "check moved into a helper": (
        """
        order = get_object_or_404(Order, id=order_id)
        if order.user != request.user:
            raise PermissionDenied
        return JsonResponse({"total": order.total})
        """,
        """
        order = await aget_object_or_404(Order, id=order_id)
        await _check_owner(order, await request.auser())
        return JsonResponse({"total": order.total})
        # module level:


        async def _check_owner(order, user):
            if order.user_id != user.pk:
                raise PermissionDenied
        """,
    ),
}


@pytest.mark.parametrize(("sync", "converted", "message"), DROPPED.values(), ids=DROPPED.keys())
def test_dropped_access_check_is_reported(repo, sync, converted, message):
    finding = regressions(repo, view("def", sync), view("async def", converted)).only("DJA503")
    assert message in finding["message"]


@pytest.mark.parametrize(("sync", "converted"), KEPT.values(), ids=KEPT.keys())
def test_equivalent_access_check_is_not_reported(repo, sync, converted):
    assert regressions(repo, view("def", sync), view("async def", converted)).findings == []


def test_is_authenticated_test_replaced_by_login_required_is_not_reported(repo):
    sync = view("def", 'if not request.user.is_authenticated:\n    return redirect("login")\nreturn JsonResponse({})')
    converted = view("async def", "return JsonResponse({})").replace(
        "async def", "from django.contrib.auth.decorators import login_required\n\n\n@login_required\nasync def")
    assert regressions(repo, sync, converted).findings == []
