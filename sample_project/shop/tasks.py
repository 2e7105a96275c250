"""Background work for the async views, with Django 6's tasks framework (``django.tasks``)."""

from django.tasks import task

from .emails import send_order_email


@task
def send_order_confirmation(order_id: int, email: str) -> None:
    # Task arguments must be JSON-serialisable, so the order travels as its id.
    send_order_email(order_id, email)
