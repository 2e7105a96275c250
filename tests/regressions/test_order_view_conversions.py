"""The case that matters most: an order view whose conversion drops the login decorator, the
ownership check and the 404 gets all three reported; every correct conversion gets none."""

import textwrap

import pytest

from .gitrepo import convert

SYNC = '''
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, render

from .models import Order


@login_required
def order_detail(request, order_id):
    order = get_object_or_404(Order, id=order_id)
    if order.user != request.user:
        return HttpResponseForbidden()
    return render(request, "shop/order.html", {"order": order})
'''

CARELESS = '''
from django.shortcuts import render

from .models import Order


async def order_detail(request, order_id):
    order = await Order.objects.aget(id=order_id)
    return render(request, "shop/order.html", {"order": order})
'''

CORRECT = {
    "aget_object_or_404 and user id comparison": '''
        from django.contrib.auth.decorators import login_required
        from django.http import HttpResponseForbidden
        from django.shortcuts import aget_object_or_404, render

        from .models import Order


        @login_required
        async def order_detail(request, order_id):
            user = await request.auser()
            order = await aget_object_or_404(Order, id=order_id)
            if order.user_id != user.pk:
                return HttpResponseForbidden()
            return render(request, "shop/order.html", {"order": order})
        ''',
    "aget in try/except DoesNotExist, query filtered by the user": '''
        from django.contrib.auth.decorators import login_required
        from django.http import Http404
        from django.shortcuts import render

        from .models import Order


        @login_required
        async def order_detail(request, order_id):
            user = await request.auser()
            try:
                order = await Order.objects.aget(id=order_id, user=user)
            except Order.DoesNotExist:
                raise Http404("no such order")
            return render(request, "shop/order.html", {"order": order})
        ''',
    "sync_to_async(get_object_or_404), PermissionDenied, helper moved above": '''
        from asgiref.sync import sync_to_async
        from django.contrib.auth import decorators
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import get_object_or_404, render

        from .models import Order


        def _context(order):
            return {"order": order}


        @decorators.login_required
        async def order_detail(request, order_id):
            order = await sync_to_async(get_object_or_404)(Order.objects.select_related("user"), id=order_id)
            user = await request.auser()
            if order.user_id != user.id:
                raise PermissionDenied
            return render(request, "shop/order.html", _context(order))
        ''',
}


def test_careless_conversion_reports_the_decorator_the_ownership_check_and_the_404(repo):
    result = convert(repo, SYNC, CARELESS)
    assert result.returncode == 1
    by_code = {finding["code"]: finding for finding in result.findings}
    assert sorted(result.codes()) == ["DJA502", "DJA503", "DJA504"]
    assert "`@login_required` of `order_detail` (old line 8)" in by_code["DJA502"]["message"]
    assert "(line 6)" in by_code["DJA502"]["message"]
    assert "`if order.user != request.user:` of `order_detail` (old line 11)" in by_code["DJA503"]["message"]
    assert "(line 6)" in by_code["DJA503"]["message"]
    assert "(old line 10)" in by_code["DJA504"]["message"] and "(line 7)" in by_code["DJA504"]["message"]
    assert by_code["DJA504"]["line"] == 7 and by_code["DJA504"]["path"] == "shop/views.py"


@pytest.mark.parametrize("converted", CORRECT.values(), ids=CORRECT.keys())
def test_correct_conversion_has_no_regression_finding(repo, converted):
    result = convert(repo, SYNC, textwrap.dedent(converted))
    assert result.codes() == [], result.findings
