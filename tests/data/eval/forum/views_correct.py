import asyncio
from pathlib import Path

import httpx2
from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Count, Max, Prefetch
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import aget_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_http_methods

from . import notifications
from .models import Forum, Member, Reply, Report, Thread
from .notifications import notify_watchers, starter_name, watcher_emails
from .reputation import ReputationService
from .signals import reply_posted


async def forum_index(request):
    forums = Forum.objects.annotate(n_threads=Count("threads")).order_by("position")
    stats = await cache.aget("forum:stats")
    if stats is None:
        stats = {"members": await Member.objects.acount()}
        await cache.aset("forum:stats", stats, 60)
    return TemplateResponse(request, "forum/index.html", {"forums": forums, "stats": stats})


async def forum_threads(request, slug):
    forum = await aget_object_or_404(Forum, slug=slug)
    threads = []
    async for thread in Thread.visible.filter(forum=forum).select_related("starter").order_by("-last_reply_at"):
        threads.append({"title": thread.title, "starter": starter_name(thread)})
    return JsonResponse({"forum": forum.title, "threads": threads})


async def forum_threads_v2(request, slug):
    threads = [t async for t in Thread.visible.all()]
    return JsonResponse({"n": len(threads)})


async def thread_detail(request, pk):
    thread = await Thread.visible.select_related("forum").aget(pk=pk)
    replies = thread.replies.select_related("author").order_by("created")
    first_reply = await replies.afirst()
    return TemplateResponse(request, "forum/thread.html", {"thread": thread, "replies": replies, "first": first_reply})


async def thread_meta(request, pk):
    thread = await Thread.objects.select_related("starter").aget(pk=pk)
    return JsonResponse({
        "replies": await thread.replies.acount(),
        "by": starter_name(thread),
        "label": notifications.thread_label(thread),
    })


async def thread_last_reply(request, pk):
    thread = await Thread.objects.aget(pk=pk)
    last = await sync_to_async(thread.last_reply)()
    return JsonResponse({"last": last.excerpt() if last else None})


@login_required
async def new_reply(request, pk):
    thread = await Thread.visible.aget(pk=pk)
    if thread.is_locked:
        return HttpResponseForbidden()
    user = await request.auser()
    reply = await Reply.objects.acreate(thread=thread, author=user, body=request.POST["body"])
    thread.last_reply_at = timezone.now()
    await thread.asave(update_fields=["last_reply_at"])
    await reply_posted.asend(sender=Reply, reply=reply)
    emails = await notify_watchers(thread.pk, reply.pk)
    await sync_to_async(ReputationService(user.pk).award)(2)
    await sync_to_async(notifications.mail_moderators)("New reply", reply.excerpt(200), emails)
    return redirect("forum:thread", pk=thread.pk)


@login_required
async def edit_reply(request, pk):
    reply = await Reply.objects.select_related("thread").aget(pk=pk)
    if reply.author_id != (await request.auser()).pk:
        return HttpResponseForbidden()
    reply.body = request.POST["body"]
    reply.edited = True
    await reply.asave()
    return JsonResponse({"ok": True, "thread": reply.thread.title})


@login_required
async def watch_thread(request, pk):
    thread = await Thread.objects.aget(pk=pk)
    user = await request.auser()
    if await thread.watchers.filter(pk=user.pk).aexists():
        await thread.watchers.aremove(user)
    else:
        await thread.watchers.aadd(user)
    return JsonResponse({"watching": await thread.watchers.acontains(user)})


async def member_card(request, user_id):
    member = await Member.objects.select_related("user").aget(user_id=user_id)
    username = member.user.username
    recent = Reply.objects.filter(author_id=user_id).order_by("-created")[:5]
    titles = sorted([r.thread_id async for r in recent])
    return JsonResponse({"user": username, "rep": member.reputation, "threads": titles})


async def member_signature(request, user_id):
    reply = await Reply.objects.select_related("author__forum_member").filter(author_id=user_id).afirst()
    signature = reply.author.forum_member.signature if reply else ""
    return JsonResponse({"signature": signature})


async def top_posters(request):
    rows = Reply.objects.values("author_id").annotate(n=Count("id")).order_by("-n")[:10]
    ranking = {author_id: n async for author_id, n in rows.values_list("author_id", "n")}
    return JsonResponse({"ranking": ranking})


async def forum_moderators(request, slug):
    forum = await Forum.objects.prefetch_related("moderators").aget(slug=slug)
    mods = forum.moderators.all()
    return JsonResponse({"moderators": [m.username for m in mods]})


async def is_moderator(request, slug):
    user = await request.auser()
    forum = await Forum.objects.aget(slug=slug)
    allowed = await forum.moderators.filter(pk=user.pk).aexists()
    return JsonResponse({"moderator": allowed})


async def report_reply(request, pk):
    user = await request.auser()
    reply = await Reply.objects.select_related("thread").aget(pk=pk)
    report = Report(reply=reply, reporter=user, reason=request.POST["reason"])
    await report.asave()
    if await Report.objects.filter(reply=reply, resolved=False).acount() > 3:
        reply.thread.is_hidden = True
        await reply.thread.asave(update_fields=["is_hidden"])
    return JsonResponse({"reported": True})


async def moderation_queue(request):
    reports = [r async for r in Report.objects.filter(resolved=False).select_related("reply")]
    payload = [{"id": r.pk, "reply": r.reply.excerpt()} for r in reports]
    any_old = any(r.reply.created.year < 2020 for r in reports)
    return JsonResponse({"reports": payload, "old": any_old})


async def search(request):
    q = request.GET.get("q", "")
    async with httpx2.AsyncClient(base_url="http://search:9200") as client:
        resp = await client.get("/forum/_search", params={"q": q})
    ids = [hit["_id"] for hit in resp.json()["hits"]["hits"]]
    threads = await Thread.visible.ain_bulk(ids)
    return JsonResponse({"results": [t.title for t in threads.values()]})


async def avatar(request, user_id):
    member = await Member.objects.aget(user_id=user_id)
    data = await asyncio.to_thread(Path(member.avatar.path).read_bytes)
    return HttpResponse(data, content_type="image/png")


async def rebuild_index(request):
    proc = await asyncio.create_subprocess_exec("python", "manage.py", "rebuild_forum_index")
    return JsonResponse({"started": True, "pid": proc.pid})


async def weekly_digest(request):
    threads = [t async for t in Thread.visible.order_by("-last_reply_at")[:10]]
    text = "\n".join(notifications.thread_label(t) for t in threads)
    emails = [e async for e in Member.objects.values_list("user__email", flat=True)]
    await asyncio.to_thread(notifications.smtp_digest, "localhost", emails, text)
    return JsonResponse({"sent": len(emails)})


@require_http_methods(["GET"])
async def activity(request):
    latest = await Reply.objects.aaggregate(latest=Max("created"))
    counts = await asyncio.gather(Thread.objects.acount(), Reply.objects.acount())
    return JsonResponse({"latest": latest["latest"], "counts": counts})


async def thread_watchers(request, pk):
    thread = await Thread.objects.prefetch_related("watchers").aget(pk=pk)
    emails = watcher_emails(thread)
    return JsonResponse({"emails": emails})


async def threads_with_replies(request, slug):
    threads = [
        t
        async for t in Thread.visible.filter(forum__slug=slug).prefetch_related(
            Prefetch("replies", queryset=Reply.objects.order_by("-created"))
        )
    ]
    return JsonResponse({"threads": [{"title": t.title, "n": len(t.replies.all())} for t in threads]})


def legacy_thread(request, pk):
    thread = Thread.objects.get(pk=pk)
    replies = list(thread.replies.all())
    if request.user in thread.watchers.all():
        thread.watchers.remove(request.user)
    cache.set(f"thread:{pk}:seen", True)
    return render(request, "forum/thread.html", {"thread": thread, "replies": replies, "starter": thread.starter})


class ThreadModerationView(View):
    async def post(self, request, pk):
        user = await request.auser()
        thread = await Thread.objects.select_related("forum").aget(pk=pk)
        if not await sync_to_async(self.can_moderate)(user, thread):
            return HttpResponseForbidden()
        thread.is_locked = True
        await thread.asave(update_fields=["is_locked"])
        return JsonResponse({"locked": True})

    def can_moderate(self, user, thread):
        return user.is_staff or user in thread.forum.moderators.all()


class MemberProfileView(View):
    async def get(self, request, user_id):
        member = await Member.objects.select_related("user").aget(user_id=user_id)
        level = ReputationService(user_id).level(member.reputation)
        replies = await member.user.forum_replies.acount()
        return JsonResponse({"user": member.user.username, "level": level, "replies": replies})


async def forum_stats_raw(request):
    from django.db import connection

    def count_rows():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM forum_reply")
            return cursor.fetchone()[0]

    total = await sync_to_async(count_rows)()
    return JsonResponse({"replies": total})


async def thread_page(request, pk):
    from django.core.paginator import Paginator

    thread = await aget_object_or_404(Thread.visible.select_related("forum"), pk=pk)
    replies = [r async for r in thread.replies.order_by("created").select_related("author")]
    page_obj = Paginator(replies, 25).get_page(request.GET.get("page"))
    return TemplateResponse(request, "forum/thread.html", {"thread": thread, "page_obj": page_obj})


async def thread_titles_txt(request, slug):
    titles = [t async for t in Thread.visible.filter(forum__slug=slug).values_list("title", flat=True)]
    return HttpResponse("\n".join(titles), content_type="text/plain")


async def leave_forum(request):
    from django.contrib.auth import aget_user

    user = await aget_user(request)
    await Member.objects.filter(user_id=user.pk).adelete()
    await request.session.aflush()
    return redirect("forum:index")



async def thread_participants(request, pk):
    from .models import ThreadStats

    thread = await ThreadStats.objects.aget(pk=pk)
    participants = await sync_to_async(lambda: thread.participants_count)()
    return JsonResponse({"title": thread.title_upper, "participants": participants})
