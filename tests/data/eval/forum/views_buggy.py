import asyncio
import os
from pathlib import Path

import requests
import urllib3
from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Count, Max
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

http = urllib3.PoolManager()


async def forum_index(request):
    forums = Forum.objects.annotate(n_threads=Count("threads")).order_by("position")
    stats = cache.get_or_set("forum:stats", {"members": 0}, 60)  # expect: DJA307
    return render(request, "forum/index.html", {"forums": forums, "stats": stats})  # expect: DJA201


async def forum_threads(request, slug):
    forum = await aget_object_or_404(Forum, slug=slug)
    threads = []
    async for thread in Thread.visible.filter(forum=forum).order_by("-last_reply_at"):
        threads.append({"title": thread.title, "starter": thread.starter.username})  # expect: DJA106
    return JsonResponse({"forum": forum.title, "threads": threads})


async def forum_threads_v2(request, slug):
    threads = [t async for t in Thread.visible]  # expect: DJA104
    return JsonResponse({"n": len(threads)})


async def thread_detail(request, pk):
    thread = await Thread.visible.select_related("forum").aget(pk=pk)
    replies = thread.replies.select_related("author").order_by("created")
    first_reply = replies[0] if await replies.aexists() else None  # expect: DJA103
    return TemplateResponse(request, "forum/thread.html", {"thread": thread, "replies": replies, "first": first_reply})


async def thread_meta(request, pk):
    thread = await Thread.objects.aget(pk=pk)
    return JsonResponse({
        "replies": thread.reply_count(),  # expect: DJA102 helper
        "by": starter_name(thread),  # expect: DJA106 helper
        "label": notifications.thread_label(thread),
    })


async def thread_last_reply(request, pk):
    thread = await Thread.objects.aget(pk=pk)
    last = thread.last_reply()  # expect: DJA102 helper
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
    reply_posted.asend(sender=Reply, reply=reply)  # expect: DJA101
    notify_watchers(thread.pk, reply.pk)  # expect: DJA101
    ReputationService(user.pk).award(2)  # expect: DJA102 helper
    emails = watcher_emails(thread)  # expect: DJA103 helper
    notifications.mail_moderators("New reply", reply.body[:200], emails)  # expect: DJA306 helper
    return redirect("forum:thread", pk=thread.pk)


@login_required
async def edit_reply(request, pk):
    reply = await Reply.objects.aget(pk=pk)
    if reply.author_id != (await request.auser()).pk:
        return HttpResponseForbidden()
    reply.body = request.POST["body"]
    reply.edited = True
    await reply.asave()
    thread_title = reply.thread.title  # expect: DJA106
    return JsonResponse({"ok": True, "thread": thread_title})


@login_required
async def watch_thread(request, pk):
    thread = await Thread.objects.aget(pk=pk)
    user = await request.auser()
    if user in thread.watchers.all():  # expect: DJA103
        thread.watchers.remove(user)  # expect: DJA102
    else:
        await thread.watchers.aadd(user)
    return JsonResponse({"watching": await thread.watchers.filter(pk=user.pk).aexists()})


async def member_card(request, user_id):
    member = await Member.objects.aget(user_id=user_id)
    username = member.user.username  # expect: DJA106
    recent = Reply.objects.filter(author_id=user_id).order_by("-created")[:5]
    titles = sorted(r.thread_id for r in recent)  # expect: DJA103
    return JsonResponse({"user": username, "rep": member.reputation, "threads": titles})


async def member_signature(request, user_id):
    reply = await Reply.objects.select_related("author").filter(author_id=user_id).afirst()
    signature = reply.author.forum_member.signature  # expect: DJA106
    return JsonResponse({"signature": signature})


async def top_posters(request):
    rows = Reply.objects.values("author_id").annotate(n=Count("id")).order_by("-n")[:10]
    ranking = dict(rows.values_list("author_id", "n"))  # expect: DJA103
    return JsonResponse({"ranking": ranking})


async def forum_moderators(request, slug):
    forum = await Forum.objects.aget(slug=slug)
    mods = forum.moderators.all()
    return JsonResponse({"moderators": [m.username for m in mods]})  # expect: DJA103


async def is_moderator(request, slug):
    user = await request.auser()
    forum = await Forum.objects.aget(slug=slug)
    allowed = forum.moderators.filter(pk=user.pk).exists()  # expect: DJA102
    return JsonResponse({"moderator": allowed})


async def report_reply(request, pk):
    reply = await Reply.objects.aget(pk=pk)
    report = Report(reply=reply, reporter=request.user, reason=request.POST["reason"])  # expect: DJA107
    await report.asave()
    open_reports = Report.objects.filter(reply=reply, resolved=False)
    if open_reports.count() > 3:  # expect: DJA102
        reply.thread.is_hidden = True  # expect: DJA106
    return JsonResponse({"reported": True})


async def moderation_queue(request):
    reports = Report.objects.filter(resolved=False).select_related("reply")
    any_old = any(r.reply.created.year < 2020 for r in reports)  # expect: DJA103
    payload = [{"id": r.pk, "reply": r.reply.excerpt()} async for r in reports]
    return JsonResponse({"reports": payload, "old": any_old})


async def search(request):
    q = request.GET.get("q", "")
    resp = requests.Session().get("http://search:9200/forum/_search", params={"q": q})  # expect: DJA301
    ids = [hit["_id"] for hit in resp.json()["hits"]["hits"]]
    threads = Thread.visible.in_bulk(ids)  # expect: DJA102
    return JsonResponse({"results": [t.title for t in threads.values()]})


async def link_preview(request):
    r = http.request("GET", request.GET["url"], timeout=3.0)  # expect: DJA301
    return HttpResponse(r.data[:500])


async def avatar(request, user_id):
    member = await Member.objects.aget(user_id=user_id)
    data = Path(member.avatar.path).read_bytes()  # expect: DJA303
    return HttpResponse(data, content_type="image/png")


async def rebuild_index(request):
    os.system("python manage.py rebuild_forum_index &")  # expect: DJA304
    return JsonResponse({"started": True})


async def weekly_digest(request):
    threads = [t async for t in Thread.visible.order_by("-last_reply_at")[:10]]
    text = "\n".join(notifications.thread_label(t) for t in threads)
    emails = [e async for e in Member.objects.values_list("user__email", flat=True)]
    notifications.smtp_digest("localhost", emails, text)  # expect: DJA305 helper
    return JsonResponse({"sent": len(emails)})


@require_http_methods(["GET"])
async def activity(request):
    latest = await Reply.objects.aaggregate(latest=Max("created"))
    counts = await asyncio.gather(Thread.objects.acount(), Reply.objects.all())  # expect: DJA104
    return JsonResponse({"latest": latest["latest"], "counts": counts})


class ThreadModerationView(View):
    async def post(self, request, pk):
        user = await request.auser()
        thread = await Thread.objects.select_related("forum").aget(pk=pk)
        if not self.can_moderate(user, thread):  # expect: DJA103 helper
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
        replies = member.user.forum_replies.count()  # expect: DJA102
        return JsonResponse({"user": member.user.username, "level": level, "replies": replies})


async def forum_stats_raw(request):
    from django.db import connection, connections

    cursor = connection.cursor()  # expect: DJA114
    cursor.execute("SELECT COUNT(*) FROM forum_reply")
    total = cursor.fetchone()[0]
    with connections["default"].cursor() as cur:  # expect: DJA114
        cur.execute("SELECT COUNT(*) FROM forum_thread")
        threads = cur.fetchone()[0]
    return JsonResponse({"replies": total, "threads": threads})


async def thread_page(request, pk):
    from django.core.paginator import Paginator
    from django.shortcuts import get_object_or_404

    thread = get_object_or_404(Thread.visible.select_related("forum"), pk=pk)  # expect: DJA110
    paginator = Paginator(thread.replies.order_by("created"), 25)
    page_obj = paginator.get_page(request.GET.get("page"))  # expect: DJA111
    return TemplateResponse(request, "forum/thread.html", {"thread": thread, "page_obj": page_obj})


async def thread_titles_txt(request, slug):
    titles = Thread.visible.filter(forum__slug=slug).values_list("title", flat=True)
    return HttpResponse(titles, content_type="text/plain")  # expect: DJA202


async def leave_forum(request):
    from django.contrib.auth import get_user

    user = get_user(request)  # expect: DJA112
    await Member.objects.filter(user_id=user.pk).adelete()
    request.session.flush()  # expect: DJA108
    return redirect("forum:index")


async def thread_participants(request, pk):
    from .models import ThreadStats

    thread = await ThreadStats.objects.aget(pk=pk)
    return JsonResponse({"title": thread.title_upper, "participants": thread.participants_count})  # expect: DJA102 helper
