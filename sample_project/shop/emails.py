"""The order confirmation email, shared by the legacy view and the background task."""

from django.core.mail import send_mail
from django.template.loader import render_to_string

from .models import Order


def send_order_email(order: Order, email: str) -> None:
    """Send the confirmation for ``order`` (its items and products are read here)."""
    items = order.items.select_related("product")
    send_mail(
        subject=f"Your order {order.pk}",
        message=render_to_string("shop/order_email.txt", {"order": order, "items": items}),
        from_email=None,
        recipient_list=[email],
    )
