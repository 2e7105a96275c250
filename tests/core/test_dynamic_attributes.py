"""Attributes read through ``getattr``: ``getattr(request, "user", None)`` is ``request.user``
(DJA107), ``getattr(obj, name).add(...)`` on a model instance is a related manager's write
(DJA102)."""


def test_getattr_request_user_read_as_a_user_is_flagged(findings):
    found = findings('''
        async def dashboard(request):
            user = getattr(request, "user", None)
            if user and user.is_authenticated:
                return JsonResponse({"id": user.pk})


        async def profile(request):
            if getattr(request, "user", None).is_authenticated:
                return JsonResponse({})


        async def guarded(request):
            if hasattr(request, "user") and request.user.is_authenticated:
                return JsonResponse({})
        ''')
    assert [(f.code, f.line) for f in found] == [("DJA107", 10), ("DJA107", 16), ("DJA107", 21)]
    assert found[0].message.startswith('`getattr(request, "user", None)` runs sync queries for logged-in users')
    assert found[0].hint == "use `user = await request.auser()` once, then use `user`"


def test_getattr_request_user_handed_on_or_loaded_passes(check):
    assert check('''
        async def copy_attributes(request, other):
            # an adapter copying the lazy object to another request loads nothing
            user = getattr(request, "user", None)
            if user is not None:
                other.user = user
                remember(user)


        async def forward(request, other):
            other.user = getattr(request, "user", None)


        async def loaded(request):
            user = await request.auser()
            return JsonResponse({"id": getattr(user, "pk", None), "name": getattr(request, "path", "")})


        def sync_view(request):
            user = getattr(request, "user", None)
            return JsonResponse({"ok": user.is_authenticated})
        ''') == []


def test_getattr_with_a_variable_name_writes_a_relation(findings):
    found = findings('''
        async def set_relation(request, pk, field, ids):
            product = await Product.objects.aget(pk=pk)
            getattr(product, field).set(ids)
            getattr(product, field).add(*ids)
            getattr(product, "tags").add(*ids)
        ''', version=(4, 2))
    assert [(f.code, f.line) for f in found] == [("DJA102", 11), ("DJA102", 12), ("DJA102", 13)]
    assert found[0].message.startswith("`getattr(product, field).set(ids)` writes a many-to-many or reverse foreign-key relation of a `Product`")
    assert found[0].hint == "use `await getattr(product, field).aset(...)` instead of `getattr(product, field).set(...)`"


def test_before_django_4_2_the_hint_offloads_the_write(findings):
    found = findings('''
        async def set_relation(request, pk, field, ids):
            product = await Product.objects.aget(pk=pk)
            getattr(product, field).set(ids)
        ''', version=(4, 1))
    assert found[0].hint.startswith("`getattr(product, field).aset(...)` needs Django 4.2+; move")


def test_getattr_writes_that_are_not_relations_pass(check):
    assert check('''
        async def update(request, pk, field, ids):
            product = await Product.objects.aget(pk=pk)
            await getattr(product, field).aset(ids)
            # a list or dict field value has remove() and clear() too
            getattr(product, field).remove(1)
            getattr(product, field).clear()
            # not a model instance
            getattr(request, field).add(1)
            getattr({}, field).add(1)
            # Payment declares no to-many relation
            payment = await Payment.objects.aget(pk=pk)
            getattr(payment, field).add(1)


        async def in_a_thread(request, pk, field, ids):
            product = await Product.objects.aget(pk=pk)

            def write():
                getattr(product, field).set(ids)

            await sync_to_async(write)()
        ''') == []
