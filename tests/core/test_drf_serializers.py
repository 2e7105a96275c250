"""A Django REST framework serializer's `.data` and `.is_valid()` in async code, reported with the
code of the underlying problem: a relation the instance's query did not load (DJA106), a QuerySet or
to-many relation listed (DJA103), a lookup while validating (DJA102)."""

import textwrap

import pytest

from verify.api import check_paths

MODELS = '''
from django.conf import settings
from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=50)
    referrer = models.ForeignKey("self", null=True, on_delete=models.SET_NULL)

    def __str__(self):
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=50)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    number = models.CharField(max_length=10, unique=True)
    tags = models.ManyToManyField(Tag)


class Item(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    sku = models.CharField(max_length=10)
'''

SERIALIZERS = '''
from adrf import serializers as async_serializers
from rest_framework import serializers
from shop.models import Customer, Item, Order


class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "name"]


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = ["id", "sku"]


class OrderSerializer(serializers.ModelSerializer):
    customer = CustomerSerializer()
    items = ItemSerializer(many=True)

    class Meta:
        model = Order
        fields = ["id", "number", "customer", "items"]


class FlatOrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ["id", "number", "customer"]  # customer: a PrimaryKeyRelatedField, the key column


class TaggedOrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = "__all__"  # tags: a many-to-many field, listed


class DeepOrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        exclude = ["tags"]
        depth = 1


class SourcedSerializer(serializers.Serializer):
    number = serializers.CharField()
    customer_name = serializers.CharField(source="customer.name")
    customer_label = serializers.StringRelatedField(source="customer")


class TotalSerializer(serializers.ModelSerializer):
    item_count = serializers.SerializerMethodField()
    label = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = ["id", "item_count", "label"]

    def get_item_count(self, obj):
        return obj.items.count()

    def get_label(self, obj):
        return obj.number.upper()


class LabelSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = ["id", "label"]

    def get_label(self, obj):
        return obj.number.upper()


class CustomOrderSerializer(serializers.ModelSerializer):
    customer = CustomerSerializer()

    class Meta:
        model = Order
        fields = ["id", "customer"]

    def to_representation(self, instance):
        return {"id": instance.pk}


class AsyncOrderSerializer(async_serializers.ModelSerializer):
    customer = CustomerSerializer()

    class Meta:
        model = Order
        fields = ["id", "customer"]
'''


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "manage.py").write_text("")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "models.py").write_text(MODELS)
    (shop / "serializers.py").write_text(SERIALIZERS)
    monkeypatch.chdir(tmp_path)

    def check(code: str, files: dict[str, str] | None = None) -> list:
        for name, text in (files or {}).items():
            (shop / name).write_text(textwrap.dedent(text))
        (shop / "views.py").write_text(textwrap.dedent(code))
        return check_paths(["shop"], select=["DJA1", "DJA2"], cache=False).findings

    return check


HEADER = """
from asgiref.sync import sync_to_async
from django.http import JsonResponse
from shop.models import Customer, Order
from shop.serializers import (AsyncOrderSerializer, CustomerSerializer, CustomOrderSerializer, DeepOrderSerializer,
                               FlatOrderSerializer, LabelSerializer, OrderSerializer, SourcedSerializer, TaggedOrderSerializer,
                               TotalSerializer)
"""


def test_nested_serializers_and_to_many_fields_read_relations_the_query_did_not_load(project):
    found = project(HEADER + """
async def detail(request, pk):
    order = await Order.objects.aget(pk=pk)
    return JsonResponse(OrderSerializer(order).data)

async def tagged(request, pk):
    order = await Order.objects.select_related("customer").aget(pk=pk)
    serializer = TaggedOrderSerializer(instance=order)
    return JsonResponse(serializer.data)

async def deep(request, pk):
    order = await Order.objects.aget(pk=pk)
    return JsonResponse(DeepOrderSerializer(order).data)

async def sourced(request, pk):
    order = await Order.objects.aget(pk=pk)
    return JsonResponse(SourcedSerializer(order).data)
""")
    assert [(f.line, f.code) for f in found] == [(11, "DJA103"), (11, "DJA106"), (16, "DJA103"), (20, "DJA106"), (24, "DJA106")]
    to_many, to_one = found[0], found[1]
    assert "lists relation `items`, not prefetched" in to_many.message and 'prefetch_related("items")' in to_many.hint
    assert to_one.message.startswith("`OrderSerializer(order).data` reads relation `customer`, not loaded by the query")
    assert 'select_related("customer")' in to_one.hint
    assert "build it on adrf's serializers and `await OrderSerializer(order).adata`" in to_one.hint
    assert "`tags`" in found[2].message and "customer" not in found[2].message


def test_many_over_a_queryset_evaluates_it_and_method_fields_are_followed(project):
    found = project(HEADER + """
async def listing(request):
    orders = Order.objects.filter(number__startswith="A")
    return JsonResponse(FlatOrderSerializer(orders, many=True).data, safe=False)

async def totals(request, pk):
    order = await Order.objects.aget(pk=pk)
    return JsonResponse(TotalSerializer(order).data)
""")
    assert [(f.line, f.code) for f in found] == [(11, "DJA103"), (15, "DJA102")]
    assert "evaluates the QuerySet" in found[0].message
    assert found[1].message.startswith("`TotalSerializer(order).data` -> `TotalSerializer.get_item_count(obj)` -> `obj.items.count()`")


def test_loaded_relations_key_columns_and_async_serialization_are_not_flagged(project):
    assert project(HEADER + """
async def detail(request, pk):
    order = await Order.objects.select_related("customer").prefetch_related("items").aget(pk=pk)
    flat = await Order.objects.aget(pk=pk)
    starred = await Order.objects.select_related().prefetch_related("tags").aget(pk=pk)
    orders = [o async for o in Order.objects.all()]
    return JsonResponse({
        "full": OrderSerializer(order).data,
        "flat": FlatOrderSerializer(flat).data,
        "all": TaggedOrderSerializer(starred).data,
        "deep": DeepOrderSerializer(starred).data,
        "list": FlatOrderSerializer(orders, many=True).data,
        "label": LabelSerializer(flat).data,
        "custom": CustomOrderSerializer(flat).data,
        "async": await AsyncOrderSerializer(flat).adata,
        "thread": await sync_to_async(lambda: OrderSerializer(flat).data)(),
    })

async def create(request):
    serializer = FlatOrderSerializer(data=request.POST)
    return JsonResponse(serializer.initial_data)

async def update(request, pk):
    order = await Order.objects.aget(pk=pk)
    serializer = OrderSerializer(order, data=request.POST)
    return JsonResponse(serializer.data if await sync_to_async(serializer.is_valid)() else {})

async def given(request, order: Order):
    return JsonResponse(OrderSerializer(order).data)

def sync_detail(request, pk):
    return JsonResponse(OrderSerializer(Order.objects.get(pk=pk)).data)

async def nested_helper(request, pk):
    def build():
        return OrderSerializer(Order.objects.get(pk=pk)).data
    return JsonResponse(await sync_to_async(build)())
""") == []


def test_serializers_of_other_libraries_or_hand_written_are_left_alone(project):
    assert project(HEADER + """
from rest_flex_fields import FlexFieldsModelSerializer

class FlexOrderSerializer(FlexFieldsModelSerializer):
    customer = CustomerSerializer()

    class Meta:
        model = Order
        fields = ["id", "customer"]

class Plain:
    def __init__(self, order):
        self.order = order
        self.data = {"id": order.pk}

async def detail(request, pk):
    order = await Order.objects.aget(pk=pk)
    return JsonResponse({**FlexOrderSerializer(order).data, **Plain(order).data})
""") == []


def test_a_sync_helper_that_serializes_is_flagged_where_async_code_calls_it(project):
    found = project(HEADER + """
from shop.presenters import present

async def detail(request, pk):
    order = await Order.objects.aget(pk=pk)
    return JsonResponse(present(order))
""", {"presenters.py": """
        from shop.serializers import OrderSerializer

        def present(order):
            return OrderSerializer(order).data
    """})
    assert [(f.line, f.code) for f in found] == [(13, "DJA103"), (13, "DJA106")]
    assert found[1].message.startswith("`present(order)` -> `OrderSerializer(order).data` reads relation `customer`")


WRITERS = '''
from adrf import serializers as async_serializers
from rest_framework import serializers
from shop.models import Order


class OrderInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ["number", "customer"]  # customer: looked up by its key


class NumberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ["number"]  # unique=True: UniqueValidator queries


class ReadOnlyCustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ["id", "customer"]
        read_only_fields = ["customer"]


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField()
    customer = serializers.PrimaryKeyRelatedField(read_only=True)


class AsyncOrderInputSerializer(async_serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ["number"]
'''


def test_validation_that_looks_objects_up_and_model_serializer_saves_are_flagged(project):
    """``save()`` is DJA102's finding (adrf's ModelSerializer keeps DRF's sync ``save()`` too)."""
    found = project(HEADER + """
from shop.writers import AsyncOrderInputSerializer, NumberSerializer, OrderInputSerializer

async def create(request):
    serializer = OrderInputSerializer(data=request.POST)
    if serializer.is_valid():
        serializer.save()
    numbered = NumberSerializer(data=request.POST)
    numbered.is_valid(raise_exception=True)
    adrf = AsyncOrderInputSerializer(data=request.POST)
    adrf.save()
    return JsonResponse({})
""", {"writers.py": WRITERS})
    assert [(f.line, f.code) for f in found] == [(13, "DJA102"), (14, "DJA102"), (16, "DJA102"), (18, "DJA102")]
    assert "validates `number`, `customer` with database queries" in found[0].message
    assert found[1].hint == "use `await sync_to_async(serializer.save)(...)`"
    assert found[3].hint.startswith("use `await adrf.asave()`")


def test_validation_without_lookups_or_off_the_loop_is_not_flagged(project):
    assert project(HEADER + """
from shop.writers import AsyncOrderInputSerializer, NoteSerializer, ReadOnlyCustomerSerializer

async def create(request):
    plain = ReadOnlyCustomerSerializer(data=request.POST)
    note = NoteSerializer(data=request.POST)
    adrf = AsyncOrderInputSerializer(data=request.POST)
    valid = plain.is_valid() and note.is_valid() and await sync_to_async(adrf.is_valid)()
    if valid:
        await adrf.asave()
        await sync_to_async(plain.save)()
    return JsonResponse({"valid": valid})
""", {"writers.py": WRITERS}) == []
