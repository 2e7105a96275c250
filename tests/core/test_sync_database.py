"""DJA102 (sync ORM calls), DJA103 (sync QuerySet evaluation) and DJA109-DJA114 (other sync-only entry points)."""

import pytest


@pytest.mark.parametrize(
    "call",
    [
        "Product.objects.get(id=1)",
        "Product.objects.filter(is_published=True).count()",
        "Product.objects.exists()",
        "Product.objects.first()",
        "Product.objects.create(name='x')",
        "Product.objects.filter(id=1).update(name='y')",
        "Product.objects.filter(id=1).delete()",
        "Product.objects.aggregate(n=1)",
        "Product.objects.get_or_create(name='x')",
        "Product.objects.in_bulk([1])",
        "Product.objects.published().latest('id')",
    ],
)
def test_sync_query_methods_are_flagged(check, call):
    assert check(f"async def v(request):\n    x = {call}\n") == ["DJA102"]


def test_model_and_related_manager_writes_are_flagged(check):
    code = """
    async def v(request, pk):
        product = await Product.objects.aget(id=pk)
        product.name = "new"
        product.save()
        tag = await Tag.objects.aget(name="sale")
        product.tags.add(tag)
        new = Product(name="x", category_id=1)
        new.save()
        return HttpResponse()
    """
    assert check(code) == ["DJA102", "DJA102", "DJA102"]


def test_hint_uses_the_async_twin(findings):
    [finding] = findings("async def v(request):\n    p = Product.objects.get(id=1)\n")
    assert finding.hint == "use `await Product.objects.aget(...)` instead of `Product.objects.get(...)`"
    [old] = findings("async def v(request, pk):\n    p = await Product.objects.aget(id=pk)\n    p.save()\n", version=(4, 1))
    assert "4.2+" in old.hint and "sync_to_async" in old.hint


@pytest.mark.parametrize(
    "code",
    [
        "async def v(request):\n    for p in Product.objects.all():\n        print(p)\n",
        "async def v(request):\n    names = [p.name for p in Product.objects.filter(is_published=True)]\n",
        "async def v(request):\n    qs = Product.objects.all()\n    items = list(qs)\n",
        "async def v(request):\n    qs = Product.objects.all()\n    n = len(qs)\n",
        "async def v(request):\n    qs = Product.objects.all()\n    if qs:\n        pass\n",
        "async def v(request):\n    first = Product.objects.order_by('id')[0]\n",
        "async def v(request, pk):\n    p = await Product.objects.aget(id=pk)\n    ok = p in Product.objects.published()\n",
        "async def v(request, pk):\n    order = await Order.objects.aget(id=pk)\n    for item in order.items.all():\n        print(item)\n",
    ],
)
def test_sync_queryset_evaluation_is_flagged(check, code):
    assert check(code) == ["DJA103"]


@pytest.mark.parametrize(
    "code",
    [
        "async def v(request):\n    names = [p.name async for p in Product.objects.all()]\n    for name in names:\n        print(name)\n",
        "async def v(request):\n    qs = Product.objects.all()\n    qs = [p async for p in qs]\n    n = len(qs)\n",
        "async def v(request):\n    recent = Product.objects.order_by('-id')[:5]\n    rows = [p async for p in recent]\n",
        "async def v(request, pk):\n    order = await Order.objects.prefetch_related('items').aget(id=pk)\n    for item in order.items.all():\n        print(item)\n",
        "async def v(request):\n    data = {'a': [1, 2]}\n    for x in data.get('a', []):\n        print(x)\n",
        # the same evaluation in a nested sync helper run through sync_to_async is correct
        "async def v(request):\n    def load():\n        return list(Product.objects.all())\n    rows = await sync_to_async(load)()\n",
        "async def v(request):\n    rows = await sync_to_async(lambda: list(Product.objects.all()))()\n",
    ],
)
def test_async_evaluation_and_sync_helpers_are_not_flagged(check, code):
    assert check(code) == []


def test_reassignment_ends_the_queryset_type(check):
    code = """
    async def v(request):
        rows = Product.objects.all()
        rows = await sync_to_async(list)(rows)
        return JsonResponse({"n": len(rows)})
    """
    assert check(code) == []


@pytest.mark.parametrize("start", ["Product.objects.published()", "Product.objects.all()"])
def test_a_queryset_narrowed_in_a_branch_is_still_a_queryset(check, start):
    # A custom QuerySet method's result and a filter() of it are the same kind of QuerySet.
    code = f"""
    async def v(request):
        rows = {start}
        if request.GET.get("q"):
            rows = rows.filter(name__icontains=request.GET["q"])
        return JsonResponse({{"names": [p.name for p in rows]}})
    """
    assert check(code) == ["DJA103"]
    assert check(code.replace("[p.name for p in rows]", "[p.name async for p in rows]")) == []


def test_branches_that_disagree_forget_the_type(check):
    code = """
    async def v(request, flag):
        if flag:
            rows = Product.objects.all()
        else:
            rows = []
        return JsonResponse({"n": len(rows)})
    """
    assert check(code) == []


@pytest.mark.parametrize(
    "code, expected",
    [
        ("from django.db import transaction\nasync def v(request):\n    with transaction.atomic():\n        pass\n", "DJA109"),
        ("from django.db import transaction\n@transaction.atomic\nasync def v(request):\n    pass\n", "DJA109"),
        ("from django.db.transaction import atomic\nasync def v(request):\n    async with atomic():\n        pass\n", "DJA109"),
        ("async def v(request, pk):\n    p = get_object_or_404(Product, id=pk)\n", "DJA110"),
        ("from django.core.paginator import Paginator\nasync def v(request):\n    page = Paginator(Product.objects.all(), 10).get_page(1)\n", "DJA111"),
        ("from django.core.paginator import Paginator\nasync def v(request):\n    paginator = Paginator(Product.objects.all(), 10)\n    n = paginator.num_pages\n", "DJA111"),
        ("from django.contrib.auth import authenticate, login\nasync def v(request):\n    user = authenticate(request, username='a', password='b')\n", "DJA112"),
        ("from django.contrib import auth\nasync def v(request):\n    auth.logout(request)\n", "DJA112"),
        ("from django.tasks import task\n@task\ndef send(order_id):\n    pass\nasync def v(request):\n    send.enqueue(1)\n", "DJA113"),
        ("from shop.tasks import send_receipt\nasync def v(request):\n    send_receipt.enqueue(1)\n", "DJA113"),
        ("from django.db import connection\nasync def v(request):\n    with connection.cursor() as cursor:\n        cursor.execute('select 1')\n", "DJA114"),
        ("from django.db import connections\nasync def v(request):\n    cursor = connections['default'].cursor()\n", "DJA114"),
    ],
)
def test_sync_only_entry_points_are_flagged(check, code, expected):
    assert expected in check(code)


@pytest.mark.parametrize(
    "code",
    [
        "from django.db import transaction\ndef create():\n    with transaction.atomic():\n        pass\nasync def v(request):\n    await sync_to_async(create)()\n",
        "async def v(request, pk):\n    p = await aget_object_or_404(Product, id=pk)\n",
        "from django.tasks import task\n@task\ndef send(order_id):\n    pass\nasync def v(request):\n    await send.aenqueue(1)\n",
        "from django.contrib.auth import aauthenticate, alogin\nasync def v(request):\n    user = await aauthenticate(request, username='a', password='b')\n    await alogin(request, user)\n",
        "import rq\nasync def v(request, queue):\n    queue.enqueue(print)\n",
    ],
)
def test_async_equivalents_are_not_flagged(check, code):
    assert not {"DJA109", "DJA110", "DJA111", "DJA112", "DJA113", "DJA114"} & set(check(code))


def test_sync_functions_are_never_checked(check):
    code = """
    def legacy(request, pk):
        product = Product.objects.get(id=pk)
        reviews = list(Review.objects.filter(product=product))
        if request.user.is_authenticated and product.category.name:
            request.session["seen"] = pk
        return render(request, "p.html", {"product": product, "reviews": Review.objects.all()})
    """
    assert check(code) == []


@pytest.mark.parametrize(
    "use, expected",
    [
        ("names = [p.name for p in self.queryset]", ["DJA103"]),
        ("n = len(self.queryset)", ["DJA103"]),
        ("n = self.queryset.count()", ["DJA102"]),
        ("first = self.queryset.filter(name='a').first()", ["DJA102"]),
        ("names = [p.name async for p in self.queryset]", []),
        ("n = await self.queryset.acount()", []),
        ("rows = await sync_to_async(list)(self.queryset)", []),
        ("names = [n for n in self.names]", []),  # a plain list attribute
    ],
)
def test_class_level_queryset_read_through_self(check, use, expected):
    code = f"""
    from django.views import View

    class ProductsView(View):
        queryset = Product.objects.published()
        names = ["a", "b"]

        async def get(self, request):
            {use}
            return JsonResponse({{}})
    """
    assert check(code) == expected


@pytest.mark.parametrize(
    "body, expected",
    [
        # the thread only builds the QuerySet: iterating it afterwards is on the loop
        ("rows = await sync_to_async(Product.objects.filter)(is_published=True)\n"
         "        names = [p.name for p in rows]", ["DJA103"]),
        ("rows = await sync_to_async(Product.objects.published().all)()\n        n = len(rows)", ["DJA103"]),
        ("rows = await sync_to_async(Product.objects.filter)(is_published=True)\n"
         "        names = [p.name async for p in rows]", []),
        # the rows of sync_to_async(list) are loaded as their QuerySet loads them
        ("rows = await sync_to_async(list)(Product.objects.all())\n"
         "        names = [p.category.name for p in rows]", ["DJA106"]),
        ("rows = await sync_to_async(list)(Product.objects.select_related('category'))\n"
         "        names = [p.category.name for p in rows]", []),
        ("rows = await sync_to_async(list)(Product.objects.all())\n        n = len(rows)", []),
        ("rows = await sync_to_async(sorted)(['b', 'a'])\n        first = rows[0]", []),
    ],
)
def test_what_sync_to_async_gives_back(check, body, expected):
    code = f"""
    async def v(request):
        {body}
        return JsonResponse({{}})
    """
    assert check(code) == expected
