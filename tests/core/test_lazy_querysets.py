"""DJA201 / DJA202: lazy QuerySets leaving async code through render and responses."""

import pytest


@pytest.mark.parametrize(
    "code, expected",
    [
        ("async def v(request):\n    return render(request, 'p.html', {'products': Product.objects.all()})\n", "DJA201"),
        ("async def v(request):\n    ctx = {'products': Product.objects.all()}\n    return render(request, 'p.html', ctx)\n", "DJA201"),
        ("async def v(request):\n    ctx = {}\n    ctx['reviews'] = Review.objects.filter(rating=5)\n    return render(request, 'p.html', ctx)\n", "DJA201"),
        ("async def v(request, pk):\n    order = await Order.objects.aget(id=pk)\n    return render(request, 'o.html', {'items': order.items.all()})\n", "DJA201"),
        ("from django.template.loader import render_to_string\nasync def v(request):\n    html = render_to_string('p.html', {'products': Product.objects.all()})\n", "DJA201"),
        ("from django.template.loader import get_template\nasync def v(request):\n    html = get_template('p.html').render({'products': Product.objects.all()})\n", "DJA201"),
        ("async def v(request):\n    return JsonResponse({'products': Product.objects.values('id', 'name')})\n", "DJA202"),
        ("from django.core import serializers\nasync def v(request):\n    data = serializers.serialize('json', Product.objects.all())\n", "DJA202"),
    ],
)
def test_lazy_queryset_leaving_async_code_is_flagged(check, code, expected):
    assert check(code) == [expected]


@pytest.mark.parametrize(
    "code",
    [
        "async def v(request):\n    return TemplateResponse(request, 'p.html', {'products': Product.objects.all()})\n",
        "async def v(request):\n    products = [p async for p in Product.objects.all()]\n    return render(request, 'p.html', {'products': products})\n",
        "async def v(request):\n    names = [n async for n in Product.objects.values_list('name', flat=True)]\n    return JsonResponse({'names': names})\n",
        "async def v(request, pk):\n    order = await Order.objects.prefetch_related('items').aget(id=pk)\n    return render(request, 'o.html', {'items': order.items.all()})\n",
        "async def v(request):\n    product = await Product.objects.afirst()\n    return render(request, 'p.html', {'product': product})\n",
        "def v(request):\n    return render(request, 'p.html', {'products': Product.objects.all()})\n",
    ],
)
def test_evaluated_or_deferred_rendering_is_not_flagged(check, code):
    assert check(code) == []
