"""The order confirmation email, shared by the legacy view and the background task."""

from django.core.mail import send_mail
from django.template.loader import render_to_string

from .models import OrderItem


def send_order_email(order_id: int, email: str) -> None:
    """Send the confirmation for order ``order_id`` (its items and products are read here).

    It takes the order's id, not the order: the background task can only be given JSON, and
    reading the order again there would make the async view do more work than the legacy one.
    """
    items = OrderItem.objects.filter(order_id=order_id).select_related("product")
    send_mail(
        subject=f"Your order {order_id}",
        message=render_to_string("shop/order_email.txt", {"order_id": order_id, "items": items}),
        from_email=None,
        recipient_list=[email],
    )
