"""adrf views: a class-based API view and a decorated function."""

import logging

from adrf.decorators import api_view
from adrf.views import APIView
from rest_framework.response import Response

from catalog.models import Product

logger = logging.getLogger("catalog.drf")


class ProductCountView(APIView):
    async def get(self, request):
        count = await Product.objects.acount()
        logger.info("counted %s products", count)
        return Response({"count": count})


@api_view(["GET"])
async def cheapest_product(request):
    product = await Product.objects.order_by("price").afirst()
    logger.info("cheapest product: %s", product and product.id)
    return Response({"id": product and product.id})
