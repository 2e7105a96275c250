"""Catalog views converted to async the way assistants convert them: one real bug per view,
marked by an ``expect`` comment (bench/bench_recall.py's convention), each confirmed at runtime by
confirm_runtime.py."""

import logging
import time
import urllib.request

from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import serializers
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.core.paginator import AsyncPaginator, Paginator
from django.db import connection, transaction
from django.db.models import Avg
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_list_or_404, get_object_or_404, redirect, render
from django.template import loader
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.views.generic import DetailView, ListView, TemplateView, View

from catalog import services
from catalog.forms import ManualUploadForm, MoveProductsForm, ProductForm, QuickReviewForm, ReviewForm, StockMovementFormSet
from catalog.models import Category, Product, Review, Wishlist
from catalog.signals import product_restocked

logger = logging.getLogger(__name__)


async def product_list(request):
    products = Product.objects.active().select_related("category")
    return render(request, "catalog/product_list.html", {"products": products})  # expect: DJA201


async def product_detail(request, pk):
    product = await Product.objects.aget(pk=pk)
    return render(request, "catalog/product_detail.html", {"product": product})  # expect: DJA106


async def product_detail_or_404(request, pk):
    product = get_object_or_404(Product.objects.select_related("category"), pk=pk)  # expect: DJA110
    return render(request, "catalog/product_detail.html", {"product": product})


async def products_of_brand(request, pk):
    products = get_list_or_404(Product, brand_id=pk)  # expect: DJA110
    return JsonResponse({"names": [p.name for p in products]})


async def product_category_name(request, pk):
    product = await Product.objects.aget(pk=pk)
    return JsonResponse({"category": product.category.name})  # expect: DJA106


async def category_count(request, pk):
    category = await Category.objects.aget(pk=pk)
    count = category.products.count()  # expect: DJA102
    return render(request, "catalog/category.html", {"category": category, "count": count})


async def product_total(request):
    total = Product.objects.active().acount()  # expect: DJA101
    return JsonResponse({"total": total})


async def search(request):
    results = Product.objects.filter(name__icontains=request.GET.get("q", ""))
    if not results:  # expect: DJA103
        return JsonResponse({"results": []})
    return JsonResponse({"results": [p.name async for p in results]})


async def cheap_products(request):
    products = await Product.objects.filter(price__lt=10)  # expect: DJA104
    return JsonResponse({"count": len(products)})


async def brand_products(request, pk):
    products = Product.objects.afilter(brand_id=pk)  # expect: DJA105
    return JsonResponse({"names": [p.name async for p in products]})


async def rating_summary(request, pk):
    stats = Review.objects.filter(product_id=pk).aggregate(avg=Avg("rating"))  # expect: DJA102
    return JsonResponse({"average": stats["avg"]})


async def product_ids(request):
    ids = list(Product.objects.active().values_list("id", flat=True))  # expect: DJA103
    return JsonResponse({"ids": ids})


async def export_json(request):
    data = serializers.serialize("json", Product.objects.active())  # expect: DJA202
    return HttpResponse(data, content_type="application/json")


async def review_authors(request, pk):
    reviews = [review async for review in Review.objects.filter(product_id=pk)]
    authors = [review.author.username for review in reviews]  # expect: DJA106
    return JsonResponse({"authors": authors})


async def review_count(request, pk):
    product = await Product.objects.aget(pk=pk)
    reviews = len(product.reviews.all())  # expect: DJA103
    return JsonResponse({"reviews": reviews})


async def approved_count(request, pk):
    product = await Product.objects.aget(pk=pk)
    return JsonResponse({"approved": product.approved_review_count()})  # expect: DJA102 helper


async def product_label(request, pk):
    product = await Product.objects.aget(pk=pk)
    return JsonResponse({"label": product.display_name})  # expect: DJA106 helper


async def paged_products(request):
    paginator = Paginator(Product.objects.active().order_by("name"), 2)
    page = paginator.get_page(request.GET.get("page"))  # expect: DJA111
    return render(request, "catalog/page.html", {"page_obj": [p async for p in page.object_list]})


@login_required
async def quick_review(request):
    form = QuickReviewForm(request.POST)
    if form.is_valid():  # expect: DJA102
        user = await request.auser()
        await Review.objects.acreate(product=form.cleaned_data["product"], author=user, rating=form.cleaned_data["rating"])
        return redirect("/")
    return render(request, "catalog/form.html", {"form": form})


@login_required
async def add_review(request, pk):
    product = await Product.objects.aget(pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        form.instance.product = product
        form.instance.author = await request.auser()
        form.save()  # expect: DJA102
        return redirect("/")
    return render(request, "catalog/form.html", {"form": form})


async def edit_product(request, pk):
    product = await Product.objects.aget(pk=pk)
    form = ProductForm(instance=product)
    return render(request, "catalog/form.html", {"form": form})  # expect: DJA201


async def move_products(request):
    form = MoveProductsForm()
    return TemplateResponse(request, "catalog/form.html", {"form": form}).render()  # expect: DJA201


async def stock_movements(request, pk):
    product = await Product.objects.aget(pk=pk)
    formset = StockMovementFormSet(request.POST, instance=product)
    if await sync_to_async(formset.is_valid)():
        formset.save()  # expect: DJA102
        return redirect("/")
    return HttpResponse(status=400)


async def recently_viewed(request, pk):
    viewed = request.session.get("recently_viewed", [])  # expect: DJA108
    return JsonResponse({"viewed": [pk, *viewed][:5]})


async def welcome_back(request):
    if request.user.is_authenticated:  # expect: DJA107
        return JsonResponse({"hello": True})
    return JsonResponse({"hello": False})


async def popular(request):
    ids = cache.get("popular-products")  # expect: DJA307
    return JsonResponse({"ids": ids or []})


async def warm_cache(request):
    ids = [p.pk async for p in Product.objects.active()]
    cache.set("popular-products", ids, 300)  # expect: DJA307
    return JsonResponse({"ids": ids})


async def popular_via_helper(request):
    return JsonResponse({"ids": services.popular_product_ids()})  # expect: DJA307 helper


async def contact(request):
    send_mail("Contact form", request.POST.get("message", ""), None, ["support@example.com"])  # expect: DJA306
    return JsonResponse({"sent": True})


async def restock_alert(request, pk):
    product = await Product.objects.aget(pk=pk)
    if product.low_stock:
        services.notify_low_stock(product)  # expect: DJA306 helper
    return JsonResponse({"low": product.low_stock})


async def price_in(request, pk):
    product = await Product.objects.aget(pk=pk)
    rate = services.fetch_exchange_rate(request.GET.get("currency", "EUR"))  # expect: DJA301 helper
    return JsonResponse({"price": float(product.price) * rate})


async def rates(request):
    with urllib.request.urlopen(settings.RATES_URL, timeout=5) as response:  # expect: DJA301
        body = response.read()
    return HttpResponse(body, content_type="application/json")


async def throttled_search(request):
    time.sleep(0.01)  # expect: DJA302
    return JsonResponse({"results": [p.name async for p in Product.objects.active()]})


async def polite_export(request):
    names = [p.name async for p in Product.objects.active()]
    services.wait_for_rate_limit(0.01)  # expect: DJA302 helper
    return JsonResponse({"names": names})


async def upload_manual(request, pk):
    form = ManualUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return HttpResponse(status=400)
    name = default_storage.save(f"manuals/{pk}.pdf", form.cleaned_data["manual"])  # expect: DJA303
    return JsonResponse({"name": name})


async def export_price_list(request):
    products = [p async for p in Product.objects.active()]
    (settings.EXPORT_DIR / "prices.txt").write_text("".join(f"{p.name};{p.price}\n" for p in products))  # expect: DJA303
    return JsonResponse({"rows": len(products)})


async def export_price_csv(request):
    products = [p async for p in Product.objects.active()]
    await sync_to_async(settings.EXPORT_DIR.mkdir)(parents=True, exist_ok=True)
    services.write_price_list(products, settings.EXPORT_DIR / "prices.csv")  # expect: DJA303 helper
    return JsonResponse({"rows": len(products)})


async def restock(request, pk):
    product = await Product.objects.aget(pk=pk)
    product.stock += 10
    await product.asave(update_fields=["stock"])
    product_restocked.send(sender=Product, product=product, quantity=10)  # expect: DJA118
    return JsonResponse({"stock": product.stock})


async def transfer_stock(request, pk):
    with transaction.atomic():  # expect: DJA109
        product = await Product.objects.aget(pk=pk)
        await product.asave()
    return JsonResponse({"ok": True})


async def stock_report(request):
    with connection.cursor() as cursor:  # expect: DJA114
        cursor.execute("SELECT COUNT(*) FROM catalog_product")
        (count,) = cursor.fetchone()
    return JsonResponse({"count": count})


async def category_info(request, pk):
    category = await Category.objects.aget(pk=pk)
    return JsonResponse(services.category_summary(category))  # expect: DJA102 helper


async def save_for_later(request, pk):
    user = await request.auser()
    wishlist = await Wishlist.objects.aget_or_create(user=user)
    await wishlist.products.aadd(pk)  # expect: DJA119
    return JsonResponse({"saved": pk})


async def wishlist_add(request, pk):
    user = await request.auser()
    wishlist, _ = await Wishlist.objects.aget_or_create(user=user)
    wishlist.products.add(pk)  # expect: DJA102
    return JsonResponse({"saved": pk})


async def approve_review(request, pk):
    review = await Review.objects.aget(pk=pk)
    await sync_to_async(services.approve)(review)
    messages.success(request, f"Approved {review}")  # expect: DJA106 helper
    return redirect("/")


async def newest(request):
    product = Product.objects.active().order_by("-created").first()  # expect: DJA102
    return JsonResponse({"name": product.name if product else None})


async def has_reviews(request, pk):
    if Review.objects.filter(product_id=pk).aexists():  # expect: DJA101
        return JsonResponse({"reviews": True})
    return JsonResponse({"reviews": False})


class ProductDetailView(DetailView):
    model = Product
    template_name = "catalog/product_card.html"
    context_object_name = "product"

    async def get(self, request, *args, **kwargs):
        self.object = self.get_object()  # expect: DJA102
        return self.render_to_response(self.get_context_data(object=self.object))


class ProductListView(ListView):
    model = Product
    template_name = "catalog/product_list.html"
    context_object_name = "products"

    async def get_context_data(self, **kwargs):  # expect: DJA418
        context = super().get_context_data(**kwargs)
        context["total"] = await Product.objects.acount()
        return context


class CategorySummaryView(TemplateView):
    template_name = "catalog/summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title="products", value=Product.objects.count())
        return context

    async def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)  # expect: DJA102 helper
        return self.render_to_response(context)


class ProductJsonView(View):
    async def get(self, request, pk):
        product = await Product.objects.aget(pk=pk)
        return JsonResponse({"name": product.name, "brand": product.brand.name})  # expect: DJA106


async def product_category_or_404(request, pk):
    try:
        product = await Product.objects.aget(pk=pk)
    except Product.DoesNotExist:
        raise Http404("No such product")
    return JsonResponse({"category": product.category.name})  # expect: DJA106


async def filtered_products(request):
    products = Product.objects.active()
    if request.GET.get("brand"):
        products = products.filter(brand_id=request.GET["brand"])
    names = [product.name for product in products]  # expect: DJA103
    return JsonResponse({"names": names})


async def products_in_stock(request, pk):
    category = await Category.objects.aget(pk=pk)
    products = category.products.in_stock()
    return JsonResponse({"count": len(products)})  # expect: DJA103


async def similar_products(request, pk):
    product = await Product.objects.aget(pk=pk)
    names = [p.name for p in product.similar()]  # expect: DJA103 helper
    return JsonResponse({"similar": names})


async def product_rating(request, pk):
    product = await Product.objects.aget(pk=pk)
    return JsonResponse({"rating": product.average_rating})  # expect: DJA102 helper


async def featured(request):
    product = Product.objects.featured()  # expect: DJA102 helper
    return JsonResponse({"name": product.name if product else None})


async def product_with_menu(request, pk):
    product = await Product.objects.aget(pk=pk)
    return render(request, "catalog/with_menu.html", {"product": product})  # expect: DJA102 helper


async def greeting(request):
    return JsonResponse({"text": services.greeting_for(request.user)})  # expect: DJA107


async def stock_value(request):
    products = Product.objects.active()
    return JsonResponse({"value": float(services.total_value(products))})  # expect: DJA103 helper


async def has_brand(request, pk):
    product = await Product.objects.aget(pk=pk)
    if product.brand:  # expect: DJA106
        return JsonResponse({"brand": True})
    return JsonResponse({"brand": False})


async def latest_reviews(request, pk):
    product = await Product.objects.prefetch_related("reviews").aget(pk=pk)
    approved = [r.rating for r in product.reviews.filter(approved=True)]  # expect: DJA103
    return JsonResponse({"ratings": approved})


async def top_reviews(request, pk):
    product = await Product.objects.aget(pk=pk)
    ratings = [review.rating for review in product.reviews.all()[:3]]  # expect: DJA103
    return JsonResponse({"ratings": ratings})


async def review_page(request, pk):
    product = await Product.objects.aget(pk=pk)
    return render(request, "catalog/reviews.html", {"reviews": product.reviews.all()})  # expect: DJA201


async def inventory_value(request, pk):
    category = await Category.objects.aget(pk=pk)
    total = sum(p.price * p.stock for p in category.products.all())  # expect: DJA103
    return JsonResponse({"value": float(total)})


async def wrapped_lookup(request, pk):
    product = await sync_to_async(Product.objects.filter(pk=pk).first)  # expect: DJA104
    return JsonResponse({"name": product.name})


async def refresh_rates(request):
    rate = async_to_sync(fetch_rate_async)()  # expect: DJA404
    return JsonResponse({"rate": rate})


async def fetch_rate_async():
    return 1.0


class FeaturedProductView(TemplateView):
    template_name = "catalog/summary.html"
    queryset = Product.objects.active()

    async def get(self, request, *args, **kwargs):
        names = [product.name for product in self.queryset]  # expect: DJA103
        return self.render_to_response({"title": "featured", "value": ", ".join(names)})


class MyReviewsView(View):
    async def get(self, request):
        return JsonResponse({"staff": self.request.user.is_staff})  # expect: DJA107


class ReviewSummaryView(TemplateView):
    template_name = "catalog/summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = "my reviews"
        context["value"] = self.request.user.username
        return context

    async def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(**kwargs))  # expect: DJA107 helper


async def active_names(request):
    products = await sync_to_async(Product.objects.filter)(is_active=True)
    return JsonResponse({"names": [p.name for p in products]})  # expect: DJA103


async def product_categories(request):
    products = await sync_to_async(list)(Product.objects.active())
    return JsonResponse({"categories": [p.category.name for p in products]})  # expect: DJA106


async def fetched_product(request, pk):
    product = await sync_to_async(Product.objects.get)(pk=pk)
    return JsonResponse({"category": product.category.name})  # expect: DJA106


async def am_i_staff(request):
    user = await sync_to_async(lambda: request.user)()
    return JsonResponse({"staff": user.is_staff})  # expect: DJA107


async def dashboard_numbers(request):
    numbers = services.load_dashboard_numbers()  # expect: DJA101
    return JsonResponse(numbers)


async def go_to_product(request, pk):
    product = await Product.objects.aget(pk=pk)
    return redirect(product)  # expect: DJA106 helper


async def category_of(request, pk):
    return JsonResponse({"name": (await Product.objects.aget(pk=pk)).category.name})  # expect: DJA106


async def wishlist_page(request):
    user = await request.auser()
    wishlist, _ = await Wishlist.objects.aget_or_create(user=user)
    html = render_to_string("catalog/wishlist.html", {"products": wishlist.products.all()})  # expect: DJA201
    return HttpResponse(html)


async def product_cards(request):
    template = loader.get_template("catalog/product_list.html")
    return HttpResponse(template.render({"products": Product.objects.active()}, request))  # expect: DJA201


async def async_paged(request):
    paginator = AsyncPaginator(Product.objects.active().order_by("name"), 2)
    page = await paginator.apage(1)
    return render(request, "catalog/page_obj.html", {"page": page})  # expect: DJA201


@transaction.atomic  # expect: DJA109, DJA403
async def bulk_restock(request):
    async for product in Product.objects.filter(stock__lt=5):
        product.stock += 10
        await product.asave(update_fields=["stock"])
    return JsonResponse({"ok": True})


async def contact_later(request):
    sync_to_async(send_mail)("Contact", request.POST.get("message", ""), None, ["support@example.com"])  # expect: DJA101
    return JsonResponse({"queued": True})
