"""API views converted to async the way assistants convert them: one real bug per view, marked by
an ``expect`` comment, each confirmed at runtime by confirm_runtime.py."""

import httpx2
from adrf.views import APIView as AsyncAPIView
from django.conf import settings
from django.http import JsonResponse
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import ProductSerializer, ReviewSerializer
from catalog.models import Product, Review


class ProductListAPI(APIView):
    async def get(self, request):  # expect: DJA419
        products = [p async for p in Product.objects.select_related("category")]
        return Response(ProductSerializer(products, many=True).data)


class AsyncProductListAPI(AsyncAPIView):
    async def get(self, request):
        products = [p async for p in Product.objects.all()]
        return Response(ProductSerializer(products, many=True).data)  # expect: DJA106


class AsyncReviewListAPI(AsyncAPIView):
    async def get(self, request, pk):
        reviews = Review.objects.filter(product_id=pk)
        return Response(ReviewSerializer(reviews, many=True).data)  # expect: DJA103


class AsyncReviewCreateAPI(AsyncAPIView):
    async def post(self, request, pk):
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save(product_id=pk, author=request.user)  # expect: DJA102
        return Response(serializer.data, status=201)


async def product_names(request):
    return JsonResponse({"names": list(Product.objects.values_list("name", flat=True))})  # expect: DJA103


async def product_feed(request):
    rows = [row async for row in Product.objects.values("id", "name")[:20]]
    return JsonResponse({"results": rows, "total": Product.objects.count()})  # expect: DJA102


async def remote_rates(request):
    response = httpx2.get(settings.RATES_URL, timeout=5)  # expect: DJA301
    return JsonResponse(response.json())
