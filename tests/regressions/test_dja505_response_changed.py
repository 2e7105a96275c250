"""DJA505: responses of the sync view (class, status, template, context, redirect) changed by the conversion."""

import pytest

from .gitrepo import regressions
from .test_dja503_access_check_dropped import view

CHANGED = {
    "template name": (
        """
        return render(request, "shop/order_total.html", {"total": 1})
        """,
        """
        return render(request, "shop/total.html", {"total": 1})
        """,
        "the template `shop/order_total.html` of `order_total` (old line 15) became the template `shop/total.html` "
        "in the async version (line 15)",
    ),
    "context key": (
        """
        order = get_object_or_404(Order, id=order_id)
        context = {"order": order}
        context["payment"] = order.payment_set.first()
        return render(request, "shop/order.html", context)
        """,
        """
        order = await aget_object_or_404(Order, id=order_id)
        return render(request, "shop/order.html", {"order": order})
        """,
        "context key `payment` that `order_total` passed to `shop/order.html` (old line 18) is missing in the async version (line 16)",
    ),
    "status code": (
        """
        return JsonResponse({"error": "busy"}, status=503)
        """,
        """
        return JsonResponse({"error": "busy"}, status=500)
        """,
        "status 503 of `order_total` (old line 15) became status 500 in the async version (line 15)",
    ),
    "response class": (
        """
        return JsonResponse({"total": 1})
        """,
        """
        return HttpResponse('{"total": 1}')
        """,
        "`JsonResponse({\"total\": 1})` of `order_total` (old line 15): the async version (line 14) never answers with a `JsonResponse`",
    ),
    "redirect target": (
        """
        return redirect("order_list")
        """,
        """
        return redirect("home")
        """,
        "the redirect to `'order_list'` of `order_total` (old line 15) became the redirect to `'home'` in the async version (line 15)",
    ),
}

KEPT = {
    "render became TemplateResponse": (
        """
        return render(request, "shop/order.html", {"order": 1})
        """,
        """
        return TemplateResponse(request, "shop/order.html", {"order": 1})
        """,
    ),
    "redirect() became HttpResponseRedirect(reverse())": (
        """
        return redirect("order_list")
        """,
        """
        return HttpResponseRedirect(reverse("order_list"))
        """,
    ),
    "context dict built differently": (
        """
        return render(request, "shop/order.html", {"order": 1, "items": []})
        """,
        """
        context = {"order": 1}
        context["items"] = [item async for item in Order.objects.all()]
        return render(request, "shop/order.html", context)
        """,
    ),
    "refusal turned from a 403 into a 404 by filtering the query": (
        """
        order = get_object_or_404(Order, id=order_id)
        if order.user != request.user:
            return HttpResponseForbidden()
        return JsonResponse({"total": order.total})
        """,
        """
        order = await aget_object_or_404(Order, id=order_id, user=await request.auser())
        return JsonResponse({"total": order.total})
        """,
    ),
}


@pytest.mark.parametrize(("sync", "converted", "message"), CHANGED.values(), ids=CHANGED.keys())
def test_changed_response_is_reported(repo, sync, converted, message):
    finding = regressions(repo, view("def", sync), view("async def", converted)).only("DJA505")
    assert message in finding["message"]
    assert finding["severity"] == "warning"


@pytest.mark.parametrize(("sync", "converted"), KEPT.values(), ids=KEPT.keys())
def test_same_response_is_not_reported(repo, sync, converted):
    assert regressions(repo, view("def", sync), view("async def", converted)).findings == []
