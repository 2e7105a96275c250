"""DJA117: select_for_update() evaluated in async code, where no transaction can be open."""

import pytest


@pytest.mark.parametrize(
    "code",
    [
        """
        async def reserve(request, pk):
            product = await Product.objects.select_for_update().aget(id=pk)
            return HttpResponse(product.name)
        """,
        """
        async def reserve(request, pk):
            locked = Product.objects.filter(category_id=pk).select_for_update(skip_locked=True)
            first = await locked.order_by("id").afirst()
            return HttpResponse(first.name)
        """,
        """
        async def reserve(request, pk):
            locked = Product.objects.select_for_update().filter(category_id=pk)
            names = [p.name async for p in locked]
            return JsonResponse({"names": names})
        """,
    ],
)
def test_locking_reads_in_async_code_are_flagged(check, code):
    assert check(code, select=["DJA117"]) == ["DJA117"]


def test_locking_reads_in_a_sync_function_run_in_a_thread_and_plain_reads_pass(check):
    assert check('''
        from django.db import transaction

        @transaction.atomic
        def take_one(pk):
            product = Product.objects.select_for_update().get(id=pk)
            product.save()
            return product.name

        async def reserve(request, pk):
            def locked_read():
                with transaction.atomic():
                    return Product.objects.select_for_update().get(id=pk).name

            first = await sync_to_async(take_one)(pk)
            second = await sync_to_async(locked_read)()
            product = await Product.objects.filter(id=pk).aget()
            return HttpResponse(first + second + product.name)
        ''', select=["DJA1"]) == []
