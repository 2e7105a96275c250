"""The sample shop's own conversion is correct (no DJA5xx finding); the tutorial's conversion of
``order_confirmation`` loses the 404 that the legacy view has."""

from pathlib import Path

from verify.compare.run import check_compare

from .gitrepo import MAIN

SHOP = MAIN / "sample_project" / "shop"

# The tutorial's "after" for order_confirmation, as an AI assistant wrote it (imports added).
TUTORIAL_AFTER = '''
import asyncio

from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render

from .models import Order, OrderItem, Payment


async def order_confirmation(request, order_id):
    if not request.user.is_authenticated:
        return redirect('login')

    # Fetch order first (needed for permission check)
    order = await Order.objects.select_related(
        'user', 'shipping_address'
    ).aget(id=order_id)

    if order.user != request.user:
        return HttpResponseForbidden()

    # These queries are independent - run in parallel
    items_task = OrderItem.objects.filter(order=order).select_related('product')
    payment_task = Payment.objects.aget(order=order)

    # Email doesn't need to block response
    email_task = asyncio.create_task(
        send_order_email_async(order, request.user.email)
    )

    items, payment = await asyncio.gather(items_task, payment_task)

    return render(request, 'shop/order_confirmation.html', {
        'order': order,
        'items': list(items),
        'payment': payment,
    })
'''


def regression_codes(old: Path, new: Path) -> list[str]:
    report = check_compare(old, new, select=["DJA5"], use_config=False)
    return [finding.code for finding in report.findings]


def test_sample_async_views_are_a_correct_conversion_of_the_legacy_ones():
    assert regression_codes(SHOP / "views_legacy.py", SHOP / "views_async.py") == []


def test_tutorial_conversion_of_order_confirmation_loses_the_404(tmp_path):
    converted = tmp_path / "views.py"
    converted.write_text(TUTORIAL_AFTER.lstrip("\n"))
    report = check_compare(SHOP / "views_legacy.py", converted, select=["DJA5"], use_config=False)
    assert [finding.code for finding in report.findings] == ["DJA504"]
    message = report.findings[0].message
    assert message.startswith("`get_object_or_404(Order.objects.select_related(\"user\", \"s...` of `order_confirmation` (old line 58) "
                              "became `Order.objects.select_related( 'user', 'shipping_address' ...` (line 14) "
                              "without handling `DoesNotExist`")
    assert report.findings[0].line == 14
