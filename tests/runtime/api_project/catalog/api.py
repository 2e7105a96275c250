"""The django-ninja API: async operations with the async ORM, logging and an httpx2 call."""

import logging

from django.shortcuts import aget_object_or_404
from ninja import NinjaAPI, Schema

from catalog.models import Product
from catalog.supplier import supplier_price

logger = logging.getLogger("catalog.api")
api = NinjaAPI(urls_namespace="api")


class ProductOut(Schema):
    id: int
    name: str
    price: float
    supplier: str


class PriceOut(Schema):
    id: int
    ours: float
    supplier: float | None


@api.get("/products", response=list[ProductOut])
async def list_products(request):
    logger.info("listing products")
    products = [product async for product in Product.objects.select_related("supplier").order_by("id")]
    return [ProductOut(id=p.id, name=p.name, price=p.price, supplier=p.supplier.name) for p in products]


@api.get("/products/{product_id}/price", response=PriceOut)
async def product_price(request, product_id: int):
    product = await aget_object_or_404(Product, id=product_id)
    price = await supplier_price(product.id)
    logger.info("priced product %s", product.id)
    return PriceOut(id=product.id, ours=product.price, supplier=price)


@api.post("/products/{product_id}/flag")
async def flag_product(request, product_id: int):
    product = await aget_object_or_404(Product, id=product_id)
    try:
        raise ValueError(f"flagged {product.name}")
    except ValueError:
        logger.exception("product %s flagged for review", product.id)  # a traceback into the log file
    return {"flagged": product.id}
