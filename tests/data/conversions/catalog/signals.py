from django.dispatch import Signal, receiver

from catalog.models import StockMovement

product_restocked = Signal()


@receiver(product_restocked)
def log_restock(sender, product, quantity, **kwargs):
    StockMovement.objects.create(product=product, delta=quantity, reason="restock")
