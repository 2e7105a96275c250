"""DJA506: writes, emails, messages and signals of the sync view with no equivalent after the conversion."""

import textwrap

import pytest

from .gitrepo import regressions

HEADER = """
from asgiref.sync import sync_to_async
from django.contrib import messages
from django.core.mail import send_mail
from django.shortcuts import aget_object_or_404, get_object_or_404, redirect

from .models import Order
from .signals import order_cancelled
from .tasks import send_cancellation
"""

MODULE_LEVEL = "# module level:"


def view(keyword: str, body: str) -> str:
    """The view starts on line 11, its body on line 12; what follows MODULE_LEVEL goes after the view."""
    body, _, after = textwrap.dedent(body).partition(MODULE_LEVEL)
    return HEADER + f"\n\n{keyword} cancel_order(request, order_id):\n" + textwrap.indent(body.strip("\n"), "    ") + "\n" + after


SYNC = """
order = get_object_or_404(Order, id=order_id, user=request.user)
order.status = "cancelled"
order.save()
Order.objects.filter(parent=order).update(status="cancelled")
send_mail("Order cancelled", "...", None, [request.user.email])
messages.success(request, "Order cancelled")
order_cancelled.send(sender=Order, order=order)
return redirect("order_list")
"""

CORRECT = """
user = await request.auser()
order = await aget_object_or_404(Order, id=order_id, user=user)
order.status = "cancelled"
await order.asave()
await Order.objects.filter(parent=order).aupdate(status="cancelled")
await sync_to_async(send_mail)("Order cancelled", "...", None, [user.email])
messages.success(request, "Order cancelled")
await order_cancelled.asend(sender=Order, order=order)
return redirect("order_list")
"""

DROPPED = {
    "save": ("await order.asave()\n", "`order.save()` of `cancel_order` (old line 14) has no equivalent in the async version (line 11)"),
    "update": ('await Order.objects.filter(parent=order).aupdate(status="cancelled")\n',
               "`Order.objects.filter(parent=order).update(status=\"cancelled\")` of `cancel_order` (old line 15)"),
    "email": ('await sync_to_async(send_mail)("Order cancelled", "...", None, [user.email])\n',
              "`send_mail(\"Order cancelled\", \"...\", None, [request.user.email])` of `cancel_order` (old line 16)"),
    "message": ('messages.success(request, "Order cancelled")\n', "`messages.success(request, \"Order cancelled\")` of `cancel_order` (old line 17)"),
    "signal": ("await order_cancelled.asend(sender=Order, order=order)\n",
               "`order_cancelled.send(sender=Order, order=order)` of `cancel_order` (old line 18)"),
}

EQUIVALENT = {
    "as written": CORRECT,
    "email sent in a thread": CORRECT.replace('await sync_to_async(send_mail)("Order cancelled", "...", None, [user.email])',
                                              'await asyncio.to_thread(send_mail, "Order cancelled", "...", None, [user.email])'),
    "email sent by a task": CORRECT.replace('await sync_to_async(send_mail)("Order cancelled", "...", None, [user.email])',
                                            "await send_cancellation.aenqueue(order.pk, user.email)"),
    "writes moved into a sync helper": CORRECT.replace(
        'await order.asave()\nawait Order.objects.filter(parent=order).aupdate(status="cancelled")',
        "await sync_to_async(_cancel)(order)",
    ) + '''
# module level:


def _cancel(order):
    order.save()
    Order.objects.filter(parent=order).update(status="cancelled")
''',
}


@pytest.mark.parametrize(("line", "message"), DROPPED.values(), ids=DROPPED.keys())
def test_dropped_side_effect_is_reported(repo, line, message):
    assert line in CORRECT
    finding = regressions(repo, view("def", SYNC), view("async def", CORRECT.replace(line, ""))).only("DJA506")
    assert message in finding["message"]


@pytest.mark.parametrize("converted", EQUIVALENT.values(), ids=EQUIVALENT.keys())
def test_equivalent_side_effects_are_not_reported(repo, converted):
    assert regressions(repo, view("def", SYNC), view("async def", converted)).findings == []
