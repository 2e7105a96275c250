"""Correct code from real projects that the verifier once reported (issue 16), each beside the
buggy twin that must still be reported."""

import textwrap

import pytest

from verify.api import check_paths

# -- async generators --------------------------------------------------------------------------
_FEED = """
class Feed:
    async def entries(self):
        yield 1

    async def view(self, request):
        {body}


async def numbers():
    yield 2


async def other(request):
    {other}
"""


@pytest.mark.parametrize(
    "body, other",
    [
        ("async for entry in self.entries():\n            print(entry)", "async for n in numbers():\n        print(n)"),
        ("stream = self.entries()\n        return [e async for e in stream]", "stream = numbers()\n    return [n async for n in stream]"),
    ],
)
def test_async_generators_are_iterated_not_awaited(check, body, other):
    assert check(_FEED.format(body=body, other=other)) == []


def test_awaiting_an_async_generator_is_still_reported(check):
    code = _FEED.format(body="return await self.entries()", other="return await numbers()")
    assert check(code) == ["DJA104", "DJA104"]


def test_async_generator_of_another_module(tmp_path):
    (tmp_path / "feeds.py").write_text("async def latest():\n    yield 1\n")
    (tmp_path / "views.py").write_text(textwrap.dedent("""
        from feeds import latest

        async def view(request):
            return [entry async for entry in latest()]
    """))
    assert check_paths([str(tmp_path)], select=["DJA1"]).findings == []


# -- an awaited conditional expression ---------------------------------------------------------
_BRANCHES = """
class Loader:
    async def _remote(self):
        return 1

    async def _local(self):
        return 2

    async def view(self, request, remote):
        {line}
"""


def test_awaited_conditional_expression_awaits_the_branch_that_runs(check):
    assert check(_BRANCHES.format(line="return await (self._remote() if remote else self._local())")) == []


@pytest.mark.parametrize("line", ["self._remote() if remote else self._local()",
                                  "if (self._remote() if remote else self._local()):\n            pass"])
def test_conditional_expression_of_coroutines_never_awaited_is_reported(check, line):
    assert set(check(_BRANCHES.format(line=line))) == {"DJA101"}


# -- qs.iterator() -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body",
    [
        "rows = Product.objects.filter(is_published=True).iterator()\n    return await sync_to_async(list)(rows)",
        "return await sync_to_async(list)(Product.objects.iterator(chunk_size=100))",
    ],
)
def test_building_an_iterator_runs_no_query(check, body):
    assert check(f"async def v(request):\n    {body}\n") == []


@pytest.mark.parametrize(
    "body",
    [
        "for p in Product.objects.iterator():\n        print(p)",
        "names = [p.name for p in Product.objects.iterator()]",
        "rows = list(Product.objects.iterator())",
    ],
)
def test_iterating_an_iterator_on_the_event_loop_is_reported(check, body):
    assert check(f"async def v(request):\n    {body}\n") == ["DJA102"]


# -- related managers and relations ------------------------------------------------------------
def test_reading_a_related_manager_method_is_not_a_query(check):
    code = """
    async def v(request, pk, ids):
        product = await Product.objects.aget(pk=pk)
        await sync_to_async(product.tags.set)(ids)
        await sync_to_async(product.reviews.all)()
    """
    assert check(code) == []


def test_related_manager_write_on_the_event_loop_is_reported(check):
    assert check("async def v(request, pk, ids):\n    product = await Product.objects.aget(pk=pk)\n    product.tags.set(ids)\n") == ["DJA102"]


def test_a_plain_field_named_like_a_relation_is_not_one(check):
    code = """
    from django.db import models

    class Quote(models.Model):
        author = models.CharField(max_length=80)
        owner = models.CharField(max_length=80)

    async def v(request, pk):
        quote = await Quote.objects.aget(pk=pk)
        return JsonResponse({"by": quote.author, "owner": quote.owner.upper()})
    """
    assert check(code) == []


def _project(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return sorted((f.code, f.path.rsplit("/", 1)[-1], f.message.split(" ")[0]) for f in check_paths([str(tmp_path)], select=["DJA1"], cache=False).findings)


_ENTITIES = """
from django.db import models


class Writer(models.Model):
    name = models.CharField(max_length=80)


class Essay(models.Model):
    writer = models.ForeignKey(Writer, on_delete=models.CASCADE)
    author = models.CharField(max_length=80)
"""


def test_models_outside_models_py_are_indexed(tmp_path):
    found = _project(tmp_path, {
        "blog/__init__.py": "",
        "blog/entities.py": _ENTITIES,
        "blog/views.py": """
            from blog.entities import Essay

            async def essay(request, pk):
                essay = await Essay.objects.aget(pk=pk)
                return {"author": essay.author, "writer_id": essay.writer_id, "writer": essay.writer.name}
        """,
    })
    assert found == [("DJA106", "views.py", "`essay.writer`")]  # the foreign key only, known from entities.py


def test_model_files_are_found_by_their_class_headers_and_remembered(tmp_path):
    from verify.models_index import DEFINES_MODELS, model_files

    (tmp_path / "entities.py").write_text(_ENTITIES)
    (tmp_path / "forms.py").write_text("class EssayForm(forms.ModelForm):\n    pass\n")
    (tmp_path / "models.py").write_text("")
    assert [p.name for p in model_files(tmp_path)] == ["entities.py", "models.py"]
    assert DEFINES_MODELS[str(tmp_path / "forms.py")][2] is False
