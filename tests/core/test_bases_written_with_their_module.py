"""Bases written `module.Class` (`class Detail(views.BaseView)` with `from shop import views`)
are the project's classes as much as bases written by name: their methods, `__init__`, mixins and
model fields are followed the same way."""

import textwrap

import pytest

from verify.api import check_paths

MODELS = """
from django.db import models
from shop import common


class Author(models.Model):
    name = models.CharField(max_length=10)


class Post(common.Authored):
    title = models.CharField(max_length=10)
"""

COMMON = """
from django.db import models


class Authored(models.Model):
    author = models.ForeignKey("shop.Author", on_delete=models.CASCADE)

    class Meta:
        abstract = True
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "manage.py").write_text("")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "models.py").write_text(MODELS)
    (shop / "common.py").write_text(COMMON)
    monkeypatch.chdir(tmp_path)

    def write(name: str, code: str) -> None:
        (shop / name).write_text(textwrap.dedent(code))

    return write


def findings(select=("DJA",)):
    return [(f.path, f.line, f.code) for f in check_paths(["shop"], select=list(select)).findings]


def test_a_method_inherited_from_a_base_written_with_its_module_is_followed(project):
    project("base.py", """
        from django.views import View
        from shop.models import Post

        class BaseDetail(View):
            def load(self, pk):
                return Post.objects.get(pk=pk)
    """)
    project("views.py", """
        from django.http import JsonResponse
        from shop import base

        class Detail(base.BaseDetail):
            async def get(self, request, pk):
                post = self.load(pk)
                return JsonResponse({"title": post.title})
    """)
    assert findings() == [("shop/views.py", 7, "DJA102")]


def test_the_init_of_a_base_written_with_its_module_is_followed(project):
    project("base_forms.py", """
        from django import forms
        from shop.models import Author

        class BaseForm(forms.Form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.authors = list(Author.objects.all())
    """)
    project("views.py", """
        from django.http import JsonResponse
        import shop.base_forms

        class PostForm(shop.base_forms.BaseForm):
            pass

        async def create(request):
            form = PostForm(request.POST)
            return JsonResponse({"ok": True})
    """)
    assert findings() == [("shop/views.py", 9, "DJA103")]


def test_a_login_mixin_on_a_base_written_with_its_module_is_found(project):
    project("base.py", """
        from django.contrib.auth.mixins import LoginRequiredMixin
        from django.views import View

        class MemberView(LoginRequiredMixin, View):
            pass
    """)
    project("views.py", """
        from django.http import JsonResponse
        from shop import base

        class Profile(base.MemberView):
            async def get(self, request):
                return JsonResponse({})
    """)
    assert [code for _path, _line, code in findings()] == ["DJA408"]


def test_fields_of_an_abstract_parent_written_with_its_module_are_the_models(project):
    project("views.py", """
        from django.http import JsonResponse
        from shop.models import Post

        async def detail(request, pk):
            post = await Post.objects.aget(pk=pk)
            return JsonResponse({"author": post.author.name})

        async def loaded(request, pk):
            post = await Post.objects.select_related("author").aget(pk=pk)
            return JsonResponse({"author": post.author.name})
    """)
    assert findings() == [("shop/views.py", 7, "DJA106")]


def test_look_alikes_stay_clean(project):
    project("base.py", """
        from django.views import View

        class BaseDetail(View):
            def load(self, pk):
                return {"pk": pk}

        class Helper:
            def load(self, pk):
                return pk
    """)
    project("views.py", """
        from asgiref.sync import sync_to_async
        from django.http import JsonResponse
        from somewhere import external
        from shop import base

        class Detail(base.BaseDetail):
            async def get(self, request, pk):
                return JsonResponse(self.load(pk))

        class Other(external.Base):
            async def get(self, request, pk):
                return JsonResponse(self.load(pk))  # a method of a base the kit cannot see
    """)
    assert findings() == []


def test_a_user_loaded_by_an_adrf_base_written_with_its_module_is_known(project):
    project("base.py", """
        from adrf.views import APIView

        class BaseAPI(APIView):
            pass
    """)
    project("views.py", """
        from django.http import JsonResponse
        from shop import base

        class Me(base.BaseAPI):
            async def get(self, request):
                return JsonResponse({"name": request.user.username})
    """)
    assert findings() == []
