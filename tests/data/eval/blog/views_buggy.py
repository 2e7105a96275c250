"""Blog views as an AI assistant converted them to async (with the bugs it typically leaves)."""
import asyncio
import json
import time

import httpx2
import requests
from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.views import View
from django.views.decorators.http import require_POST

from . import services
from .forms import CommentForm, PostForm
from .models import AuthorProfile, Category, Comment, Post, Tag
from .services import author_card, email_author, related_posts


async def post_list(request):
    posts = Post.objects.published().select_related("author").order_by("-created_at")
    page = Paginator(posts, 10).get_page(request.GET.get("page"))  # expect: DJA111
    return render(request, "blog/post_list.html", {"page": page})


async def post_detail(request, slug):
    post = get_object_or_404(Post, slug=slug, status="published")  # expect: DJA110
    comments = post.comments.filter(approved=True)
    Post.objects.filter(pk=post.pk).aupdate(views=F("views") + 1)  # expect: DJA101
    return render(request, "blog/post_detail.html", {"post": post, "comments": comments})  # expect: DJA201


async def post_detail_v2(request, slug):
    post = await Post.objects.aget(slug=slug)
    author_name = post.author.username  # expect: DJA106
    category = post.category  # expect: DJA106
    tags = [t.name for t in post.tags.all()]  # expect: DJA103
    return JsonResponse({"title": post.title, "author": author_name, "category": str(category), "tags": tags})


async def post_api(request, pk):
    post = await Post.objects.filter(pk=pk).afirst()
    if post is None:
        return JsonResponse({"error": "not found"}, status=404)
    comment_total = post.comments.count()  # expect: DJA102
    profile = await post.author.aauthor_profile  # expect: DJA105, DJA106
    return JsonResponse({"id": post.pk, "comments": comment_total, "bio": profile.bio})


async def category_posts(request, slug):
    category = await Category.objects.aget(slug=slug)
    posts = await Post.objects.afilter(category=category, status="published")  # expect: DJA105
    return render(request, "blog/category.html", {"category": category, "posts": posts})


async def tag_cloud(request):
    tags = await Tag.objects.all()  # expect: DJA104
    return JsonResponse({"tags": [t.name for t in tags]})


async def archive(request, year):
    posts = Post.objects.published().filter(created_at__year=year)
    if not posts:  # expect: DJA103
        return JsonResponse({"posts": []})
    data = [{"title": p.title, "slug": p.slug} for p in posts]  # expect: DJA103
    return JsonResponse({"posts": data, "count": len(posts)})  # expect: DJA103


async def latest_posts_json(request):
    latest = Post.objects.published().order_by("-created_at").values("title", "slug")[:10]
    return JsonResponse(list(latest), safe=False)  # expect: DJA103


async def latest_posts_xml(request):
    from django.core import serializers

    latest = Post.objects.published().order_by("-created_at")[:20]
    payload = serializers.serialize("xml", latest)  # expect: DJA202
    return HttpResponse(payload, content_type="application/xml")


async def author_posts(request, username):
    author_posts = Post.objects.filter(author__username=username)
    first = author_posts[0]  # expect: DJA103
    total = await author_posts.acount()
    return JsonResponse({"first": first.title, "total": total})


@login_required
async def my_posts(request):
    posts = Post.objects.filter(author=request.user).order_by("-created_at")  # expect: DJA107
    drafts = [p async for p in posts.filter(status="draft")]
    return TemplateResponse(request, "blog/my_posts.html", {"posts": posts, "drafts": drafts})


@login_required
@require_POST
async def add_comment(request, slug):
    post = await Post.objects.aget(slug=slug)
    form = CommentForm(request.POST)
    if form.is_valid():
        comment = form.save(commit=False)
        comment.post = post
        comment.author = await request.auser()
        comment.save()  # expect: DJA102
        messages.success(request, "Thanks, your comment awaits moderation.")
        email_author(post.author.email, comment.body)  # expect: DJA106, DJA306
    return redirect(post.get_absolute_url())


@login_required
async def create_post(request):
    user = await request.auser()
    if request.method == "POST":
        form = PostForm(request.POST)
        if form.is_valid():  # expect: DJA102
            post = form.save(commit=False)
            post.author = user
            await post.asave()
            post.tags.set(request.POST.getlist("tags"))  # expect: DJA102
            await sync_to_async(services.ping_search_engines)(post.get_absolute_url())
            return redirect(post.get_absolute_url())
    else:
        form = PostForm()
    return TemplateResponse(request, "blog/post_form.html", {"form": form})


@login_required
async def delete_post(request, pk):
    user = await request.auser()
    post = await Post.objects.aget(pk=pk, author=user)
    with transaction.atomic():  # expect: DJA109
        await Comment.objects.filter(post=post).adelete()
        await post.adelete()
    return redirect("blog:post_list")


async def publish_post(request, pk):
    post = await Post.objects.aget(pk=pk)
    post.status = "published"
    post.asave()  # expect: DJA101
    services.ping_search_engines(post.get_absolute_url())  # expect: DJA301 helper
    return redirect(post.get_absolute_url())


async def post_sidebar(request, pk):
    post = await Post.objects.aget(pk=pk)
    related = related_posts(post)  # expect: DJA103 helper
    card = author_card(post)  # expect: DJA106 helper
    comment_count = post.approved_comment_count()  # expect: DJA102 helper
    html = render_to_string("blog/sidebar.html", {"related": related, "card": card, "n": comment_count})
    return HttpResponse(html)


async def comment_check(request, pk):
    user = await request.auser()
    already = services.has_commented(user.pk, pk)  # expect: DJA102 helper
    n = services.recount_comments(pk)  # expect: DJA101
    return JsonResponse({"already": already, "n": n})


async def post_byline(request, pk):
    post = await Post.objects.aget(pk=pk)
    return JsonResponse({"byline": post.author_display()})  # expect: DJA106 helper


async def search(request):
    q = request.GET.get("q", "")
    results = Post.objects.published().filter(title__icontains=q)
    html = render_to_string("blog/search_results.html", {"results": results, "q": q})  # expect: DJA201
    return HttpResponse(html)


async def dashboard_stats(request):
    posts_qs = Post.objects.published()
    comments_qs = Comment.objects.filter(approved=True)
    posts, comments = await asyncio.gather(posts_qs, comments_qs)  # expect: DJA104
    return JsonResponse({"posts": len(posts), "comments": len(comments)})


async def stream_titles(request):
    titles = []
    async for post in await Post.objects.published().aiterator():  # expect: DJA104
        titles.append(post.title)
    return JsonResponse({"titles": titles})


async def export_posts(request):
    rows = []
    for post in Post.objects.published().iterator():  # expect: DJA102
        rows.append([post.pk, post.title])
    with open("/tmp/posts_export.json", "w") as fh:  # expect: DJA303
        json.dump(rows, fh)
    return JsonResponse({"exported": len(rows)})


async def author_bio(request, username):
    profile = await AuthorProfile.objects.aget(user__username=username)
    user = profile.user  # expect: DJA106
    return JsonResponse({"bio": profile.bio, "email": user.email})


async def post_teaser(request, pk):
    post = await Post.objects.only("title", "slug").aget(pk=pk)
    return JsonResponse({"title": post.title, "excerpt": post.body[:200]})  # expect: DJA106


async def fetch_embed(request):
    url = request.GET["url"]
    resp = requests.get("https://noembed.com/embed", params={"url": url}, timeout=5)  # expect: DJA301
    return JsonResponse(resp.json())


async def oembed_proxy(request):
    client = httpx2.Client(timeout=5)
    resp = client.get("https://noembed.com/embed", params={"url": request.GET["url"]})  # expect: DJA301
    return JsonResponse(resp.json())


async def trending(request):
    cached = cache.get("blog:trending")  # expect: DJA307
    if cached is None:
        cached = [p.slug async for p in services.popular_posts()]
        cache.set("blog:trending", cached, 300)  # expect: DJA307
    return JsonResponse({"trending": cached})


async def contact(request):
    if request.method == "POST":
        body = json.loads(request.body)
        send_mail("Contact", body["message"], body["email"], ["editor@example.com"])  # expect: DJA306
        time.sleep(0.5)  # expect: DJA302
    return JsonResponse({"ok": True})


async def recent_reader(request, pk):
    recent = request.session.get("recent_posts", [])  # expect: DJA108
    recent.append(pk)
    request.session["recent_posts"] = recent[-10:]  # expect: DJA108
    return JsonResponse({"recent": recent})


class PostEditView(View):
    async def get(self, request, pk):
        post = await Post.objects.aget(pk=pk)
        form = PostForm(instance=post)
        return TemplateResponse(request, "blog/post_form.html", {"form": form})

    async def post(self, request, pk):
        post = await Post.objects.aget(pk=pk)
        if post.author != request.user:  # expect: DJA106, DJA107
            return HttpResponse(status=403)
        form = PostForm(request.POST, instance=post)
        if form.is_valid():  # expect: DJA102
            form.save()  # expect: DJA102
            self.invalidate(post)  # expect: DJA307 helper
        return redirect(post.get_absolute_url())

    def invalidate(self, post):
        cache.delete(f"blog:post:{post.pk}")
        cache.delete("blog:trending")


class CommentModerationView(View):
    async def get(self, request):
        pending = Comment.objects.filter(approved=False).select_related("post")
        count = pending.count()  # expect: DJA102
        return TemplateResponse(request, "blog/moderation.html", {"pending": pending, "count": count})

    async def post(self, request):
        ids = request.POST.getlist("ids")
        await Comment.objects.filter(pk__in=ids).aupdate(approved=True)
        for comment in Comment.objects.filter(pk__in=ids):  # expect: DJA103
            await services.recount_comments(comment.post_id)
        return redirect("blog:moderation")


async def remember_theme(request):
    theme = request.GET.get("theme", "light")
    cache.aset(f"theme:{request.session.session_key}", theme)  # expect: DJA101
    request.session.aset("theme", theme)  # expect: DJA101
    return JsonResponse({"theme": theme})


async def author_archive(request, username):
    posts = Post.objects.filter(author__username=username).defer("body")
    context = {"posts": posts, "username": username}
    return render(request, "blog/author_archive.html", context)  # expect: DJA201


async def first_post_excerpt(request, username):
    post = await Post.objects.filter(author__username=username).defer("body").afirst()
    return JsonResponse({"excerpt": post.body[:100] if post else ""})  # expect: DJA106


async def whoami(request):
    if request.user.is_authenticated:  # expect: DJA107
        key = f"profile:{request.user.pk}"  # expect: DJA107
        return JsonResponse({"key": key})
    return JsonResponse({"anonymous": True})


async def comment_authors(request, pk):
    names = []
    async for comment in Comment.objects.filter(post_id=pk, approved=True):
        names.append(comment.author.username)  # expect: DJA106
    return JsonResponse({"names": names})


async def tag_posts(request, name):
    tag = await Tag.objects.aget(name=name)
    posts = await tag.posts.aall()  # expect: DJA105
    latest = await tag.posts.order_by("-created_at").aorder_by("-views")  # expect: DJA105
    return JsonResponse({"n": len(posts), "latest": latest})


async def send_digest(request):
    from django.core.mail import asend_mail

    await asend_mail("Digest", "...", "noreply@example.com", ["list@example.com"])  # expect: DJA105
    return JsonResponse({"ok": True})


async def import_feed(request):
    from time import sleep

    import requests as rq

    feed = rq.get("https://example.com/feed.json", timeout=5).json()  # expect: DJA301
    for item in feed["items"]:
        await Post.objects.aupdate_or_create(slug=item["slug"], defaults={"title": item["title"]})
        sleep(0.05)  # expect: DJA302
    return JsonResponse({"imported": len(feed["items"])})
