"""DJA504: 404s turned into 500s, and exception handlers of the sync view lost in the conversion."""

import pytest

from .gitrepo import regressions
from .test_dja503_access_check_dropped import view

LOST = {
    "get_object_or_404 became aget": (
        """
        order = get_object_or_404(Order, id=order_id)
        return JsonResponse({"total": order.total})
        """,
        """
        order = await Order.objects.aget(id=order_id)
        return JsonResponse({"total": order.total})
        """,
        "`get_object_or_404(Order, id=order_id)` of `order_total` (old line 15) became `Order.objects.aget(id=order_id)` "
        "(line 15) without handling `DoesNotExist`",
    ),
    "get_object_or_404 became a wrapped get": (
        """
        order = get_object_or_404(Order.objects.select_related("user"), id=order_id)
        return JsonResponse({"total": order.total})
        """,
        """
        from asgiref.sync import sync_to_async

        order = await sync_to_async(Order.objects.select_related("user").get)(id=order_id)
        return JsonResponse({"total": order.total})
        """,
        "(line 17) without handling `DoesNotExist`",
    ),
    "get_object_or_404 became afirst with no None check": (
        """
        order = get_object_or_404(Order, id=order_id)
        return JsonResponse({"total": order.total})
        """,
        """
        order = await Order.objects.filter(id=order_id).afirst()
        return JsonResponse({"total": order.total})
        """,
        "(line 15) without a `None` check",
    ),
    "the user's orders became all orders, fetched with aget": (
        """
        order = get_object_or_404(request.user.orders, id=order_id)
        return JsonResponse({"total": order.total})
        """,
        """
        user = await request.auser()
        order = await Order.objects.aget(id=order_id, user=user)
        return JsonResponse({"total": order.total})
        """,
        "`get_object_or_404(request.user.orders, id=order_id)` of `order_total` (old line 15) became "
        "`Order.objects.aget(id=order_id, user=user)` (line 16) without handling `DoesNotExist`",
    ),
    "get_list_or_404 became an async comprehension with no emptiness check": (
        """
        orders = get_list_or_404(Order, user_id=order_id)
        return JsonResponse({"totals": [o.total for o in orders]})
        """,
        """
        orders = [o async for o in Order.objects.filter(user_id=order_id)]
        return JsonResponse({"totals": [o.total for o in orders]})
        """,
        "`get_list_or_404(Order, user_id=order_id)` of `order_total` (old line 15) became "
        "`[o async for o in Order.objects.filter(user_id=order_id)]` (line 15) with no emptiness check",
    ),
    "except DoesNotExist dropped": (
        """
        try:
            order = Order.objects.get(id=order_id)
        except Order.DoesNotExist:
            raise Http404("no such order")
        return JsonResponse({"total": order.total})
        """,
        """
        order = await Order.objects.aget(id=order_id)
        return JsonResponse({"total": order.total})
        """,
        "`except Order.DoesNotExist:` of `order_total` (old line 17) has no counterpart in the async version (line 15)",
    ),
    "except of an API error dropped": (
        """
        try:
            rate = fetch_rate()
        except requests.RequestException:
            return JsonResponse({"error": "rates unavailable"}, status=502)
        return JsonResponse({"rate": rate})
        """,
        """
        rate = await afetch_rate()
        return JsonResponse({"rate": rate})
        """,
        "`except requests.RequestException:` of `order_total` (old line 17) has no counterpart in the async version (line 14)",
    ),
}

KEPT = {
    "aget in try/except ObjectDoesNotExist": (
        """
        order = get_object_or_404(Order, id=order_id)
        return JsonResponse({"total": order.total})
        """,
        """
        try:
            order = await Order.objects.aget(id=order_id)
        except ObjectDoesNotExist:
            raise Http404
        return JsonResponse({"total": order.total})
        """,
    ),
    "the user's orders with aget_object_or_404": (
        """
        order = get_object_or_404(request.user.orders, id=order_id)
        return JsonResponse({"total": order.total})
        """,
        """
        user = await request.auser()
        order = await aget_object_or_404(user.orders, id=order_id)
        return JsonResponse({"total": order.total})
        """,
    ),
    "get_list_or_404 became an async comprehension tested for emptiness": (
        """
        orders = get_list_or_404(Order, user_id=order_id)
        return JsonResponse({"totals": [o.total for o in orders]})
        """,
        """
        orders = [o async for o in Order.objects.filter(user_id=order_id)]
        if not orders:
            raise Http404
        return JsonResponse({"totals": [o.total for o in orders]})
        """,
    ),
    "get_list_or_404 became aget_list_or_404": (
        """
        orders = get_list_or_404(Order, user_id=order_id)
        return JsonResponse({"totals": [o.total for o in orders]})
        """,
        """
        orders = await aget_list_or_404(Order, user_id=order_id)
        return JsonResponse({"totals": [o.total for o in orders]})
        """,
    ),
    "afirst with a None check": (
        """
        order = get_object_or_404(Order, id=order_id)
        return JsonResponse({"total": order.total})
        """,
        """
        order = await Order.objects.filter(id=order_id).afirst()
        if order is None:
            raise Http404
        return JsonResponse({"total": order.total})
        """,
    ),
    "except DoesNotExist became aget_object_or_404": (
        """
        try:
            order = Order.objects.get(id=order_id)
        except Order.DoesNotExist:
            raise Http404
        return JsonResponse({"total": order.total})
        """,
        """
        order = await aget_object_or_404(Order, id=order_id)
        return JsonResponse({"total": order.total})
        """,
    ),
    "requests error became an httpx error tested with isinstance after gather": (
        """
        try:
            rate = fetch_rate()
        except requests.RequestException:
            return JsonResponse({"error": "rates unavailable"}, status=502)
        return JsonResponse({"rate": rate})
        """,
        """
        (rate,) = await asyncio.gather(afetch_rate(), return_exceptions=True)
        if isinstance(rate, httpx.HTTPError):
            return JsonResponse({"error": "rates unavailable"}, status=502)
        return JsonResponse({"rate": rate})
        """,
    ),
}


@pytest.mark.parametrize(("sync", "converted", "message"), LOST.values(), ids=LOST.keys())
def test_lost_404_or_handler_is_reported(repo, sync, converted, message):
    finding = regressions(repo, view("def", sync), view("async def", converted)).only("DJA504")
    assert message in finding["message"]


@pytest.mark.parametrize(("sync", "converted"), KEPT.values(), ids=KEPT.keys())
def test_equivalent_404_handling_is_not_reported(repo, sync, converted):
    assert regressions(repo, view("def", sync), view("async def", converted)).findings == []
