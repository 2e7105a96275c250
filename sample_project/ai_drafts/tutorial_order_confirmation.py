"""The tutorial's "after" version of order_confirmation (Step 5), as published.

What is wrong: three uses of ``request.user``; a QuerySet and a coroutine passed to
``asyncio.gather`` (a QuerySet is not awaitable); and the email sent with a fire-and-forget
``asyncio.create_task`` whose task nothing keeps, so it can be garbage-collected mid-flight, and
which outlives the request's thread context. The email helper itself blocks the event loop.
"""

import asyncio

from django.core.mail import send_mail
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render

from shop.models import Order, OrderItem, Payment


async def send_order_email_async(order, email):
    send_mail(f"Your order {order.pk}", "Thank you.", None, [email])  # expect: DJA306 send_mail blocks the event loop


async def order_confirmation(request, order_id):
    if not request.user.is_authenticated:  # expect: DJA107 request.user in an async view
        return redirect("login")

    order = await Order.objects.select_related("user", "shipping_address").aget(id=order_id)

    if order.user != request.user:  # expect: DJA107 request.user in an async view
        return HttpResponseForbidden()

    items_task = OrderItem.objects.filter(order=order).select_related("product")
    payment_task = Payment.objects.aget(order=order)

    email_task = asyncio.create_task(  # expect: DJA401 fire-and-forget task: nothing keeps or awaits it
        send_order_email_async(order, request.user.email)  # expect: DJA107 request.user in an async view
    )

    items, payment = await asyncio.gather(items_task, payment_task)  # expect: DJA104 a QuerySet passed to asyncio.gather

    return render(
        request,
        "shop/order_confirmation.html",
        {"order": order, "items": list(items), "payment": payment},
    )
