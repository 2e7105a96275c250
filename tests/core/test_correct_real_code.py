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
    from verify.analysis.models_index import DEFINES_MODELS, model_files

    (tmp_path / "entities.py").write_text(_ENTITIES)
    (tmp_path / "forms.py").write_text("class EssayForm(forms.ModelForm):\n    pass\n")
    (tmp_path / "models.py").write_text("")
    assert [p.name for p in model_files(tmp_path)] == ["entities.py", "models.py"]
    assert DEFINES_MODELS[str(tmp_path / "forms.py")][2] is False


# -- only() and the key column ---------------------------------------------------------------
def test_key_column_is_loaded_by_only_of_the_relation(check):
    assert check("async def v(request, pk):\n    r = await Review.objects.only('product').aget(pk=pk)\n    return r.product_id\n") == []


@pytest.mark.parametrize("attr", ["product", "rating"])
def test_only_of_the_key_loads_neither_the_object_nor_other_fields(check, attr):
    assert check(f"async def v(request, pk):\n    r = await Review.objects.only('product').aget(pk=pk)\n    return r.{attr}\n") == ["DJA106"]


# -- a QuerySet evaluated by async iteration keeps its results -----------------------------------
@pytest.mark.parametrize(
    "evaluate",
    [
        "async for product in products:\n        print(product.name)",
        "async for product in products:\n        break",
        "names = [p.name async for p in products]",
        "products = [p async for p in products]",
    ],
)
def test_queryset_evaluated_by_async_iteration_reads_its_cache(check, evaluate):
    code = f"""
async def v(request):
    products = Product.objects.filter(is_published=True)
    {evaluate}
    return len(products), bool(products), products[0], await sync_to_async(products.count)(), products.count()
"""
    assert check(code) == []


@pytest.mark.parametrize(
    "evaluate",
    [
        "pass",
        "if request.GET:\n        async for product in products:\n            pass",
        "async for product in products.filter(name='x'):\n        pass",
    ],
)
def test_queryset_not_evaluated_on_every_path_is_still_reported(check, evaluate):
    code = f"""
async def v(request):
    products = Product.objects.filter(is_published=True)
    {evaluate}
    return len(products)
"""
    assert check(code) == ["DJA103"]


def test_a_new_queryset_from_an_evaluated_one_queries_again(check):
    code = """
async def v(request):
    products = Product.objects.filter(is_published=True)
    async for product in products:
        pass
    return len(products.filter(name="x"))
"""
    assert check(code) == ["DJA103"]


# -- caches Django fills: the key back to the parent, prefetched lists --------------------------
@pytest.mark.parametrize(
    "body",
    [
        "item = await order.items.afirst()\n    return item.order.total",
        "async for item in order.items.filter(product__is_published=True):\n        print(item.order.total)",
        "payment = await Payment.objects.aget(order=order)\n    return payment.order_id",
        "user = await request.auser()\n    orders = [o async for o in user.orders.all()]\n    return orders[0].user.username",
    ],
)
def test_objects_fetched_through_a_reverse_relation_know_their_parent(check, body):
    assert check(f"async def v(request, pk):\n    order = await Order.objects.aget(pk=pk)\n    {body}\n") == []


@pytest.mark.parametrize(
    "body",
    [
        "item = await order.items.afirst()\n    return item.product.name",
        "payment = await Payment.objects.aget(order=order)\n    return payment.order.total",
    ],
)
def test_other_relations_of_those_objects_are_still_lazy(check, body):
    assert check(f"async def v(request, pk):\n    order = await Order.objects.aget(pk=pk)\n    {body}\n") == ["DJA106"]


_SHOP_MODELS = """
from django.db import models


class Basket(models.Model):
    name = models.CharField(max_length=40)

    def line_names(self):
        return [line.label for line in self.lines.all()]


class Line(models.Model):
    basket = models.ForeignKey(Basket, on_delete=models.CASCADE, related_name="lines")
    label = models.CharField(max_length=40)
"""


@pytest.mark.parametrize(
    "query, problems",
    [
        ('Basket.objects.prefetch_related("lines")', []),
        ('Basket.objects.prefetch_related(Prefetch("lines", queryset=Line.objects.order_by("label")))', []),
        ("Basket.objects.all()", [("DJA103", "views.py", "`basket.line_names()`")]),
    ],
)
def test_model_methods_read_prefetched_lists(tmp_path, query, problems):
    found = _project(tmp_path, {
        "shop/__init__.py": "",
        "shop/models.py": _SHOP_MODELS,
        "shop/views.py": f"""
            from django.db.models import Prefetch
            from shop.models import Basket, Line

            async def baskets(request):
                return [(basket.line_names(), [line.basket.name async for line in basket.lines.all()])
                        async for basket in {query}]
        """,
    })
    assert found == problems


# -- request.user ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body",
    [
        "request.user = await request.auser()\n    return request.user.username",
        "request.user = await User.objects.aget(pk=1)\n    return request.user.email",
        "await sync_to_async(audit)(request.user)",
        "await sync_to_async(audit)(actor=request.user)",
        "await asyncio.to_thread(audit, request.user)",
    ],
)
def test_request_user_loaded_or_only_handed_to_a_thread(check, body):
    code = f"""
from django.contrib.auth.models import User

def audit(actor):
    return actor.username

async def v(request):
    {body}
"""
    assert check(code) == []


@pytest.mark.parametrize(
    "body",
    [
        "name = request.user.username\n    request.user = await request.auser()",
        "if request.GET:\n        request.user = await request.auser()\n    return request.user.username",
        "return await Order.objects.filter(user=request.user).acount()",
        "request.user = request.user\n    return request.user.username",
    ],
)
def test_request_user_read_before_it_is_loaded_is_reported(check, body):
    assert "DJA107" in check(f"async def v(request):\n    {body}\n")


def test_class_based_view_assigning_self_request_user(check):
    code = """
from django.views import View

class Panel(View):
    async def get(self, request):
        self.request.user = await request.auser()
        return HttpResponse(self.request.user.username)
"""
    assert check(code) == []


_LOADING_DECORATOR = """
from functools import wraps


def with_user(view):
    @wraps(view)
    async def wrapper(request, *args, **kwargs):
        request.user = await request.auser()
        return await view(request, *args, **kwargs)
    return wrapper


def logged(view):
    return view
"""


@pytest.mark.parametrize("decorator, problems", [("with_user", []), ("logged", ["DJA107"])])
def test_a_project_decorator_that_loads_the_user_runs_first(tmp_path, decorator, problems):
    found = _project(tmp_path, {
        "app/__init__.py": "",
        "app/decorators.py": _LOADING_DECORATOR,
        "app/views.py": f"""
            from app.decorators import {decorator}

            @{decorator}
            async def me(request):
                return {{"name": request.user.username}}
        """,
    })
    assert [code for code, _file, _what in found] == problems


_ADRF_VIEWS = """
from adrf.decorators import api_view
from adrf.views import APIView
from adrf.viewsets import ViewSet


class Base(APIView):
    pass


class Profile(Base):
    async def get(self, request):
        return Response({"name": request.user.username, "staff": self.request.user.is_staff})


class Accounts(ViewSet):
    async def list(self, request):
        return Response({"name": request.user.username})


@api_view(["GET"])
async def whoami(request):
    return Response({"name": request.user.username})
"""

_NINJA_API = """
from ninja import NinjaAPI, Router
from ninja.security import django_auth, HttpBearer

api = NinjaAPI()
private = Router(auth=django_auth)
public = Router()


class Token(HttpBearer):
    async def authenticate(self, request, token):
        return token


@api.get("/me", auth=django_auth)
async def me(request):
    return {"name": request.user.username}


@private.get("/mine")
async def mine(request):
    return {"name": request.user.username}


@api.get("/token", auth=Token())
async def token(request):
    return {"name": request.user.username}


@public.get("/open")
async def open_view(request):
    return {"name": request.user.username}
"""


def test_frameworks_that_authenticate_before_the_handler(check):
    assert check(_ADRF_VIEWS) == []
    found = [f.line for f in check_source_lines(_NINJA_API)]
    reads = [number for number, line in enumerate(_NINJA_API.splitlines(), 1) if "request.user" in line]
    assert found == reads[2:]  # the bearer token and the open route load no user


_BOLT_API = """
import asyncio

from django_bolt import BoltAPI, CurrentUser, Request

api = BoltAPI()


@api.get("/me")
async def me(request):
    user = await request.auser()
    return {"name": user.username, "same": user == request.user}


@api.get("/tenant")
async def tenant(request: Request, user: CurrentUser):
    return {"cached": request.user.username}


@api.get("/early")
async def early(request):
    name = request.user.username
    await request.auser()
    return {"name": name}


@api.get("/pending")
async def pending(request):
    loading = asyncio.ensure_future(request.auser())
    request.user.marker = "read while auser() is still pending"
    return await loading
"""


def test_django_bolt_loads_request_user_with_auser_and_current_user():
    # bolt's request.user is a LazyUser that `await request.auser()` fills; a CurrentUser parameter
    # loads it before the handler. A read before the await still loads it on the event loop.
    found = [f.line for f in check_source_lines(_BOLT_API)]
    lines = _BOLT_API.splitlines()
    assert found == [lines.index("    name = request.user.username") + 1,
                     lines.index('    request.user.marker = "read while auser() is still pending"') + 1]


_BOLT_ALIAS_AND_MIDDLEWARE = """
from django.contrib.auth.models import User
from django_bolt import BoltAPI
from django_bolt.middleware import DjangoMiddlewareStack


def routes():
    class Impersonate:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            request.user = User.objects.get(username="support")
            return self.get_response(request)

    class MaybeImpersonate:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            if request.GET.get("as"):
                request.user = User.objects.get(username=request.GET["as"])
            return self.get_response(request)

    api = BoltAPI(middleware=[DjangoMiddlewareStack([Impersonate])])
    maybe = BoltAPI(middleware=[DjangoMiddlewareStack([MaybeImpersonate])])

    @api.get("/who")
    async def who(request):
        return {"name": request.user.username}

    @maybe.get("/maybe")
    async def maybe_who(request):
        return {"name": request.user.username}

    @api.get("/alias")
    async def alias(request):
        user = request.user
        await request.auser()
        return {"name": getattr(user, "username", None)}

    @maybe.get("/alias-early")
    async def alias_early(request):
        user = request.user
        name = user.username
        await request.auser()
        return {"name": name}
"""


def test_django_bolt_alias_before_auser_and_middleware_that_sets_the_user():
    # bolt's auser() fills the lazy object an earlier alias holds; a middleware that always assigns
    # request.user leaves no lazy user. A conditional one, or a read before the await, still loads it.
    found = [f.line for f in check_source_lines(_BOLT_ALIAS_AND_MIDDLEWARE)]
    lines = _BOLT_ALIAS_AND_MIDDLEWARE.splitlines()
    maybe_read = lines.index("    async def maybe_who(request):") + 2
    early_alias = lines.index("    async def alias_early(request):") + 2
    assert found == [maybe_read, early_alias]


_USER_AS_ORM_ARGUMENT = """
from django.contrib.auth.models import Group

from shop.models import Order, Profile


async def profile(request):
    mine = await Profile.objects.aget(user=request.user)
    order = await Order.objects.acreate(customer=request.user, total=0)
    staff = await Group.objects.aget(name="staff")
    await staff.user_set.aadd(request.user)
    pending = Order.objects.filter(customer=request.user)
    return mine, order, [o async for o in pending]
"""


def test_request_user_handed_to_an_orm_coroutine_loads_in_its_thread(tmp_path):
    # aget()/acreate()/aadd() are sync_to_async of get()/create()/add(): the lazy user is read in
    # the worker thread. filter() builds its lookup on the event loop and reads it there.
    from verify.api import check_source

    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "models.py").write_text(textwrap.dedent("""
        from django.conf import settings
        from django.db import models

        class Profile(models.Model):
            user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

        class Order(models.Model):
            customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
            total = models.IntegerField()
    """))
    views = tmp_path / "shop" / "views.py"
    views.write_text(_USER_AS_ORM_ARGUMENT)
    found = [f.line for f in check_source(_USER_AS_ORM_ARGUMENT, str(views), select=["DJA107"])]
    assert found == [_USER_AS_ORM_ARGUMENT.splitlines().index("    pending = Order.objects.filter(customer=request.user)") + 1]


def test_djangos_own_auser_leaves_an_earlier_alias_lazy():
    code = ("async def me(request):\n    user = request.user\n    await request.auser()\n"
            "    return user.username\n")
    assert [f.line for f in check_source_lines(code)] == [2]


def test_djangos_own_auser_leaves_request_user_lazy():
    # Django caches auser()'s result apart from request.user's SimpleLazyObject: the read still queries.
    code = "async def me(request):\n    user = await request.auser()\n    return user == request.user\n"
    assert [f.line for f in check_source_lines(code)] == [3]


def check_source_lines(code):
    from verify.api import check_source

    return check_source(code, "api.py", select=["DJA107"])


def test_user_loaders_option_names_your_own(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.django-async-kit]\nuser-loaders = ["myauth.session_user", "myauth.UserView"]\n')
    (tmp_path / "views.py").write_text(textwrap.dedent("""
        from myauth import session_user, UserView

        @session_user
        async def me(request):
            return request.user.username

        class Me(UserView):
            async def get(self, request):
                return request.user.username

        async def other(request):
            return request.user.username
    """))
    report = check_paths([str(tmp_path)], select=["DJA107"], cache=False)
    assert [f.line for f in report.findings] == [13]


def test_user_loaders_option_must_be_a_list_of_names(tmp_path):
    from verify.pipeline.config import ConfigError, load

    (tmp_path / "pyproject.toml").write_text('[tool.django-async-kit]\nuser-loaders = "myauth.session_user"\n')
    with pytest.raises(ConfigError, match="user-loaders"):
        load(tmp_path / "pyproject.toml")


# -- I/O that runs once per process ------------------------------------------------------------
_LOADERS = """
import functools
from functools import cached_property, lru_cache


@functools.cache
def settings_file():
    with open("settings.json") as stream:
        return stream.read()


@lru_cache(maxsize=None)
def template(name):
    with open(name) as stream:
        return stream.read()


def every_time():
    with open("settings.json") as stream:
        return stream.read()


_SCHEMA = None


def schema():
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = open("schema.json").read()
    return _SCHEMA


def not_kept():
    cached = None
    if cached is None:
        cached = open("schema.json").read()
    return cached


class Client:
    def __init__(self):
        self._token = None

    @cached_property
    def key(self):
        return open("key.pem").read()

    def token(self):
        if not self._token:
            self._token = open("token.txt").read()
        return self._token

    def wrong_slot(self):
        if self._token is None:
            self._other = open("token.txt").read()
        return self._other
"""


@pytest.mark.parametrize(
    "call, problems",
    [
        ("settings_file()", []),
        ("template('page.html')", []),
        ("schema()", []),
        ("Client().token()", []),
        ("Client().key", []),
        ("every_time()", ["DJA303"]),
        ("not_kept()", ["DJA303"]),
        ("Client().wrong_slot()", ["DJA303"]),
    ],
)
def test_io_kept_after_the_first_call_is_not_blocking_every_request(tmp_path, call, problems):
    found = _project_codes(tmp_path, {
        "app/__init__.py": "",
        "app/loaders.py": _LOADERS,
        "app/views.py": f"""
            from app.loaders import Client, every_time, not_kept, schema, settings_file, template

            async def page(request):
                return {call}
        """,
    })
    assert found == problems


def test_a_query_in_a_run_once_branch_still_raises(check):
    code = """
class Totals:
    async def get(self, request):
        if self._count is None:
            self._count = Product.objects.count()
            self._text = open("x").read()
        return self._count
"""
    assert check(code, select=["DJA1", "DJA3"]) == ["DJA102"]


def _project_codes(tmp_path, files):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return sorted(f.code for f in check_paths([str(tmp_path / "app" / "views.py")], select=["DJA3"], cache=False).findings)


@pytest.mark.parametrize(
    "body",
    [
        "await alogin(request, user)\n    return request.user.username",
        "await alogout(request)\n    return request.user.is_authenticated",
        "if request.user is None or request.user is not user:\n        pass",
        "return object.__getattribute__(request.user, '_wrapped')",
    ],
)
def test_request_user_set_by_login_or_only_tested_by_identity(check, body):
    code = f"""
from django.contrib.auth import alogin, alogout

async def v(request, user):
    {body}
"""
    assert check(code) == []


@pytest.mark.parametrize("body", ["if request.user == user:\n        pass", "if request.user:\n        pass"])
def test_request_user_compared_by_value_is_loaded(check, body):
    assert check(f"async def v(request, user):\n    {body}\n") == ["DJA107"]


def test_several_custom_user_classes_do_not_merge_into_the_user_model(tmp_path):
    found = _project(tmp_path, {
        "accounts/__init__.py": "",
        "accounts/models.py": """
            from django.contrib.auth.models import AbstractBaseUser, AbstractUser
            from django.db import models


            class Email(models.Model):
                address = models.CharField(max_length=80)


            class UserWithEmailKey(AbstractBaseUser):
                email = models.ForeignKey(Email, on_delete=models.CASCADE)


            class PlainUser(AbstractUser):
                pass
        """,
        "accounts/views.py": """
            from django.contrib.auth.models import User

            async def known(request):
                user = await User.objects.aget(username="a")
                return user.email
        """,
    })
    assert found == []


# -- calls the analysis follows into helpers ---------------------------------------------------
_EVENTS = """
from django.http import HttpRequest


def get_events(request):
    return request.user.username


class EventRequest:
    def __init__(self, user):
        self.user = user
"""


@pytest.mark.parametrize(
    "body, problems",
    [
        ("get_events = sync_to_async(get_events); return await get_events(request)", []),
        ("return get_events(EventRequest('ann'))", []),
        ("return get_events(request)", ["DJA107"]),
    ],
)
def test_helpers_are_followed_only_where_they_run_and_with_what_they_get(tmp_path, body, problems):
    found = _project(tmp_path, {
        "app/__init__.py": "",
        "app/events.py": _EVENTS,
        "app/views.py": f"""
            from asgiref.sync import sync_to_async
            from app.events import EventRequest, get_events

            async def stream(request):
                {body}
        """,
    })
    assert [code for code, _file, _what in found] == problems


# -- code that supports older Django versions ------------------------------------------------
@pytest.mark.parametrize(
    "body",
    [
        "if hasattr(request, 'auser'):\n        user = await request.auser()\n    else:\n        user = await sync_to_async(lambda: request.user)()",
        "user = await request.auser() if django.VERSION >= (5, 0) else None",
    ],
)
def test_version_guarded_async_api(check, body):
    assert check(f"import django\n\nasync def v(request):\n    {body}\n", version=(4, 2), select=["DJA105"]) == []


def test_unguarded_async_api_of_a_newer_django_is_reported(check):
    code = "async def v(request):\n    if hasattr(request, 'session'):\n        user = await request.auser()\n"
    assert check(code, version=(4, 2), select=["DJA105"]) == ["DJA105"]


def test_django_async_generators_are_iterated(check):
    code = """
from django.core.paginator import AsyncPaginator

async def v(request):
    paginator = AsyncPaginator(Product.objects.order_by("pk"), 10)
    async for number in paginator.aget_elided_page_range(2):
        print(number)
    pages = paginator.aget_elided_page_range(1)
    return [n async for n in pages], await paginator.anum_pages()
"""
    assert check(code) == []
    assert check(code.replace("async for number in", "for number in await")) == ["DJA104"]


def test_a_parameter_hides_the_module_function_of_its_name(check):
    code = """
async def server(span_streaming):
    yield span_streaming


async def test_server(server):
    channel = await server(True)
    return channel
"""
    assert check(code) == []


@pytest.mark.parametrize(
    "uses, problems",
    [
        ("if user is None or user is other:\n        return None\n    return await sync_to_async(audit)(user)", []),
        ("if user is None:\n        return None\n    return user.username", ["DJA107"]),
        ("return str(user)", ["DJA107"]),
    ],
)
def test_request_user_kept_in_a_variable_is_judged_by_its_uses(check, uses, problems):
    code = f"""
def audit(actor):
    return actor.pk

async def v(request, other):
    user = request.user
    {uses}
"""
    assert check(code) == problems
