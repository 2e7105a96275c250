"""Pages of a paginator over a QuerySet in async code (DJA111, DJA201, DJA103).

``Paginator.page()`` slices the QuerySet without evaluating it: a ``Page`` got in a thread
(``sync_to_async(paginator.get_page)``) still runs its query where it is read as a sequence.
Django 6.0's ``AsyncPage`` raises TypeError when read as a sequence before
``await page.aget_object_list()``; its ``object_list`` is the lazy QuerySet until then."""

import pytest

SYNC_PAGE = '''
from django.core.paginator import Paginator


async def product_list(request):
    paginator = Paginator(Product.objects.order_by("pk"), 20)
    page = await sync_to_async(paginator.get_page)(request.GET.get("page"))
'''

ASYNC_PAGE = '''
from django.core.paginator import AsyncPaginator


async def product_list(request):
    paginator = AsyncPaginator(Product.objects.order_by("pk"), 20)
    page = await paginator.aget_page(request.GET.get("page"))
'''


def test_a_page_got_in_a_thread_still_queries_where_it_is_read(findings):
    found = findings(SYNC_PAGE + '''
    names = [p.name for p in page.object_list]
    count = len(page)
    for product in page:
        pass
    return render(request, "products.html", {"page_obj": page})
''', version=(5, 2))
    assert [(f.code, f.line) for f in found] == [("DJA103", 16), ("DJA111", 17), ("DJA111", 18), ("DJA201", 20)]
    assert found[1].message.startswith("`len()` reads `Page` `page` as a sequence: it evaluates the page's QuerySet")
    # no AsyncPaginator before 6.0: the hint loads the page in a thread
    assert found[1].hint == "load it first: `page.object_list = await sync_to_async(list)(page.object_list)`"
    assert found[3].hint.endswith(", or return a `TemplateResponse`")


def test_on_django_6_the_hint_is_the_async_paginator(findings):
    found = findings(SYNC_PAGE + "    return render(request, 'products.html', {'page_obj': page})\n", version=(6, 0))
    assert [f.code for f in found] == ["DJA201"]
    assert found[0].hint.startswith("use `AsyncPaginator` and call `await page.aget_object_list()` first")


def test_a_page_whose_objects_are_loaded_or_rendered_later_passes(check):
    assert check(SYNC_PAGE + '''
    page.object_list = await sync_to_async(list)(page.object_list)
    names = [p.name for p in page.object_list]
    return render(request, "products.html", {"page_obj": page, "count": len(page)})


async def later(request):
    paginator = Paginator(Product.objects.order_by("pk"), 20)
    page = await sync_to_async(paginator.get_page)(1)
    # TemplateResponse renders in a thread, after the view
    return TemplateResponse(request, "products.html", {"page_obj": page, "number": page.number})


async def of_a_list(request):
    products = [p async for p in Product.objects.order_by("pk")]
    page = await sync_to_async(Paginator(products, 20).get_page)(1)
    return render(request, "products.html", {"page_obj": page, "count": len(page)})
''', version=(5, 2)) == []


def test_an_async_page_read_before_aget_object_list(findings):
    found = findings(ASYNC_PAGE + '''
    count = len(page)
    first = page[0]
    for product in page.object_list:
        pass
    return render(request, "products.html", {"page_obj": page})
''')
    assert [(f.code, f.line) for f in found] == [("DJA111", 16), ("DJA111", 17), ("DJA103", 18), ("DJA201", 20)]
    assert found[0].message == "`len()` reads `AsyncPage` `page` as a sequence before `await page.aget_object_list()`: raises TypeError"
    assert found[3].message.startswith("`AsyncPage` `page_obj` is passed to `render()` before its QuerySet is loaded")
    assert found[3].hint == "call `await page.aget_object_list()` first"


@pytest.mark.parametrize("load", [
    "await page.aget_object_list()",
    "objects = await page.aget_object_list()",
])
def test_an_async_page_after_aget_object_list_passes(check, load):
    assert check(ASYNC_PAGE + f'''
    {load}
    count = len(page)
    first = page[0]
    names = [p.name for p in page.object_list]
    return render(request, "products.html", {{"page_obj": page}})
''') == []


def test_async_iteration_and_page_attributes_pass(check):
    assert check(ASYNC_PAGE + '''
    names = [p.name async for p in page]
    async for product in page.object_list:
        pass
    return JsonResponse({"number": page.number, "next": await page.ahas_next(), "names": names})
''') == []
