"""Sync helpers used by the blog views (some of them query or block)."""
import requests
from django.core.mail import send_mail
from django.db.models import Count
from django.utils.text import slugify

from .models import Comment, Post


def popular_posts(limit=5):
    # Only builds a lazy QuerySet: fine to iterate with `async for` in the caller.
    return Post.objects.published().annotate(n_comments=Count("comments")).order_by("-n_comments")[:limit]


def related_posts(post):
    return list(Post.objects.published().filter(category_id=post.category_id).exclude(pk=post.pk)[:3])


def author_card(post):
    return {"name": post.author.username, "email": post.author.email}


def ping_search_engines(url):
    requests.get("https://www.example.com/ping", params={"sitemap": url}, timeout=5)


def email_author(address, body):
    send_mail("New comment on your post", body, "noreply@example.com", [address])


def unique_slug(title):
    base = slugify(title)[:50]
    return base


def has_commented(user_id, post_id):
    return Comment.objects.filter(author_id=user_id, post_id=post_id).exists()


def tag_names(post):
    return [tag.name for tag in post.tags.all()]


async def recount_comments(post_id):
    return await Comment.objects.filter(post_id=post_id, approved=True).acount()
