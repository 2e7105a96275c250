"""Blog views converted correctly: the verifier must stay silent on this file."""
import asyncio
import json

import httpx2
from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.mail import send_mail
from django.core.paginator import AsyncPaginator, Paginator
from django.db import transaction
from django.db.models import Count, F, Prefetch, aprefetch_related_objects
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import aget_object_or_404, get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.views import View
from django.views.decorators.http import require_POST

from . import services
from .forms import CommentForm, PostForm, SearchForm
from .models import AuthorProfile, Category, Comment, Post, Tag


async def post_list(request):
    posts = Post.objects.published().select_related("author").order_by("-created_at")
    paginator = AsyncPaginator(posts, 10)
    page = await paginator.aget_page(request.GET.get("page"))
    object_list = await page.aget_object_list()
    return render(request, "blog/post_list.html", {"posts": object_list, "has_next": await page.ahas_next()})


async def post_detail(request, slug):
    post = await aget_object_or_404(Post.objects.select_related("author", "category"), slug=slug)
    comments = post.comments.filter(approved=True).select_related("author")
    await Post.objects.filter(pk=post.pk).aupdate(views=F("views") + 1)
    return TemplateResponse(request, "blog/post_detail.html", {"post": post, "comments": comments})


async def post_detail_v2(request, slug):
    post = await Post.objects.select_related("author", "category").prefetch_related("tags").aget(slug=slug)
    author_name = post.author.username
    category = post.category
    tags = [t.name for t in post.tags.all()]
    return JsonResponse({"title": post.title, "author": author_name, "category": str(category), "tags": tags})


async def post_api(request, pk):
    post = await Post.objects.select_related("author__author_profile").filter(pk=pk).afirst()
    if post is None:
        return JsonResponse({"error": "not found"}, status=404)
    comment_total = await post.comments.acount()
    profile = post.author.author_profile
    return JsonResponse({"id": post.pk, "author_id": post.author_id, "comments": comment_total, "bio": profile.bio})


async def category_posts(request, slug):
    category = await Category.objects.aget(slug=slug)
    posts = [p async for p in Post.objects.filter(category=category, status="published")]
    return render(request, "blog/category.html", {"category": category, "posts": posts})


async def tag_cloud(request):
    tags = [t async for t in Tag.objects.annotate(n=Count("posts")).order_by("-n")]
    return JsonResponse({"tags": [{"name": t.name, "n": t.n} for t in tags]})


async def archive(request, year):
    posts = [p async for p in Post.objects.published().filter(created_at__year=year)]
    if not posts:
        return JsonResponse({"posts": []})
    data = [{"title": p.title, "slug": p.slug} for p in posts]
    return JsonResponse({"posts": data, "count": len(posts)})


async def latest_posts_json(request):
    latest = Post.objects.published().order_by("-created_at").values("title", "slug")[:10]
    return JsonResponse([row async for row in latest], safe=False)


async def post_slugs(request):
    slugs = [slug async for slug in Post.objects.published().values_list("slug", flat=True)]
    return JsonResponse({"slugs": slugs, "first": slugs[0] if slugs else None})


async def author_posts(request, username):
    author_posts = Post.objects.filter(author__username=username)
    first = await author_posts.afirst()
    total = await author_posts.acount()
    return JsonResponse({"first": first.title if first else None, "total": total})


@login_required
async def my_posts(request):
    user = await request.auser()
    posts = Post.objects.filter(author=user).order_by("-created_at")
    drafts = [p async for p in posts.filter(status="draft")]
    return TemplateResponse(request, "blog/my_posts.html", {"posts": posts, "drafts": drafts})


@login_required
@require_POST
async def add_comment(request, slug):
    post = await Post.objects.select_related("author").aget(slug=slug)
    form = CommentForm(request.POST)
    if form.is_valid():
        comment = form.save(commit=False)
        comment.post = post
        comment.author = await request.auser()
        await comment.asave()
        messages.success(request, "Thanks, your comment awaits moderation.")
        await sync_to_async(services.email_author)(post.author.email, comment.body)
    return redirect(post.get_absolute_url())


def _create_post(form, user):
    with transaction.atomic():
        post = form.save(commit=False)
        post.author = user
        post.save()
        form.save_m2m()
    return post


@login_required
async def create_post(request):
    user = await request.auser()
    if request.method == "POST":
        form = PostForm(request.POST)
        is_valid = await sync_to_async(form.is_valid)()
        if is_valid:
            post = await sync_to_async(_create_post)(form, user)
            await post.tags.aset(request.POST.getlist("tags"))
            await asyncio.to_thread(services.ping_search_engines, post.get_absolute_url())
            return redirect(post.get_absolute_url())
    else:
        form = PostForm()
    return TemplateResponse(request, "blog/post_form.html", {"form": form})


@sync_to_async
@transaction.atomic
def _delete_post(post):
    Comment.objects.filter(post=post).delete()
    post.delete()


@login_required
async def delete_post(request, pk):
    user = await request.auser()
    post = await aget_object_or_404(Post, pk=pk, author=user)
    await _delete_post(post)
    return redirect("blog:post_list")


async def publish_post(request, pk):
    post = await Post.objects.aget(pk=pk)
    post.status = "published"
    await post.asave(update_fields=["status"])
    await sync_to_async(services.ping_search_engines)(post.get_absolute_url())
    return redirect(post.get_absolute_url())


async def post_sidebar(request, pk):
    post = await Post.objects.select_related("author").aget(pk=pk)
    related = await sync_to_async(services.related_posts)(post)
    card = services.author_card(post)
    comment_count = await sync_to_async(post.approved_comment_count)()
    slug = services.unique_slug(post.title)
    html = render_to_string("blog/sidebar.html", {"related": related, "card": card, "n": comment_count, "slug": slug})
    return HttpResponse(html)


async def comment_check(request, pk):
    user = await request.auser()
    already = await sync_to_async(services.has_commented)(user.pk, pk)
    n = await services.recount_comments(pk)
    return JsonResponse({"already": already, "n": n})


async def post_byline(request, pk):
    post = await Post.objects.select_related("author").aget(pk=pk)
    return JsonResponse({"byline": post.author_display(), "published": post.is_published})


async def post_tags(request, pk):
    post = await Post.objects.prefetch_related("tags").aget(pk=pk)
    return JsonResponse({"tags": services.tag_names(post)})


async def search(request):
    form = SearchForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    results = [p async for p in Post.objects.published().filter(title__icontains=q)[:20]]
    html = render_to_string("blog/search_results.html", {"results": results, "q": q})
    return HttpResponse(html)


async def dashboard_stats(request):
    posts, comments = await asyncio.gather(
        Post.objects.published().acount(),
        Comment.objects.filter(approved=True).acount(),
    )
    return JsonResponse({"posts": posts, "comments": comments})


async def stream_titles(request):
    titles = []
    async for post in Post.objects.published().aiterator(chunk_size=500):
        titles.append(post.title)
    return JsonResponse({"titles": titles})


def _write_export(rows):
    with open("/tmp/posts_export.json", "w") as fh:
        json.dump(rows, fh)


async def export_posts(request):
    rows = [[pk, title] async for pk, title in Post.objects.published().values_list("pk", "title")]
    await asyncio.to_thread(_write_export, rows)
    return JsonResponse({"exported": len(rows)})


async def author_bio(request, username):
    profile = await AuthorProfile.objects.select_related("user").aget(user__username=username)
    user = profile.user
    return JsonResponse({"bio": profile.bio, "email": user.email, "user_id": profile.user_id})


async def post_teaser(request, pk):
    post = await Post.objects.only("title", "slug", "body").aget(pk=pk)
    return JsonResponse({"title": post.title, "excerpt": post.body[:200]})


async def fetch_embed(request):
    url = request.GET.get("url", "")
    async with httpx2.AsyncClient(timeout=5) as client:
        resp = await client.get("https://noembed.com/embed", params={"url": url})
    return JsonResponse(resp.json())


async def trending(request):
    cached = await cache.aget("blog:trending")
    if cached is None:
        cached = [p.slug async for p in services.popular_posts()]
        await cache.aset("blog:trending", cached, 300)
    return JsonResponse({"trending": cached})


async def contact(request):
    if request.method == "POST":
        body = json.loads(request.body)
        await sync_to_async(send_mail)("Contact", body["message"], body["email"], ["editor@example.com"])
        await asyncio.sleep(0.5)
    return JsonResponse({"ok": True})


async def recent_reader(request, pk):
    recent = await request.session.aget("recent_posts", [])
    recent.append(pk)
    await request.session.aset("recent_posts", recent[-10:])
    return JsonResponse({"recent": recent})


async def posts_with_comments(request):
    posts = [
        p
        async for p in Post.objects.published().prefetch_related(
            Prefetch("comments", queryset=Comment.objects.filter(approved=True).select_related("author"))
        )[:10]
    ]
    data = [
        {"title": p.title, "comments": [c.author.username for c in p.comments.all()]}
        for p in posts
    ]
    return JsonResponse({"posts": data})


async def authors_of(request):
    posts = [p async for p in Post.objects.published()[:20]]
    await aprefetch_related_objects(posts, "author")
    return JsonResponse({"authors": sorted({p.author.username for p in posts})})


def legacy_post_list(request):
    posts = Post.objects.published()
    page = Paginator(posts, 10).get_page(request.GET.get("page"))
    post = get_object_or_404(Post, pk=request.GET.get("featured", 1))
    if request.user.is_authenticated:
        request.session["seen"] = True
    return render(request, "blog/post_list.html", {"page": page, "featured": post, "n": posts.count()})


class PostEditView(View):
    async def get(self, request, pk):
        post = await Post.objects.aget(pk=pk)
        form = PostForm(instance=post)
        return TemplateResponse(request, "blog/post_form.html", {"form": form})

    async def post(self, request, pk):
        user = await request.auser()
        post = await Post.objects.select_related("author").aget(pk=pk)
        if post.author_id != user.pk:
            return HttpResponse(status=403)
        form = PostForm(request.POST, instance=post)
        if await sync_to_async(form.is_valid)():
            await sync_to_async(form.save)()
            await self.invalidate(post)
        return redirect(post.get_absolute_url())

    async def invalidate(self, post):
        await cache.adelete_many([f"blog:post:{post.pk}", "blog:trending"])


class CommentModerationView(View):
    async def get(self, request):
        pending = Comment.objects.filter(approved=False).select_related("post")
        count = await pending.acount()
        return TemplateResponse(request, "blog/moderation.html", {"pending": pending, "count": count})

    async def post(self, request):
        ids = request.POST.getlist("ids")
        await Comment.objects.filter(pk__in=ids).aupdate(approved=True)
        async for comment in Comment.objects.filter(pk__in=ids):
            await services.recount_comments(comment.post_id)
        return redirect("blog:moderation")


async def remember_theme(request):
    theme = request.GET.get("theme", "light")
    await cache.aset(f"theme:{request.session.session_key}", theme)
    await request.session.aset("theme", theme)
    return JsonResponse({"theme": theme})


async def author_archive(request, username):
    posts = Post.objects.filter(author__username=username).defer("body")
    context = {"posts": [p async for p in posts], "username": username}
    return render(request, "blog/author_archive.html", context)


async def first_post_excerpt(request, username):
    post = await Post.objects.filter(author__username=username).defer("title").afirst()
    return JsonResponse({"excerpt": post.body[:100] if post else ""})


async def whoami(request):
    user = await request.auser()
    if user.is_authenticated:
        return JsonResponse({"key": f"profile:{user.pk}"})
    return JsonResponse({"anonymous": True})


async def whoami_threaded(request):
    def describe():
        return {"name": request.user.get_username(), "staff": request.user.is_staff}

    return JsonResponse(await sync_to_async(describe)())


async def comment_authors(request, pk):
    names = []
    async for comment in Comment.objects.filter(post_id=pk, approved=True).select_related("author"):
        names.append(comment.author.username)
    return JsonResponse({"names": names})


async def tag_posts(request, name):
    tag = await Tag.objects.aget(name=name)
    posts = tag.posts.all()
    posts = [p async for p in posts]
    latest = await tag.posts.order_by("-created_at").afirst()
    return JsonResponse({"n": len(posts), "latest": latest.slug if latest else None})


async def tag_posts_listed(request, name):
    posts = await sync_to_async(list)(Post.objects.filter(tags__name=name))
    return JsonResponse({"titles": [p.title for p in posts]})


async def posts_as_json(request):
    from django.core import serializers

    data = await sync_to_async(serializers.serialize)("json", Post.objects.published()[:50])
    return HttpResponse(data, content_type="application/json")


async def local_names(request):
    cache = {"light": "#fff", "dark": "#000"}
    colour = cache.get(request.GET.get("theme", "light"))
    session = {"id": 1}
    return JsonResponse({"colour": colour, "session": session.get("id")})


async def import_feed(request):
    async with httpx2.AsyncClient(timeout=5) as client:
        feed = (await client.get("https://example.com/feed.json")).json()
    for item in feed["items"]:
        await Post.objects.aupdate_or_create(slug=item["slug"], defaults={"title": item["title"]})
        await asyncio.sleep(0.05)
    return JsonResponse({"imported": len(feed["items"])})
