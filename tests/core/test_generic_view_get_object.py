"""DJA102 on ``self.get_object()`` in async handlers of Django's single-object generic views:
Django's ``get_object()`` runs ``queryset.get()``, which raises SynchronousOnlyOperation on the
event loop. Only where the file shows that Django's method is the one that runs."""

import textwrap

import pytest

from verify.api import check_source

MODELS = '''
from django.db import models

class Post(models.Model):
    title = models.CharField(max_length=50)
'''
HEADER = (
    "from asgiref.sync import sync_to_async\n"
    "from django.contrib.auth.mixins import LoginRequiredMixin\n"
    "from django.http import JsonResponse\n"
    "from django.views.generic import DeleteView, DetailView, UpdateView, View\n"
    "from django.views.generic.detail import SingleObjectMixin\n"
    "from blog.base import ProjectDetailView\n"
    "from blog.models import Post\n"
)


def findings(code: str) -> list[tuple[int, str]]:
    source = HEADER + textwrap.dedent(code)
    offset = HEADER.count("\n")
    return [(f.line - offset, f.code) for f in check_source(source, "blog/views.py", models_source=MODELS, select=["DJA1"])]


@pytest.mark.parametrize(
    "code",
    [
        """
        class PostDetail(DetailView):
            model = Post
            async def get(self, request, *args, **kwargs):
                self.object = self.get_object()
                return JsonResponse({"title": self.object.title})
        """,
        """
        class PostDelete(LoginRequiredMixin, DeleteView):
            model = Post
            async def post(self, request, *args, **kwargs):
                post = self.get_object()
                await post.adelete()
                return JsonResponse({})
        """,
        """
        class Base(UpdateView):
            model = Post

        class PostEdit(Base):
            async def get(self, request, *args, **kwargs):
                return JsonResponse({"title": self.get_object().title})
        """,
        """
        class PostJson(SingleObjectMixin, View):
            model = Post
            async def get(self, request, *args, **kwargs):
                return JsonResponse({"title": self.get_object().title})
        """,
    ],
)
def test_django_get_object_in_async_handler_is_flagged(code):
    found = findings(code)
    assert found and all(c == "DJA102" for _, c in found), found
    assert any("get_object" in f.message for f in check_source(HEADER + textwrap.dedent(code), "blog/views.py",
                                                                 models_source=MODELS, select=["DJA1"]))


@pytest.mark.parametrize(
    "code",
    [
        # offloaded
        """
        class PostDetail(DetailView):
            model = Post
            async def get(self, request, *args, **kwargs):
                self.object = await sync_to_async(self.get_object)()
                return JsonResponse({"title": self.object.title})
        """,
        # the class's own async get_object, awaited
        """
        class PostDetail(DetailView):
            model = Post
            async def get_object(self, queryset=None):
                return await Post.objects.aget(pk=self.kwargs["pk"])
            async def get(self, request, *args, **kwargs):
                self.object = await self.get_object()
                return JsonResponse({"title": self.object.title})
        """,
        # a sync handler: Django runs the whole view in a thread
        """
        class PostDetail(DetailView):
            model = Post
            def get(self, request, *args, **kwargs):
                self.object = self.get_object()
                return JsonResponse({"title": self.object.title})
        """,
        # a base from another module may define its own get_object: the file does not show it
        """
        class PostDetail(ProjectDetailView):
            async def get(self, request, *args, **kwargs):
                return JsonResponse({"title": (await self.get_object()).title})
        """,
        # a plain View's get_object is the project's own
        """
        class PostJson(View):
            def get_object(self):
                return {"title": "cached"}
            async def get(self, request, *args, **kwargs):
                return JsonResponse(self.get_object())
        """,
        # a same-file mixin before DetailView overrides it
        """
        class CachedObjectMixin:
            def get_object(self, queryset=None):
                return self.cached
        class PostDetail(CachedObjectMixin, DetailView):
            async def get(self, request, *args, **kwargs):
                return JsonResponse({"title": self.get_object().title})
        """,
    ],
)
def test_look_alikes_stay_clean(code):
    assert findings(code) == []
