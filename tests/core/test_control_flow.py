"""What is known about a variable survives try/except, with, loops and branches (issue 17, section 1)."""

import pytest


@pytest.mark.parametrize(
    "code, expected",
    [
        # the handler re-raises: after the try, `order` is the instance loaded in it
        ("""
        async def v(request, pk):
            try:
                order = await Order.objects.aget(pk=pk)
            except Order.DoesNotExist:
                raise Http404
            return HttpResponse(order.user.username)
        """, "DJA106"),
        # the handler returns; the else block and the finally block do not hide the instance
        ("""
        async def v(request, pk):
            try:
                order = await Order.objects.aget(pk=pk)
            except Order.DoesNotExist:
                return HttpResponse(status=404)
            else:
                note = "found"
            finally:
                done = True
            order.save()
            return HttpResponse(note)
        """, "DJA102"),
        # continue in a loop body
        ("""
        async def v(request):
            names = []
            async for review in Review.objects.all():
                try:
                    order = await Order.objects.aget(user_id=review.user_id)
                except Order.DoesNotExist:
                    continue
                names.append(order.user.username)
            return JsonResponse({"names": names})
        """, "DJA106"),
        # a with block keeps what its body loads
        ("""
        async def v(request, pk):
            async with lock:
                order = await Order.objects.aget(pk=pk)
            return HttpResponse(order.user.username)
        """, "DJA106"),
        # every branch makes it a QuerySet
        ("""
        async def v(request, tag):
            products = Product.objects.all()
            if tag:
                products = products.filter(tags__name=tag)
            return HttpResponse(len(products))
        """, "DJA103"),
        ("""
        async def v(request, tag):
            if tag:
                products = Product.objects.filter(tags__name=tag)
            else:
                products = Product.objects.exclude(is_published=False)
            return JsonResponse({"n": products.count()})
        """, "DJA102"),
        # a parameter that defaults to None, replaced by a QuerySet
        ("""
        async def v(request, products=None):
            products = products or Product.objects.all()
            return HttpResponse(len(products))
        """, "DJA103"),
    ],
)
def test_types_survive_control_flow(check, code, expected):
    assert expected in check(code)


@pytest.mark.parametrize(
    "code",
    [
        # the handler falls through with another value: the type is not known after the try
        """
        async def v(request, pk):
            try:
                order = await Order.objects.aget(pk=pk)
            except Order.DoesNotExist:
                order = await make_placeholder()
            return HttpResponse(order.user.username)
        """,
        # one branch loads the relation, the other replaces the value with something unknown
        """
        async def v(request, pk, cached):
            order = await Order.objects.select_related("user").aget(pk=pk)
            if cached:
                order = cached
            return HttpResponse(order.user.username)
        """,
        # a list in one branch, a QuerySet in the other: not a QuerySet
        """
        async def v(request, tag):
            products = Product.objects.all()
            if tag:
                products = [p async for p in products.filter(tags__name=tag)]
            return HttpResponse(len(products))
        """,
        # both branches load the relation
        """
        async def v(request, pk, full):
            if full:
                order = await Order.objects.select_related("user", "shipping_address").aget(pk=pk)
            else:
                order = await Order.objects.select_related("user").aget(pk=pk)
            return HttpResponse(order.user.username)
        """,
        # `or` with anything but a None-default parameter is not known
        """
        async def v(request, products):
            products = products or Product.objects.all()
            return HttpResponse(len(products))
        """,
        """
        async def v(request):
            names = request.GET.get("names") or Product.objects.values_list("name", flat=True)
            return HttpResponse(len(names))
        """,
        # break leaves the loop with whatever the loop had: unknown after it
        """
        async def v(request, pk):
            order = None
            for attempt in range(3):
                order = await Order.objects.aget(pk=pk)
                break
            return HttpResponse(order.user.username)
        """,
    ],
)
def test_control_flow_look_alikes_pass(check, code):
    assert check(code) == []


@pytest.mark.parametrize(
    "code, expected",
    [
        # the awaited project coroutine's return value, a tuple
        ("""
        async def load(pk):
            order = await Order.objects.aget(pk=pk)
            return order, {"title": "Order"}

        async def v(request, pk):
            order, context = await load(pk)
            return HttpResponse(order.user.username)
        """, "DJA106"),
        # its return annotation, when the body does not say
        ("""
        class OrderView(View):
            async def get_order(self) -> tuple[Order, dict]:
                return await self.lookup()

            async def get(self, request):
                order, extra = await self.get_order()
                order.save()
                return HttpResponse()
        """, "DJA102"),
        # a parameter annotated with a model
        ("""
        async def rename(request, product: Product):
            product.name = "x"
            product.save()
            return HttpResponse()
        """, "DJA102"),
        ("""
        async def v(request):
            tag = await Tag.objects.aget_or_create(name="new")
            return HttpResponse(tag.name)
        """, "DJA119"),
    ],
)
def test_values_from_project_helpers_are_typed(check, code, expected):
    assert expected in check(code)


@pytest.mark.parametrize(
    "code",
    [
        # the coroutine loads the relation itself
        """
        async def load(pk):
            return await Order.objects.select_related("user").aget(pk=pk), {}

        async def v(request, pk):
            order, context = await load(pk)
            return HttpResponse(order.user.username)
        """,
        # an annotated parameter: what the caller loaded is not known, relations are not reported
        """
        async def describe(order: Order) -> str:
            return order.user.username

        async def v(request, pk):
            order = await Order.objects.select_related("user").aget(pk=pk)
            return HttpResponse(await describe(order))
        """,
        # the pair unpacked, indexed, or counted
        """
        async def v(request):
            tag, created = await Tag.objects.aget_or_create(name="new")
            pair = await Tag.objects.aget_or_create(name="old")
            first = (await Tag.objects.aget_or_create(name="third"))[0]
            return HttpResponse(tag.name + pair[0].name + first.name)
        """,
        # annotations that are not model instances
        """
        async def v(request, tags: list[str], products: "QuerySet | None" = None, order: Order | None = None):
            return HttpResponse(tags[0] + str(order.total if order else 0))
        """,
    ],
)
def test_project_helper_look_alikes_pass(check, code):
    assert check(code, select=["DJA1", "DJA2"]) == []
