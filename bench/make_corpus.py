"""Generate a realistic all-async Django code base for the verifier benchmark.

Each app gets models (foreign keys, one-to-ones, custom managers) and async views in the
shapes converted code bases have: detail views with ``select_related``, list views built with
``async for``, JSON APIs, views calling external services with an async HTTP client, class-based
views, and sync helpers run through ``sync_to_async``. Deterministic: the same arguments give the
same files.

    python bench/make_corpus.py OUT_DIR [--lines 100000]
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

MODELS = '''from django.conf import settings
from django.db import models


class {A}QuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_owner(self, user):
        return self.filter(owner=user)


class {A}Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)


class {A}Item(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="{a}_items")
    category = models.ForeignKey({A}Category, on_delete=models.PROTECT, related_name="items")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    is_active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = {A}QuerySet.as_manager()


class {A}Comment(models.Model):
    item = models.ForeignKey({A}Item, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    text = models.TextField()
    created = models.DateTimeField(auto_now_add=True)


class {A}Settings(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="{a}_settings")
    theme = models.CharField(max_length=20, default="light")
'''

HEADER = '''import asyncio

import httpx2
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponseForbidden, JsonResponse
from django.shortcuts import aget_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.views import View

from .models import {A}Category, {A}Comment, {A}Item, {A}Settings

'''

VIEWS = [
'''
async def {a}_detail_{n}(request, pk):
    item = await aget_object_or_404({A}Item.objects.select_related("category", "owner"), pk=pk)
    comments = [
        comment
        async for comment in {A}Comment.objects.filter(item=item).select_related("author").order_by("-created")[:20]
    ]
    related = [other async for other in {A}Item.objects.active().filter(category_id=item.category_id).exclude(pk=pk)[:4]]
    return render(request, "{a}/detail.html", {{"item": item, "comments": comments, "related": related}})
''',
'''
async def {a}_list_{n}(request):
    page = int(request.GET.get("page", 1))
    items = [
        item
        async for item in {A}Item.objects.active().select_related("category").order_by("-created")[(page - 1) * 20 : page * 20]
    ]
    total = await {A}Item.objects.active().acount()
    return render(request, "{a}/list.html", {{"items": items, "total": total, "page": page}})
''',
'''
async def {a}_api_{n}(request, slug):
    category = await {A}Category.objects.aget(slug=slug)
    rows = [
        {{"id": row["id"], "title": row["title"], "price": str(row["price"])}}
        async for row in {A}Item.objects.filter(category=category).values("id", "title", "price")
    ]
    return JsonResponse({{"category": category.name, "items": rows}})
''',
'''
async def _{a}_fetch_{n}(client, url):
    response = await client.get(url)
    response.raise_for_status()
    return response.json()


async def {a}_dashboard_{n}(request):
    user = await request.auser()
    if not user.is_authenticated:
        return redirect("login")
    key = f"{a}-dashboard-{{user.pk}}"
    data = await cache.aget(key)
    if data is None:
        async with httpx2.AsyncClient(timeout=5) as client:
            prices, stock = await asyncio.gather(
                _{a}_fetch_{n}(client, f"{{settings.PRICES_URL}}/{{user.pk}}"),
                _{a}_fetch_{n}(client, f"{{settings.STOCK_URL}}/{{user.pk}}"),
            )
        data = {{"prices": prices, "stock": stock}}
        await cache.aset(key, data, 60)
    return JsonResponse(data)
''',
'''
async def {a}_edit_{n}(request, pk):
    user = await request.auser()
    item = await {A}Item.objects.select_related("owner").aget(pk=pk)
    if item.owner_id != user.pk:
        return HttpResponseForbidden()
    if request.method == "POST":
        item.title = request.POST.get("title", item.title)
        item.body = request.POST.get("body", item.body)
        await item.asave(update_fields=["title", "body"])
        return redirect("{a}-detail", pk=pk)
    return TemplateResponse(request, "{a}/edit.html", {{"item": item, "categories": {A}Category.objects.all()}})
''',
'''
def _{a}_summary_{n}(user_id):
    items = list({A}Item.objects.filter(owner_id=user_id))
    return {{"count": len(items), "total": sum(item.price for item in items)}}


async def {a}_summary_{n}(request):
    user = await request.auser()
    summary = await sync_to_async(_{a}_summary_{n})(user.pk)
    user_settings, _created = await {A}Settings.objects.aget_or_create(user=user)
    return JsonResponse({{"summary": {{"count": summary["count"]}}, "theme": user_settings.theme}})
''',
'''
class {A}CommentView{n}(View):
    async def get(self, request, pk):
        item = await aget_object_or_404({A}Item, pk=pk)
        comments = [c.text async for c in item.comments.order_by("-created")]
        return JsonResponse({{"comments": comments}})

    async def post(self, request, pk):
        user = await request.auser()
        item = await aget_object_or_404({A}Item, pk=pk)
        text = request.POST.get("text", "").strip()
        if not text:
            return JsonResponse({{"error": "empty"}}, status=400)
        comment = await {A}Comment.objects.acreate(item=item, author=user, text=text)
        return JsonResponse({{"id": comment.pk}}, status=201)
''',
'''
async def {a}_delete_{n}(request, pk):
    user = await request.auser()
    try:
        item = await {A}Item.objects.aget(pk=pk, owner=user)
    except {A}Item.DoesNotExist:
        raise Http404("no such item") from None
    await item.comments.all().adelete()
    await item.adelete()
    return JsonResponse({{"deleted": pk}})
''',
]


def generate(out: Path, lines: int, seed: int = 7) -> tuple[int, int]:
    random.seed(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / "manage.py").write_text("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n")
    config = out / "config"
    config.mkdir()
    (config / "__init__.py").write_text("")
    (config / "asgi.py").write_text("from django.core.asgi import get_asgi_application\n\napplication = get_asgi_application()\n")
    (config / "settings.py").write_text('DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "shop", "CONN_MAX_AGE": 0}}\n')
    total, files, app_number = 0, 0, 0
    while total < lines:
        app_number += 1
        name = f"app{app_number:03d}"
        A = name.capitalize()
        app = out / name
        app.mkdir()
        (app / "__init__.py").write_text("")
        models = MODELS.format(A=A, a=name)
        (app / "models.py").write_text(models)
        for module in range(4):
            parts = [HEADER.format(A=A)]
            for n in range(12):
                template = VIEWS[(module * 12 + n + app_number) % len(VIEWS)]
                parts.append(template.format(A=A, a=name, n=f"{module}_{n}"))
            text = "\n".join(parts)
            (app / f"views_{module}.py").write_text(text)
            total += text.count("\n")
            files += 1
        total += models.count("\n")
        files += 2
    return files, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()
    files, lines = generate(args.out, args.lines)
    print(f"wrote {files} files, {lines} lines to {args.out}")


if __name__ == "__main__":
    main()
