"""The API views converted correctly (or left sync where the framework is sync)."""

import httpx2
from adrf.views import APIView as AsyncAPIView
from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import JsonResponse
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import ProductSerializer, ReviewSerializer
from catalog.models import Product, Review


class ProductListAPI(APIView):
    """DRF's APIView is sync: the handler stays sync and Django runs it in a thread."""

    def get(self, request):
        return Response(ProductSerializer(Product.objects.all(), many=True).data)


class AsyncProductListAPI(AsyncAPIView):
    async def get(self, request):
        products = [p async for p in Product.objects.select_related("category")]
        return Response(ProductSerializer(products, many=True).data)


class AsyncReviewListAPI(AsyncAPIView):
    async def get(self, request, pk):
        reviews = [r async for r in Review.objects.filter(product_id=pk)]
        return Response(ReviewSerializer(reviews, many=True).data)


class AsyncReviewCreateAPI(AsyncAPIView):
    async def post(self, request, pk):
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        await sync_to_async(serializer.save)(product_id=pk, author=request.user)
        return Response(serializer.data, status=201)


async def product_names(request):
    return JsonResponse({"names": [name async for name in Product.objects.values_list("name", flat=True)]})


async def product_feed(request):
    rows = [row async for row in Product.objects.values("id", "name")[:20]]
    return JsonResponse({"results": rows, "total": await Product.objects.acount()})


async def remote_rates(request):
    async with httpx2.AsyncClient(timeout=5) as client:
        response = await client.get(settings.RATES_URL)
    return JsonResponse(response.json())
