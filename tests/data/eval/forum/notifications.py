"""Notification helpers: one async, the rest sync."""
import smtplib

from django.core.mail import send_mail

from .models import Thread


async def notify_watchers(thread_id, reply_id):
    thread = await Thread.objects.aget(pk=thread_id)
    return [w.email async for w in thread.watchers.all()]


def watcher_emails(thread):
    return [w.email for w in thread.watchers.all()]


def mail_moderators(subject, body, recipients):
    send_mail(subject, body, "forum@example.com", recipients)


def smtp_digest(host, recipients, text):
    with smtplib.SMTP(host) as smtp:
        smtp.sendmail("digest@example.com", recipients, text)


def thread_label(thread):
    return f"[{thread.forum_id}] {thread.title}"


def starter_name(thread):
    return thread.starter.username if thread.starter_id else "deleted"
