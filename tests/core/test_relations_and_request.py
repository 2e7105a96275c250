"""DJA106 (lazy relations and deferred fields), DJA107 (request.user), DJA108 (sync session access)."""

import pytest


@pytest.mark.parametrize(
    "code",
    [
        "async def v(request, pk):\n    order = await Order.objects.aget(id=pk)\n    email = order.user.email\n",
        "async def v(request):\n    user = await request.auser()\n    stripe = user.profile.stripe_id\n",
        "async def v(request, pk):\n    product = await Product.objects.aget(id=pk)\n    related = Product.objects.filter(category=product.category)\n",
        "async def v(request, pk):\n    order = await Order.objects.select_related('user').aget(id=pk)\n    city = order.shipping_address.city\n",
        "async def v(request):\n    async for review in Review.objects.all():\n        print(review.product.name)\n",
        "async def v(request):\n    reviews = [r async for r in Review.objects.filter(rating=5)]\n    for review in reviews:\n        print(review.user.username)\n",
        "async def v(request, pk):\n    p = await Product.objects.only('name').aget(id=pk)\n    text = p.description\n",
        "async def v(request, pk):\n    item = await OrderItem.objects.select_related('order').aget(id=pk)\n    owner = item.order.user\n",
        "async def v(request):\n    orders = await Order.objects.ain_bulk([1, 2])\n    emails = {pk: o.user.email for pk, o in orders.items()}\n",
        "async def v(request):\n    orders = await Order.objects.ain_bulk([1, 2])\n    emails = [o.user.email for o in orders.values()]\n",
        "async def v(request, pk):\n    orders = await Order.objects.ain_bulk([pk])\n    email = orders[pk].user.email\n",
    ],
)
def test_lazy_relation_access_is_flagged(check, code):
    assert check(code) == ["DJA106"]


@pytest.mark.parametrize(
    "code",
    [
        "async def v(request, pk):\n    order = await Order.objects.select_related('user', 'shipping_address').aget(id=pk)\n    email = order.user.email\n    city = order.shipping_address.city\n",
        "async def v(request, pk):\n    order = await Order.objects.aget(id=pk)\n    uid = order.user_id\n",
        "async def v(request, pk):\n    item = await OrderItem.objects.select_related('order__user').aget(id=pk)\n    owner = item.order.user.email\n",
        "async def v(request):\n    async for review in Review.objects.select_related('product'):\n        print(review.product.name)\n",
        "async def v(request, pk):\n    p = await Product.objects.only('name').aget(id=pk)\n    text = p.name\n",
        "async def v(request, pk):\n    order = await Order.objects.aget(id=pk)\n    order.user = await request.auser()\n",
        "async def v(request, pk):\n    order = await Order.objects.aget(id=pk)\n    def owner():\n        return order.user\n    user = await sync_to_async(owner)()\n",
        "async def v(request, pk):\n    order = await Order.objects.aget(id=pk)\n    user = await sync_to_async(lambda: order.user)()\n",
        "async def v(request, pk):\n    order = await Order.objects.select_related().aget(id=pk)\n    email = order.user.email\n",
        "async def v(request):\n    user = await request.auser()\n    profile = await Profile.objects.aget(user=user)\n    stripe = profile.stripe_id\n",
        "async def v(request, data):\n    value = data.user.email\n",
        "async def v(request):\n    orders = await Order.objects.select_related('user').ain_bulk([1, 2])\n    emails = {pk: o.user.email for pk, o in orders.items()}\n",
        "async def v(request):\n    rows = await Order.objects.values('user').ain_bulk([1, 2])\n    users = {pk: row['user'] for pk, row in rows.items()}\n",
        "async def v(request):\n    order, created = await Order.objects.aget_or_create(id=1)\n    flag, user = created, order.user_id\n",
    ],
)
def test_loaded_relations_are_not_flagged(check, code):
    assert check(code) == []


def test_request_user_is_flagged_but_auser_is_not(check):
    assert check("async def v(request):\n    if request.user.is_authenticated:\n        pass\n") == ["DJA107"]
    assert check("async def v(request):\n    user = await request.auser()\n    if user.is_authenticated:\n        pass\n") == []


_LAMBDA = "from asgiref.sync import sync_to_async\n\n\nasync def v(request):\n"


@pytest.mark.parametrize("body", [
    "    user = await sync_to_async(lambda: request.user)()\n    return user.is_staff\n",
    "    user = await sync_to_async(lambda: request.user)()\n    if user:\n        return 1\n",
    "    return (await sync_to_async(lambda: request.user)()).email\n",
])
def test_request_user_handed_back_unloaded_by_a_thread_is_flagged(check, body):
    assert check(_LAMBDA + body) == ["DJA107"]


@pytest.mark.parametrize("body", [
    "    staff = await sync_to_async(lambda: request.user.is_staff)()\n    return staff\n",
    "    user = await sync_to_async(lambda: request.user)()\n    return user is None\n",
    "    user = await sync_to_async(lambda request: request.user)(other)\n    return user.pk\n",
    "    user = await sync_to_async(lambda: request.user)()\n    return await Order.objects.aget(customer=user)\n",
])
def test_a_user_loaded_in_the_thread_or_left_alone_is_not_flagged(check, body):
    assert check(_LAMBDA + body) == []


def test_request_user_in_class_based_view(check):
    code = """
    from django.views import View

    class Dashboard(View):
        async def get(self, request):
            name = self.request.user.username
            other = request.user.email
            return HttpResponse(name + other)
    """
    assert check(code) == ["DJA107", "DJA107"]


def test_request_user_hint_for_django_before_5(findings):
    [finding] = findings("async def v(request):\n    u = request.user\n", version=(4, 2))
    assert "auser" in finding.hint and "5.0" in finding.hint


@pytest.mark.parametrize(
    "statement",
    ["cart = request.session['cart']", "request.session['cart'] = []", "cart = request.session.get('cart')",
     "del request.session['cart']", "found = 'cart' in request.session", "request.session.flush()"],
)
def test_sync_session_access_is_flagged(check, statement):
    assert check(f"async def v(request):\n    {statement}\n") == ["DJA108"]


def test_async_session_api_is_not_flagged(check):
    code = "async def v(request):\n    cart = await request.session.aget('cart', [])\n    await request.session.aset('cart', cart)\n"
    assert check(code) == []


_DETAIL_VIEW = '''
from django.http import JsonResponse
from shop.models import Order, Product

async def detail(request, pk):
    order = await Order.objects.aget(id=pk)
    product = await Product.objects.select_related("category").aget(id=pk)
    user = await request.auser()
    return JsonResponse({
        "email": order.user.email,
        "total": order.total,
        "category": product.category.name,
        "stripe": user.profile.stripe_id,
    })
'''


def test_relations_come_from_the_model_index(findings):
    found = [(f.line, f.message.split(" ")[0]) for f in findings(_DETAIL_VIEW, select=["DJA106"], header=False)]
    assert found == [(10, "`order.user`"), (13, "`user.profile`")]


def test_without_the_models_no_name_is_taken_for_a_relation():
    """`user`, `profile`, `author` are foreign keys in many projects and plain fields in others:
    without the model that says so, reading one is not reported."""
    from verify.api import check_source

    assert check_source(_DETAIL_VIEW, select=["DJA106"]) == []
