from django.core.mail import send_mail
from django.tasks import task

from .models import Order


@task
def send_order_confirmation(order_id):
    order = Order.objects.select_related("customer").get(pk=order_id)
    send_mail("Your order", f"Order {order.pk} confirmed", "shop@example.com", [order.customer.email])


@task(priority=10)
def sync_inventory(product_ids):
    return len(product_ids)
