"""What a query loads (Prefetch objects, aprefetch_related_objects, select_related() and nullable
keys, defer), ModelForms, and coroutines that are easy to forget."""

import textwrap

import pytest

from verify.api import check_paths, check_source

MODELS = '''
from django.conf import settings
from django.db import models

class Author(models.Model):
    name = models.CharField(max_length=50)

class Coupon(models.Model):
    code = models.CharField(max_length=20, unique=True)

class Post(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    coupon = models.ForeignKey(Coupon, null=True, on_delete=models.SET_NULL)
    slug = models.SlugField(unique=True)
    body = models.TextField()

class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    text = models.TextField()
'''
HEADER = "import asyncio\nfrom asgiref.sync import sync_to_async\nfrom django.db.models import Prefetch, aprefetch_related_objects\nfrom django.http import JsonResponse\nfrom blog.models import Author, Comment, Coupon, Post\n"


def codes(code: str) -> list[str]:
    return [f.code for f in check_source(HEADER + textwrap.dedent(code), "blog/views.py", models_source=MODELS, select=["DJA1", "DJA2"])]


@pytest.mark.parametrize(
    "code",
    [
        """
        async def v(request):
            posts = [p async for p in Post.objects.prefetch_related(
                Prefetch("comments", queryset=Comment.objects.select_related("author")))]
            return JsonResponse({"a": [c.author.name for p in posts for c in p.comments.all()]})
        """,
        """
        async def v(request):
            posts = [p async for p in Post.objects.all()]
            await aprefetch_related_objects(posts, "author")
            return JsonResponse({"a": [p.author.name for p in posts]})
        """,
        """
        async def v(request, pk):
            post = await Post.objects.select_related().aget(pk=pk)
            return JsonResponse({"a": post.author.name})
        """,
        """
        from django.core.paginator import Paginator

        async def v(request):
            posts = [p async for p in Post.objects.all()]
            page = Paginator(posts, 10).get_page(1)
            return JsonResponse({"n": len(page.object_list)})
        """,
    ],
)
def test_loaded_relations_and_evaluated_lists_are_not_flagged(code):
    assert codes(code) == []


@pytest.mark.parametrize(
    "code, expected",
    [
        ("async def v(request, pk):\n    post = await Post.objects.select_related().aget(pk=pk)\n    code = post.coupon.code\n", ["DJA106"]),
        ("async def v(request, pk):\n    post = await Post.objects.defer('body').aget(pk=pk)\n    text = post.body\n", ["DJA106"]),
        ("async def v(request, pk):\n    post = await sync_to_async(Post.objects.get)(pk=pk)\n    name = post.author.name\n", ["DJA106"]),
        ("async def v(request, pk):\n    post = await Post.objects.aget(pk=pk)\n    post.full_clean()\n", ["DJA102"]),
        ("async def v(request):\n    post, created = Post.objects.aget_or_create(slug='x')\n", ["DJA101"]),
        ("from django.dispatch import Signal\npublished = Signal()\nasync def v(request):\n    published.asend(sender=Post)\n", ["DJA101"]),
        ("from django.core.paginator import AsyncPaginator\nasync def v(request):\n    paginator = AsyncPaginator(Post.objects.all(), 10)\n    page = paginator.aget_page(1)\n    return JsonResponse({'n': page.number})\n", ["DJA101"]),
    ],
)
def test_lazy_loads_validation_and_forgotten_coroutines_are_flagged(code, expected):
    assert codes(code) == expected


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "manage.py").write_text("")
    blog = tmp_path / "blog"
    blog.mkdir()
    (blog / "__init__.py").write_text("")
    (blog / "models.py").write_text(MODELS)
    (blog / "forms.py").write_text(textwrap.dedent('''
        from django import forms
        from blog.models import Comment, Post

        class CommentForm(forms.ModelForm):
            class Meta:
                model = Comment
                fields = ["text"]

        class PostForm(forms.ModelForm):
            class Meta:
                model = Post
                fields = ["slug", "body", "author"]
    '''))
    monkeypatch.chdir(tmp_path)
    return blog


def test_model_forms_save_and_validate_with_queries(project):
    (project / "views.py").write_text(textwrap.dedent('''
        from django.http import JsonResponse
        from blog.forms import CommentForm, PostForm

        async def comment(request):
            form = CommentForm(request.POST)
            if form.is_valid():
                comment = form.save(commit=False)
                comment.save()
            return JsonResponse({})

        async def post(request):
            form = PostForm(request.POST)
            if form.is_valid():
                form.save()
            return JsonResponse({})
    '''))
    found = [(f.line, f.code) for f in check_paths(["blog"], select=["DJA1"], cache=False).findings]
    # CommentForm validates only `text`: no query; its unsaved instance's save() is one.
    # PostForm validates a unique slug and an author choice: queries.
    assert found == [(9, "DJA102"), (14, "DJA102"), (15, "DJA102")]


def test_helper_with_several_problems_reports_each_kind(project):
    (project / "services.py").write_text(textwrap.dedent('''
        import time
        from blog.models import Post

        class Stats:
            def __init__(self, slug):
                self.slug = slug

            def refresh(self):
                time.sleep(1)
                return Post.objects.filter(slug=self.slug).count()
    '''))
    (project / "views.py").write_text(textwrap.dedent('''
        from blog.services import Stats

        async def v(request, slug):
            return Stats(slug).refresh()
    '''))
    found = [(f.line, f.code) for f in check_paths(["blog"], select=["DJA1", "DJA3"], cache=False).findings]
    assert found == [(5, "DJA102"), (5, "DJA302")]


def test_model_formset_save_is_a_database_write(project):
    (project / "formsets.py").write_text(textwrap.dedent('''
        from django import forms
        from django.forms import formset_factory, modelformset_factory
        from blog.models import Comment, Post

        CommentFormSet = forms.inlineformset_factory(Post, Comment, fields=["text"])
        PostFormSet = modelformset_factory(Post, fields=["body"])
        NoteFormSet = formset_factory(forms.Form)
    '''))
    (project / "views.py").write_text(textwrap.dedent('''
        from asgiref.sync import sync_to_async
        from django.http import JsonResponse
        from blog.formsets import CommentFormSet, NoteFormSet, PostFormSet
        from blog.models import Post

        async def comments(request, pk):
            post = await Post.objects.aget(pk=pk)
            formset = CommentFormSet(request.POST, instance=post)
            if await sync_to_async(formset.is_valid)():
                formset.save()
            return JsonResponse({})

        async def posts(request):
            formset = PostFormSet(request.POST)
            formset.save()
            return JsonResponse({})

        async def comments_offloaded(request, pk):
            post = await Post.objects.aget(pk=pk)
            formset = CommentFormSet(request.POST, instance=post)
            if await sync_to_async(formset.is_valid)():
                await sync_to_async(formset.save)()
            return JsonResponse({})

        async def notes(request):
            formset = NoteFormSet(request.POST)
            formset.is_valid()
            return JsonResponse({"notes": len(formset.forms)})

        def comments_sync(request, pk):
            formset = CommentFormSet(request.POST, instance=Post.objects.get(pk=pk))
            formset.save()
            return JsonResponse({})
    '''))
    found = [(f.line, f.code, f.message.split(" `")[0]) for f in check_paths(["blog"], select=["DJA1"], cache=False).findings]
    # Only the saves of model formsets in async code; a plain formset and the offloaded or sync saves stay clean.
    assert found == [(11, "DJA102", "Formset"), (16, "DJA102", "Formset")]
