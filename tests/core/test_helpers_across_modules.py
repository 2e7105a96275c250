"""Sync helpers followed across modules (per-function summaries linked through imports)."""

import textwrap
from pathlib import Path

import pytest

from verify.api import check_paths

MODELS = """
from django.conf import settings
from django.db import models

class Product(models.Model):
    name = models.CharField(max_length=10)

class Review(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "manage.py").write_text("")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "models.py").write_text(MODELS)
    monkeypatch.chdir(tmp_path)

    def write(name: str, code: str) -> None:
        (shop / name).write_text(textwrap.dedent(code))

    return write


def findings(select=("DJA1", "DJA2", "DJA3")):
    return check_paths(["shop"], select=list(select)).findings


def test_helper_two_calls_deep_in_another_module_is_found_with_its_chain(project):
    project("reviews.py", """
        from shop.models import Review

        def count_reviews(product):
            return Review.objects.filter(product=product).count()
    """)
    project("context.py", """
        from shop.reviews import count_reviews

        def get_context(product):
            return {"product": product, "reviews": count_reviews(product)}
    """)
    project("views.py", """
        from django.http import JsonResponse
        from shop.context import get_context
        from shop.models import Product

        async def detail(request, pk):
            product = await Product.objects.aget(id=pk)
            return JsonResponse(get_context(product))
    """)
    [finding] = findings()
    assert (finding.path, finding.line, finding.code) == ("shop/views.py", 8, "DJA102")
    assert finding.message.startswith("`get_context(product)` -> `count_reviews(product)` -> `Review.objects.filter(product=product).count()` runs a database query")
    assert finding.message.endswith("(reviews.py:5)")
    assert "sync_to_async(get_context)" in finding.hint


def test_the_same_helper_through_sync_to_async_is_not_flagged(project):
    project("context.py", """
        from shop.models import Review

        def get_context(product):
            return {"reviews": Review.objects.filter(product=product).count()}
    """)
    project("views.py", """
        import asyncio
        from asgiref.sync import sync_to_async
        from django.http import JsonResponse
        from shop.context import get_context

        async def detail(request, product):
            context = await sync_to_async(get_context)(product)
            other = await asyncio.to_thread(get_context, product)
            return JsonResponse(context)
    """)
    assert findings() == []


def test_helper_returning_a_lazy_queryset(project):
    project("queries.py", """
        from shop.models import Review

        def recent_reviews(limit):
            return Review.objects.order_by("-id")[:limit]
    """)
    project("views.py", """
        from django.shortcuts import render
        from shop.queries import recent_reviews

        async def good(request):
            reviews = [r async for r in recent_reviews(5)]
            return render(request, "r.html", {"reviews": reviews})

        async def loops(request):
            for review in recent_reviews(5):
                print(review)

        async def renders(request):
            return render(request, "r.html", {"reviews": recent_reviews(5)})
    """)
    assert [(f.line, f.code) for f in findings()] == [(10, "DJA103"), (14, "DJA201")]


def test_coroutine_of_another_module_called_without_await(project):
    project("services.py", """
        from shop.models import Product

        async def load_product(pk):
            return await Product.objects.aget(id=pk)
    """)
    project("views.py", """
        from django.http import JsonResponse
        from shop import services
        from shop.services import load_product

        async def detail(request, pk):
            product = load_product(pk)
            return JsonResponse({"name": product.name})

        async def fine(request, pk):
            product = await load_product(pk)
            return JsonResponse({"name": product.name})
    """)
    # reported at the call, where `await` belongs, with the use as a second location
    assert [(f.line, f.code, f.related) for f in findings()] == [
        (7, "DJA101", ((8, 34, "the coroutine is used as an object (`.name`) here"),))]


def test_methods_through_self_and_super_in_class_based_views(project):
    project("base.py", """
        class OwnerMixin:
            def get_owner(self):
                return self.request.user
    """)
    project("views.py", """
        from django.http import JsonResponse
        from django.views import View
        from shop.base import OwnerMixin
        from shop.models import Review

        class Base(OwnerMixin, View):
            def stats(self):
                return {"reviews": Review.objects.count()}

        class Dashboard(Base):
            def stats(self):
                return {}

            async def get(self, request):
                owner = self.get_owner()
                data = super().stats()
                mine = self.stats()
                return JsonResponse(data)
    """)
    found = [(f.line, f.code) for f in findings()]
    assert found == [(16, "DJA107"), (17, "DJA102")]


def test_nested_helper_called_directly_is_flagged_but_not_through_sync_to_async(project):
    project("views.py", """
        from asgiref.sync import sync_to_async
        from shop.models import Review

        async def direct(request):
            def load():
                return list(Review.objects.all())
            rows = load()

        async def offloaded(request):
            def load():
                return list(Review.objects.all())
            rows = await sync_to_async(load)()
    """)
    assert [(f.line, f.code) for f in findings()] == [(8, "DJA103")]


def test_recursion_and_unresolvable_calls_end_the_chain_silently(project):
    project("helpers.py", """
        from shop.models import Review

        def walk(node):
            if node:
                return walk(node.parent)
            return 0

        def dispatch(handler):
            return handler()
    """)
    project("views.py", """
        from shop.helpers import dispatch, walk
        from shop.unknown import mystery

        async def view(request, node):
            walk(node)
            dispatch(print)
            mystery()
            getattr(request, "thing")()
    """)
    assert findings() == []


def test_select_applies_to_the_underlying_code(project):
    project("views.py", """
        from shop.models import Review

        def count():
            return Review.objects.count()

        async def view(request):
            n = count()
    """)
    assert [f.code for f in findings(select=["DJA102"])] == ["DJA102"]
    assert findings(select=["DJA3"]) == []


def test_a_generator_helper_runs_nothing_when_called(project):
    project("rows.py", """
        from shop.models import Review

        def stream_reviews():
            for review in Review.objects.all():
                yield review.pk
    """)
    project("views.py", """
        from django.http import StreamingHttpResponse
        from shop.rows import stream_reviews

        async def export(request):
            return StreamingHttpResponse(stream_reviews())
    """)
    assert findings() == []


def test_a_querying_model_property_is_followed(project):
    (Path.cwd() / "shop" / "models.py").write_text(MODELS + textwrap.dedent("""

        class Basket(models.Model):
            owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

            @property
            def review_count(self):
                return Review.objects.filter(user=self.owner_id).count()

            @property
            def label(self):
                return f"basket {self.pk}"
    """))
    project("views.py", """
        from django.http import JsonResponse
        from shop.models import Basket

        async def basket(request, pk):
            basket = await Basket.objects.aget(pk=pk)
            return JsonResponse({"n": basket.review_count, "label": basket.label})
    """)
    [finding] = findings()
    assert (finding.line, finding.code) == (7, "DJA102") and finding.message.startswith("`basket.review_count` -> ")


SERIALIZERS = """
class ReviewSerializer:
    def __init__(self, review, strict=False):
        self.review = review
        self.strict = strict

    @property
    def data(self):
        return {"product": self.review.product.name}

    def to_dict(self):
        return {"user": self.review.user_id}

    def reviewer(self):
        return self.review.user.email
"""


def test_objects_of_project_classes_carry_the_instances_they_were_given(project):
    """``ReviewSerializer(review).data``: the property (or method) reads the instance the caller
    passed, with what the caller's query loaded."""
    project("serializers.py", SERIALIZERS)
    project("views.py", """
        from django.http import JsonResponse
        from shop.models import Review
        from shop.serializers import ReviewSerializer

        async def lazy(request, pk):
            review = await Review.objects.aget(pk=pk)
            return JsonResponse({**ReviewSerializer(review).data, "by": ReviewSerializer(review).reviewer()})

        async def loaded(request, pk):
            review = await Review.objects.select_related("product", "user").aget(pk=pk)
            return JsonResponse({**ReviewSerializer(review).data, "by": ReviewSerializer(review).reviewer()})

        async def plain_fields(request, pk):
            review = await Review.objects.aget(pk=pk)
            return JsonResponse(ReviewSerializer(review, strict=True).to_dict())
    """)
    found = [(f.line, f.code, f.message.split(" -> ")[-1][:40]) for f in findings()]
    assert found == [(8, "DJA106", "`self.review.product` loads a relation l"),
                     (8, "DJA106", "`self.review.user` loads a relation lazi")]


def test_a_model_str_that_reads_a_relation_is_followed_from_str_and_f_strings(tmp_path, monkeypatch):
    (tmp_path / "manage.py").write_text("")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "models.py").write_text(textwrap.dedent('''
        from django.conf import settings
        from django.db import models


        class Order(models.Model):
            user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
            number = models.CharField(max_length=10)

            def __str__(self):
                return f"{self.number} for {self.user.username}"


        class Tag(models.Model):
            name = models.CharField(max_length=10)

            def __str__(self):
                return self.name
    '''))
    (shop / "views.py").write_text(textwrap.dedent('''
        from django.http import HttpResponse
        from shop.models import Order, Tag


        async def receipt(request, pk):
            order = await Order.objects.aget(pk=pk)
            title = f"Receipt {order}"
            return HttpResponse(str(order) + title)


        async def fine(request, pk):
            order = await Order.objects.select_related("user").aget(pk=pk)
            tag = await Tag.objects.aget(pk=pk)
            return HttpResponse(f"{order} {tag} {order.number:>10}" + str(tag) + repr(order))
    '''))
    monkeypatch.chdir(tmp_path)
    found = check_paths(["shop"], select=["DJA1"]).findings
    assert [(f.line, f.code) for f in found] == [(8, "DJA106"), (9, "DJA106")]
    assert "`self.user` loads a relation lazily" in found[0].message


def test_redirect_to_an_instance_runs_its_get_absolute_url(tmp_path, monkeypatch):
    (tmp_path / "manage.py").write_text("")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "models.py").write_text(textwrap.dedent('''
        from django.db import models


        class Category(models.Model):
            slug = models.SlugField()


        class Product(models.Model):
            category = models.ForeignKey(Category, on_delete=models.CASCADE)

            def get_absolute_url(self):
                return f"/{self.category.slug}/{self.pk}/"


        class Page(models.Model):
            slug = models.SlugField()

            def get_absolute_url(self):
                return f"/pages/{self.slug}/"
    '''))
    (shop / "views.py").write_text(textwrap.dedent('''
        from django.shortcuts import redirect, resolve_url
        from shop.models import Page, Product


        async def go(request, pk):
            product = await Product.objects.aget(pk=pk)
            return redirect(product)


        async def url(request, pk):
            product = await Product.objects.aget(pk=pk)
            return resolve_url(product)


        async def fine(request, pk):
            product = await Product.objects.select_related("category").aget(pk=pk)
            page = await Page.objects.aget(pk=pk)
            if page.slug:
                return redirect(page)
            return redirect(product, permanent=True)


        async def by_name(request, pk):
            return redirect("product-detail", pk=pk)


        def sync_view(request, pk):
            return redirect(Product.objects.get(pk=pk))
    '''))
    monkeypatch.chdir(tmp_path)
    found = check_paths(["shop"], select=["DJA1"]).findings
    assert [(f.line, f.code) for f in found] == [(8, "DJA106"), (13, "DJA106")]
    assert "`self.category` loads a relation lazily" in found[0].message


def test_a_project_class_whose_init_queries_is_followed_from_its_construction(project):
    project("forms.py", """
        from django import forms
        from shop.models import Product

        class ReviewForm(forms.Form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["product"].choices = [(p.pk, p.name) for p in Product.objects.all()]

        class LazyReviewForm(forms.Form):
            product = forms.ModelChoiceField(queryset=Product.objects.all())

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["product"].queryset = Product.objects.filter(name__startswith="a")
    """)
    project("views.py", """
        from django.http import HttpResponse
        from shop.forms import LazyReviewForm, ReviewForm
        from shop.models import Product

        async def review(request):
            form = ReviewForm(request.POST)
            lazy = LazyReviewForm(request.POST)
            product = Product(name="x")
            return HttpResponse(str(form.is_bound and lazy.is_bound))
    """)
    assert [(f.line, f.code) for f in findings()] == [(7, "DJA103")]


def test_a_client_returned_by_a_project_helper_blocks_like_the_client_itself(project):
    project("clients.py", """
        import redis
        from redis import Redis

        def get_redis() -> Redis:
            return _pool_client()

        def make_redis():
            return redis.Redis.from_url("redis://localhost")

        def get_label():
            return "x"
    """)
    project("views.py", """
        from django.http import HttpResponse
        from shop.clients import get_label, get_redis, make_redis

        async def counter(request):
            hits = get_redis().incr("hits")
            client = make_redis()
            client.set("last", get_label().upper())
            return HttpResponse(hits)
    """)
    assert [(f.line, f.code) for f in findings()] == [(6, "DJA309"), (8, "DJA309")]


def test_a_plain_form_with_a_model_choice_field_queries_when_validated(project):
    project("forms.py", """
        from django import forms
        from shop.models import Product

        class PickForm(forms.Form):
            product = forms.ModelChoiceField(queryset=Product.objects.all())

        class ContactForm(forms.Form):
            email = forms.EmailField()
    """)
    project("views.py", """
        from django.http import HttpResponse
        from shop.forms import ContactForm, PickForm

        async def pick(request):
            form = PickForm(request.POST)
            contact = ContactForm(request.POST)
            if form.is_valid() and contact.is_valid():
                return HttpResponse("ok")
            return HttpResponse("no")
    """)
    assert [(f.line, f.code) for f in findings()] == [(8, "DJA102")]
