"""Views wrapped by frameworks are named by the user's endpoint, not by the wrapper."""

import functools

from adrf.decorators import api_view
from adrf.views import APIView
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from ninja import NinjaAPI

from verify.runtime.django_hooks import view_path

HERE = __name__


async def plain(request):
    return None


def logged(view):
    @functools.wraps(view)
    async def wrapper(request, *args, **kwargs):
        return await view(request, *args, **kwargs)

    return wrapper


class PageView(View):
    @method_decorator(never_cache)
    async def get(self, request):
        return None


class CountView(APIView):
    async def get(self, request):
        return None


@api_view(["GET"])
async def cheapest(request):
    return None


api = NinjaAPI(urls_namespace="view-names-test")


@api.get("/things")
async def list_things(request):
    return []


@api.post("/things")
async def create_thing(request):
    return {}


def test_a_function_and_a_decorated_function():
    assert view_path(plain) == f"{HERE}.plain"
    assert view_path(logged(plain)) == f"{HERE}.plain"


def test_class_based_views_are_named_by_their_class():
    assert view_path(PageView.as_view()) == f"{HERE}.PageView"
    assert view_path(CountView.as_view()) == f"{HERE}.CountView"


def test_an_adrf_function_view_is_named_by_the_function():
    # api_view builds a class named "WrappedAPIView" and renames it after the function.
    assert view_path(cheapest) == f"{HERE}.cheapest"


def test_a_ninja_path_is_named_by_its_operations():
    names = {view_path(pattern.callback) for pattern in api.urls[0] if str(pattern.pattern) == "things"}
    assert names == {f"{HERE}.list_things | {HERE}.create_thing"}


def test_a_partial_is_named_by_its_function():
    assert view_path(functools.partial(plain)) == f"{HERE}.plain"
