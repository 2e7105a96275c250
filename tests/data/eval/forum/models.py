from django.conf import settings
from django.db import models


class VisibleThreadManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(is_hidden=False)


class Forum(models.Model):
    title = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)
    position = models.PositiveIntegerField(default=0)
    moderators = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="moderated_forums", blank=True)


class Thread(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="threads")
    starter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="threads")
    title = models.CharField(max_length=200)
    is_hidden = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    last_reply_at = models.DateTimeField(null=True)
    watchers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="watched_threads", blank=True)

    objects = models.Manager()
    visible = VisibleThreadManager()

    def reply_count(self):
        return self.replies.count()

    def last_reply(self):
        return self.replies.order_by("-created").first()


class Reply(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_replies")
    body = models.TextField()
    created = models.DateTimeField(auto_now_add=True)
    edited = models.BooleanField(default=False)

    def excerpt(self, n=80):
        return self.body[:n]


class Member(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_member")
    signature = models.CharField(max_length=200, blank=True)
    reputation = models.IntegerField(default=0)
    avatar = models.ImageField(upload_to="avatars/", blank=True)


class Report(models.Model):
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200)
    resolved = models.BooleanField(default=False)


class ThreadStats(Thread):
    class Meta:
        proxy = True

    @property
    def participants_count(self):
        return self.replies.values("author").distinct().count()

    @property
    def title_upper(self):
        return self.title.upper()
