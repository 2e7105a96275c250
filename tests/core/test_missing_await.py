"""DJA101 (unawaited coroutines), DJA104 (await on non-awaitables), DJA105 (APIs that do not exist)."""

import pytest


@pytest.mark.parametrize(
    "code",
    [
        # assigned, then used as an instance
        """
        async def v(request, pk):
            product = Product.objects.aget(id=pk)
            return JsonResponse({"name": product.name})
        """,
        # bare statement
        """
        async def v(request, pk):
            product = await Product.objects.aget(id=pk)
            product.asave()
            return HttpResponse()
        """,
        # same-module coroutine function
        """
        async def load(pk):
            return await Product.objects.aget(id=pk)

        async def v(request, pk):
            product = load(pk)
            return JsonResponse({"name": product.name})
        """,
        # truth test on a coroutine
        """
        async def v(request, pk):
            if Product.objects.filter(id=pk).aexists():
                return HttpResponse("yes")
            return HttpResponse("no")
        """,
        # passed straight into a response
        """
        async def v(request):
            return JsonResponse({"count": Product.objects.acount()})
        """,
        # stored and never awaited
        """
        async def v(request):
            count = Product.objects.acount()
            return HttpResponse("ok")
        """,
        # request.auser() not awaited
        """
        async def v(request):
            user = request.auser()
            return HttpResponse(user.username)
        """,
        # sync_to_async(...)(...) not awaited
        """
        def send(order_id):
            pass

        async def v(request, pk):
            sync_to_async(send)(pk)
            return HttpResponse()
        """,
        # asyncio.sleep not awaited
        """
        async def v(request):
            asyncio.sleep(1)
            return HttpResponse()
        """,
    ],
)
def test_unawaited_coroutine_is_flagged(check, code):
    assert "DJA101" in check(code)


@pytest.mark.parametrize(
    "code",
    [
        """
        async def v(request, pk):
            product = await Product.objects.aget(id=pk)
            return JsonResponse({"name": product.name})
        """,
        # stored, awaited later
        """
        async def v(request, pk):
            pending = Product.objects.acount()
            other = 1
            count = await pending
            return JsonResponse({"count": count})
        """,
        # gathered
        """
        async def fetch(url):
            return url

        async def v(request):
            a, b = await asyncio.gather(fetch("a"), fetch("b"))
            return JsonResponse({"a": a, "b": b})
        """,
        # collected in a list and gathered
        """
        async def fetch(url):
            return url

        async def v(request):
            tasks = [fetch(u) for u in ("a", "b")]
            results = await asyncio.gather(*tasks)
            return JsonResponse({"r": results})
        """,
        # returned to the caller
        """
        async def v(request, pk):
            return Product.objects.aget(id=pk)
        """,
        # TaskGroup
        """
        async def fetch(url):
            return url

        async def v(request):
            async with asyncio.TaskGroup() as group:
                task = group.create_task(fetch("a"))
            return JsonResponse({"a": task.result()})
        """,
        # a dict's .get() is not Django's aget
        """
        async def v(request):
            data = {"a": 1}
            value = data.get("a")
            page = request.GET.get("page")
            return JsonResponse({"v": value, "page": page})
        """,
    ],
)
def test_awaited_or_handed_on_coroutines_are_not_flagged(check, code):
    assert "DJA101" not in check(code)


@pytest.mark.parametrize(
    "code",
    [
        """
        async def v(request):
            products = await Product.objects.filter(is_published=True)
            return render(request, "p.html", {"products": products})
        """,
        """
        async def v(request):
            a, b = await asyncio.gather(Product.objects.all(), Review.objects.filter(rating=5))
            return HttpResponse()
        """,
        """
        async def v(request):
            rows = await Product.objects.all().aiterator()
            return HttpResponse()
        """,
        """
        async def v(request):
            names = [p.name async for p in Product.objects]
            return JsonResponse({"names": names})
        """,
    ],
)
def test_await_on_queryset_or_async_generator_is_flagged(check, code):
    assert "DJA104" in check(code)


def test_async_iteration_and_real_coroutines_are_awaitable(check):
    code = """
    async def v(request):
        names = [p.name async for p in Product.objects.all()]
        async for review in Review.objects.filter(rating=5).aiterator():
            names.append(str(review.rating))
        count, first = await asyncio.gather(Product.objects.acount(), Product.objects.afirst())
        return JsonResponse({"names": names, "count": count})
    """
    assert not {"DJA104", "DJA101"} & set(check(code))


@pytest.mark.parametrize(
    "code, version",
    [
        ("async def v(request):\n    reviews = await Review.objects.afilter(rating=5)\n", (6, 1)),
        ("async def v(request):\n    products = await Product.objects.aall()\n", (6, 1)),
        ("async def v(request):\n    user = await request.auser()\n    profile = await user.aprofile\n", (6, 1)),
        ("async def v(request, pk):\n    order = await Order.objects.aget(id=pk)\n    owner = await order.auser\n", (6, 1)),
        ("from django.core.mail import send_mail\nasync def v(request):\n    await asend_mail('s', 'b', 'f', ['t'])\n", (6, 1)),
        ("async def v(request):\n    user = await request.auser()\n", (4, 2)),
        ("async def v(request, pk):\n    product = await aget_object_or_404(Product, id=pk)\n", (4, 2)),
        ("async def v(request):\n    cart = await request.session.aget('cart')\n", (5, 0)),
        ("async def v(request):\n    user = await request.auser()\n    ok = await user.ahas_perm('shop.view_order')\n", (5, 1)),
        ("async def v(request, pk):\n    product = await Product.objects.aget(id=pk)\n    await product.afull_clean()\n", (6, 1)),
        ("async def v(request):\n    user = await request.auser()\n    await user.aset_password('x')\n", (6, 1)),
        ("from django.core.paginator import AsyncPaginator\nasync def v(request):\n    page = await AsyncPaginator(Product.objects.all(), 10).aget_page(1)\n", (5, 2)),
    ],
)
def test_nonexistent_or_too_new_async_api_is_flagged(check, code, version):
    assert "DJA105" in check(code, version)


@pytest.mark.parametrize(
    "code, version",
    [
        ("async def v(request):\n    user = await request.auser()\n", (5, 0)),
        ("async def v(request, pk):\n    product = await aget_object_or_404(Product, id=pk)\n", (5, 0)),
        ("async def v(request):\n    cart = await request.session.aget('cart')\n", (5, 1)),
        ("async def v(request):\n    user = await request.auser()\n    ok = await user.ahas_perm('shop.view_order')\n", (5, 2)),
        ("from django.core.paginator import AsyncPaginator\nasync def v(request):\n    page = await AsyncPaginator(Product.objects.all(), 10).aget_page(1)\n", (6, 0)),
        ("async def v(request, pk):\n    product = await Product.objects.aget(id=pk)\n    await product.asave()\n", (4, 2)),
        # a project's own function may be called afilter
        ("async def afilter(x):\n    return x\nasync def v(request):\n    await afilter(1)\n", (6, 1)),
    ],
)
def test_real_async_api_in_its_version_is_not_flagged(check, code, version):
    assert "DJA105" not in check(code, version)


def test_finding_message_names_the_fix(findings):
    [finding] = [f for f in findings("async def v(request):\n    r = await Review.objects.afilter(rating=5)\n") if f.code == "DJA105"]
    assert "afilter" in finding.message and "filter()" in finding.hint


@pytest.mark.parametrize(
    "code",
    [
        "from django.core.cache import cache\nasync def v(request):\n    data = cache.aget('k')\n    return JsonResponse(data)\n",
        "import httpx2\nasync def v(request):\n    async with httpx2.AsyncClient() as client:\n        response = client.get('https://example.com')\n        return JsonResponse(response.json())\n",
        "from django.tasks import task\n@task\ndef send(pk):\n    pass\nasync def v(request, pk):\n    send.aenqueue(pk)\n    return HttpResponse()\n",
        "from django.db.models.signals import post_save\nasync def v(request):\n    post_save.asend(sender=Product)\n    return HttpResponse()\n",
    ],
)
def test_coroutines_of_caches_tasks_signals_and_async_clients(check, code):
    assert "DJA101" in check(code)


def test_awaited_cache_and_client_calls_are_fine(check):
    code = """
    import httpx2
    from django.core.cache import cache

    async def v(request):
        data = await cache.aget("k")
        async with httpx2.AsyncClient() as client:
            first, second = await asyncio.gather(client.get("https://a.example"), client.get("https://b.example"))
            third = await client.post("https://c.example", json=data)
        return JsonResponse({"a": first.json(), "c": third.json()})
    """
    assert check(code) == []
