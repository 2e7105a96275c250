"""Hand-written serializers (no DRF)."""


class OrderItemSerializer:
    def __init__(self, item):
        self.item = item

    def to_dict(self):
        return {
            "sku": self.item.product.sku,
            "quantity": self.item.quantity,
            "price": str(self.item.price),
        }


class OrderSerializer:
    def __init__(self, order):
        self.order = order

    @property
    def data(self):
        return {
            "id": self.order.pk,
            "status": self.order.status,
            "items": [OrderItemSerializer(i).to_dict() for i in self.order.items.all()],
        }


class ProductSerializer:
    fields = ("id", "name", "sku", "price")

    def __init__(self, product):
        self.product = product

    def to_dict(self):
        return {f: getattr(self.product, f) for f in self.fields}
