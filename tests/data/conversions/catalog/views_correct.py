"""The catalog views converted correctly: confirm_runtime.py runs each one and expects no error,
no blocking call and no coroutine left un-awaited."""

import httpx2
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required, user_passes_test
from django.core import serializers
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.core.paginator import AsyncPaginator
from django.db import transaction
from django.db.models import Avg
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import aget_object_or_404, redirect, render
from django.template import loader
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.views.generic import DetailView, ListView, TemplateView, View

from catalog import services
from catalog.forms import ManualUploadForm, MoveProductsForm, ProductForm, QuickReviewForm, ReviewForm, StockMovementFormSet
from catalog.models import Category, Product, Review, Wishlist
from catalog.signals import product_restocked


async def product_list(request):
    products = [p async for p in Product.objects.active().select_related("category")]
    return render(request, "catalog/product_list.html", {"products": products})


async def product_list_lazy(request):
    # TemplateResponse renders after the view returns, in a thread: a lazy QuerySet is fine here.
    return TemplateResponse(request, "catalog/product_list.html", {"products": Product.objects.active()})


async def product_detail(request, pk):
    product = await Product.objects.select_related("category").aget(pk=pk)
    return render(request, "catalog/product_detail.html", {"product": product})


async def product_detail_or_404(request, pk):
    product = await aget_object_or_404(Product.objects.select_related("category"), pk=pk)
    return render(request, "catalog/product_detail.html", {"product": product})


async def products_of_brand(request, pk):
    products = [p async for p in Product.objects.filter(brand_id=pk)]
    if not products:
        raise Http404("No products for this brand")
    return JsonResponse({"names": [p.name for p in products]})


async def category_count(request, pk):
    category = await Category.objects.aget(pk=pk)
    count = await category.products.acount()
    return render(request, "catalog/category.html", {"category": category, "count": count})


async def product_total(request):
    return JsonResponse({"total": await Product.objects.active().acount()})


async def search(request):
    results = Product.objects.filter(name__icontains=request.GET.get("q", ""))
    if not await results.aexists():
        return JsonResponse({"results": []})
    return JsonResponse({"results": [p.name async for p in results]})


async def rating_summary(request, pk):
    stats = await Review.objects.filter(product_id=pk).aaggregate(avg=Avg("rating"))
    return JsonResponse({"average": stats["avg"]})


async def export_json(request):
    products = [p async for p in Product.objects.active()]
    return HttpResponse(serializers.serialize("json", products), content_type="application/json")


async def review_authors(request, pk):
    reviews = [review async for review in Review.objects.filter(product_id=pk).select_related("author")]
    return JsonResponse({"authors": [review.author.username for review in reviews]})


async def approved_count(request, pk):
    product = await Product.objects.aget(pk=pk)
    return JsonResponse({"approved": await sync_to_async(product.approved_review_count)()})


async def product_label(request, pk):
    product = await Product.objects.select_related("brand").aget(pk=pk)
    return JsonResponse({"label": product.display_name})


async def paged_products(request):
    paginator = AsyncPaginator(Product.objects.active().order_by("name"), 2)
    page = await paginator.aget_page(request.GET.get("page"))
    return render(request, "catalog/page.html", {"page_obj": await page.aget_object_list()})


@login_required
async def quick_review(request):
    form = QuickReviewForm(request.POST)
    if await sync_to_async(form.is_valid)():
        user = await request.auser()
        await Review.objects.acreate(product=form.cleaned_data["product"], author=user, rating=form.cleaned_data["rating"])
        return redirect("/")
    return await sync_to_async(render)(request, "catalog/form.html", {"form": form})


@permission_required("catalog.add_review", raise_exception=True)
async def add_review(request, pk):
    product = await Product.objects.aget(pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        form.instance.product = product
        form.instance.author = await request.auser()
        await sync_to_async(form.save)()
        return redirect("/")
    return render(request, "catalog/form.html", {"form": form})


async def edit_product(request, pk):
    product = await Product.objects.aget(pk=pk)
    return TemplateResponse(request, "catalog/form.html", {"form": ProductForm(instance=product)})


async def move_products(request):
    return await sync_to_async(render)(request, "catalog/form.html", {"form": MoveProductsForm()})


async def stock_movements(request, pk):
    product = await Product.objects.aget(pk=pk)
    formset = StockMovementFormSet(request.POST, instance=product)
    if await sync_to_async(formset.is_valid)():
        await sync_to_async(formset.save)()
        return redirect("/")
    return HttpResponse(status=400)


async def recently_viewed(request, pk):
    viewed = await request.session.aget("recently_viewed", [])
    return JsonResponse({"viewed": [pk, *viewed][:5]})


async def welcome_back(request):
    user = await request.auser()
    messages.info(request, "Welcome back" if user.is_authenticated else "Welcome")
    return JsonResponse({"hello": user.is_authenticated})


async def popular(request):
    ids = await cache.aget("popular-products")
    return JsonResponse({"ids": ids or []})


async def popular_via_helper(request):
    return JsonResponse({"ids": await sync_to_async(services.popular_product_ids)()})


async def contact(request):
    await sync_to_async(send_mail)("Contact form", request.POST.get("message", ""), None, ["support@example.com"])
    return JsonResponse({"sent": True})


async def price_in(request, pk):
    product = await Product.objects.aget(pk=pk)
    rate = await sync_to_async(services.fetch_exchange_rate)(request.GET.get("currency", "EUR"))
    return JsonResponse({"price": float(product.price) * rate})


async def rates(request):
    async with httpx2.AsyncClient(timeout=5) as client:
        response = await client.get(settings.RATES_URL)
    return HttpResponse(response.content, content_type="application/json")


async def upload_manual(request, pk):
    form = ManualUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return HttpResponse(status=400)
    name = await sync_to_async(default_storage.save)(f"manuals/{pk}.pdf", form.cleaned_data["manual"])
    return JsonResponse({"name": name})


async def export_price_csv(request):
    products = [p async for p in Product.objects.active()]
    await sync_to_async(settings.EXPORT_DIR.mkdir)(parents=True, exist_ok=True)
    await sync_to_async(services.write_price_list)(products, settings.EXPORT_DIR / "prices.csv")
    return JsonResponse({"rows": len(products)})


async def restock(request, pk):
    product = await Product.objects.aget(pk=pk)
    product.stock += 10
    await product.asave(update_fields=["stock"])
    await product_restocked.asend(sender=Product, product=product, quantity=10)
    return JsonResponse({"stock": product.stock})


def _transfer(pk):
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=pk)
        product.stock -= 1
        product.save(update_fields=["stock"])


async def transfer_stock(request, pk):
    await sync_to_async(_transfer)(pk)
    return JsonResponse({"ok": True})


async def category_info(request, pk):
    category = await Category.objects.aget(pk=pk)
    return JsonResponse(await sync_to_async(services.category_summary)(category))


async def wishlist_add(request, pk):
    user = await request.auser()
    wishlist, _ = await Wishlist.objects.aget_or_create(user=user)
    await wishlist.products.aadd(pk)
    return JsonResponse({"saved": pk})


async def approve_review(request, pk):
    review = await Review.objects.select_related("product").aget(pk=pk)
    await sync_to_async(services.approve)(review)
    messages.success(request, f"Approved {review}")
    return redirect("/")


async def newest(request):
    product = await Product.objects.active().order_by("-created").afirst()
    return JsonResponse({"name": product.name if product else None})


@user_passes_test(lambda user: user.is_active)
async def has_reviews(request, pk):
    return JsonResponse({"reviews": await Review.objects.filter(product_id=pk).aexists()})


class ProductDetailView(DetailView):
    """Left sync: Django runs it in a thread."""

    model = Product
    template_name = "catalog/product_card.html"
    context_object_name = "product"


class ProductListView(ListView):
    model = Product
    template_name = "catalog/product_list.html"
    context_object_name = "products"
    paginate_by = 2

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["total"] = Product.objects.count()
        return context


class CategorySummaryView(TemplateView):
    template_name = "catalog/summary.html"

    async def get(self, request, *args, **kwargs):
        context = {"title": "products", "value": await Product.objects.acount()}
        return self.render_to_response(context)


class ProductJsonView(View):
    async def get(self, request, pk):
        product = await Product.objects.select_related("brand").aget(pk=pk)
        return JsonResponse({"name": product.name, "brand": product.brand.name if product.brand else None})


async def product_category_or_404(request, pk):
    try:
        product = await Product.objects.select_related("category").aget(pk=pk)
    except Product.DoesNotExist:
        raise Http404("No such product")
    return JsonResponse({"category": product.category.name})


async def filtered_products(request):
    products = Product.objects.active()
    if request.GET.get("brand"):
        products = products.filter(brand_id=request.GET["brand"])
    return JsonResponse({"names": [product.name async for product in products]})


async def products_in_stock(request, pk):
    category = await Category.objects.aget(pk=pk)
    return JsonResponse({"count": await category.products.in_stock().acount()})


async def similar_products(request, pk):
    product = await Product.objects.aget(pk=pk)
    return JsonResponse({"similar": [p.name async for p in product.similar()]})


async def product_rating(request, pk):
    product = await Product.objects.aget(pk=pk)
    rating = await sync_to_async(lambda: product.average_rating)()
    return JsonResponse({"rating": rating})


async def featured(request):
    product = await sync_to_async(Product.objects.featured)()
    return JsonResponse({"name": product.name if product else None})


async def product_with_menu(request, pk):
    product = await Product.objects.aget(pk=pk)
    return TemplateResponse(request, "catalog/with_menu.html", {"product": product})


async def greeting(request):
    user = await request.auser()
    return JsonResponse({"text": services.greeting_for(user)})


async def stock_value(request):
    products = [p async for p in Product.objects.active()]
    return JsonResponse({"value": float(services.total_value(products))})


async def has_brand(request, pk):
    product = await Product.objects.aget(pk=pk)
    return JsonResponse({"brand": product.brand_id is not None})


async def latest_reviews(request, pk):
    product = await Product.objects.prefetch_related("reviews").aget(pk=pk)
    approved = [r.rating for r in product.reviews.all() if r.approved]
    return JsonResponse({"ratings": approved})


async def top_reviews(request, pk):
    product = await Product.objects.aget(pk=pk)
    return JsonResponse({"ratings": [review.rating async for review in product.reviews.all()[:3]]})


async def review_page(request, pk):
    product = await Product.objects.aget(pk=pk)
    reviews = [review async for review in product.reviews.all()]
    return render(request, "catalog/reviews.html", {"reviews": reviews})


async def inventory_value(request, pk):
    category = await Category.objects.aget(pk=pk)
    total = sum([p.price * p.stock async for p in category.products.all()])
    return JsonResponse({"value": float(total)})


async def wrapped_lookup(request, pk):
    product = await sync_to_async(Product.objects.filter(pk=pk).first)()
    return JsonResponse({"name": product.name})


async def refresh_rates(request):
    return JsonResponse({"rate": await fetch_rate_async()})


async def fetch_rate_async():
    return 1.0


class FeaturedProductView(TemplateView):
    template_name = "catalog/summary.html"
    queryset = Product.objects.active()

    async def get(self, request, *args, **kwargs):
        names = [product.name async for product in self.queryset.all()]
        return self.render_to_response({"title": "featured", "value": ", ".join(names)})


class MyReviewsView(View):
    async def get(self, request):
        user = await self.request.auser()
        return JsonResponse({"staff": user.is_staff})


class ReviewSummaryView(TemplateView):
    template_name = "catalog/summary.html"

    async def get(self, request, *args, **kwargs):
        user = await request.auser()
        return self.render_to_response({"title": "my reviews", "value": user.username})


async def active_names(request):
    products = await sync_to_async(list)(Product.objects.filter(is_active=True))
    return JsonResponse({"names": [p.name for p in products]})


async def product_categories(request):
    products = await sync_to_async(list)(Product.objects.active().select_related("category"))
    return JsonResponse({"categories": [p.category.name for p in products]})


async def fetched_product(request, pk):
    product = await sync_to_async(Product.objects.select_related("category").get)(pk=pk)
    return JsonResponse({"category": product.category.name})


async def am_i_staff(request):
    user = await request.auser()
    return JsonResponse({"staff": user.is_staff})


async def dashboard_numbers(request):
    return JsonResponse(await services.load_dashboard_numbers())


async def go_to_product(request, pk):
    product = await Product.objects.select_related("category").aget(pk=pk)
    return redirect(product)


async def category_of(request, pk):
    return JsonResponse({"name": (await Product.objects.select_related("category").aget(pk=pk)).category.name})


async def wishlist_page(request):
    user = await request.auser()
    wishlist, _ = await Wishlist.objects.aget_or_create(user=user)
    products = [p async for p in wishlist.products.all()]
    return HttpResponse(render_to_string("catalog/wishlist.html", {"products": products}))


async def product_cards(request):
    template = loader.get_template("catalog/product_list.html")
    products = [p async for p in Product.objects.active()]
    return HttpResponse(template.render({"products": products}, request))


async def async_paged(request):
    paginator = AsyncPaginator(Product.objects.active().order_by("name"), 2)
    page = await paginator.apage(1)
    return render(request, "catalog/page_obj.html", {"page": {"object_list": await page.aget_object_list()}})


def _restock_low():
    with transaction.atomic():
        for product in Product.objects.select_for_update().filter(stock__lt=5):
            product.stock += 10
            product.save(update_fields=["stock"])


async def bulk_restock(request):
    await sync_to_async(_restock_low)()
    return JsonResponse({"ok": True})


async def contact_later(request):
    await sync_to_async(send_mail)("Contact", request.POST.get("message", ""), None, ["support@example.com"])
    return JsonResponse({"queued": True})
