"""DJA403: decorators that cannot wrap async views in the target Django version."""

import textwrap

import pytest

from verify.api import check_source

HEADER = '''
from functools import wraps
from inspect import iscoroutinefunction

from django.contrib.auth.decorators import login_required, permission_required
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
'''


def findings(code: str, version=(6, 1)):
    return check_source(HEADER + textwrap.dedent(code), "shop/views.py", target_version=version, select=["DJA403"])


def lines(code: str, version=(6, 1)) -> list[int]:
    return [f.line - HEADER.count("\n") for f in findings(code, version)]


DJANGO_DECORATED = '''
@csrf_exempt
@require_POST
async def webhook(request):
    return JsonResponse({})


@login_required
@permission_required("shop.view_order")
async def orders(request):
    return JsonResponse({})
'''


@pytest.mark.parametrize(("version", "expected"), [
    ((4, 2), [2, 3, 8, 9]),  # every one wraps in a sync function
    ((5, 0), [8, 9]),  # the view decorators are ready, the auth ones not yet
    ((5, 1), []),
    ((6, 1), []),
])
def test_django_decorators_are_flagged_before_the_version_that_made_them_async_ready(version, expected):
    assert lines(DJANGO_DECORATED, version) == expected


def test_transaction_atomic_is_flagged_in_every_version():
    found = findings('''
        from django.db import transaction


        @transaction.atomic
        async def pay(request):
            return JsonResponse({})


        class Checkout(View):
            @transaction.atomic(using="payments")
            async def post(self, request):
                return JsonResponse({})
    ''')
    assert [f.line - HEADER.count("\n") for f in found] == [5, 11]
    assert "no async transactions" in found[0].message and "sync_to_async" in found[0].hint


def test_waffle_decorators_are_flagged_on_async_views_in_every_version():
    found = findings('''
        from waffle.decorators import waffle_flag, waffle_switch


        @waffle_flag("new_checkout")
        async def checkout(request):
            return JsonResponse({})


        @waffle_switch("!maintenance")
        async def status(request):
            return JsonResponse({})


        @waffle_flag("new_checkout")
        def sync_checkout(request):
            return JsonResponse({})
    ''')
    assert [f.line - HEADER.count("\n") for f in found] == [5, 10]
    assert "`waffle_flag` wraps views in a sync function" in found[0].message
    assert 'sync_to_async(flag_is_active)(request, "name")' in found[0].hint
    assert 'sync_to_async(switch_is_active)("name")' in found[1].hint


def test_the_message_names_the_version_that_supports_async_views():
    [finding] = findings('''
        @login_required
        async def orders(request):
            return JsonResponse({})
    ''', version=(5, 0))
    assert "5.1" in finding.message and "`orders`" in finding.message


METHOD_DECORATED = '''
@method_decorator(login_required, name="get")
class OrderView(View):
    async def get(self, request):
        return JsonResponse({})

    @method_decorator(csrf_exempt)
    async def post(self, request):
        return JsonResponse({})
'''


def test_method_decorator_on_async_handlers_is_flagged_before_5_2():
    assert lines(METHOD_DECORATED, (5, 1)) == [2, 7]
    assert lines(METHOD_DECORATED, (5, 2)) == []


def test_method_decorator_checks_the_decorator_it_wraps():
    assert lines('''
        class OrderView(View):
            @method_decorator([login_required, require_POST])
            async def post(self, request):
                return JsonResponse({})
    ''', (5, 0)) == [3]


PROJECT_DECORATORS = '''
def with_timing(view_func):
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        response = view_func(request, *args, **kwargs)
        response["Server-Timing"] = "app"
        return response

    return wrapper


def with_header(name):
    def decorator(view_func):
        def wrapper(request, *args, **kwargs):
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator


def both_kinds(view_func):
    if iscoroutinefunction(view_func):
        async def wrapper(request, *args, **kwargs):
            return await view_func(request, *args, **kwargs)
    else:
        def wrapper(request, *args, **kwargs):
            return view_func(request, *args, **kwargs)
    return wrapper


def async_only(view_func):
    async def wrapper(request, *args, **kwargs):
        return await view_func(request, *args, **kwargs)

    return wrapper


def registers(view_func):
    REGISTRY.append(view_func)
    return view_func
'''


def test_project_decorator_whose_sync_wrapper_calls_the_view_is_flagged_in_every_version():
    code = PROJECT_DECORATORS + '''

@with_timing
async def product_list(request):
    return JsonResponse({})


class OrderView(View):
    @with_header("X-Shop")
    async def get(self, request):
        return JsonResponse({})
'''
    found = findings(code)
    assert [f.message.split("`")[1] for f in found] == ["with_timing", "with_header"]
    assert "handler `get`" in found[1].message


def test_project_decorators_that_await_or_handle_both_kinds_pass():
    assert findings(PROJECT_DECORATORS + '''

@both_kinds
@async_only
@registers
async def product_list(request):
    return JsonResponse({})
''') == []


def test_helpers_that_are_not_views_are_left_alone():
    assert findings(PROJECT_DECORATORS + '''

@with_timing
async def compute_totals(orders):
    return sum(orders)


class Service:
    @method_decorator(login_required)
    async def refresh(self, request):
        return None
''', version=(4, 2)) == []


def test_project_decorators_of_other_modules_are_followed(tmp_path, monkeypatch):
    from verify.api import check_paths

    (tmp_path / "manage.py").write_text("")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "decorators.py").write_text(textwrap.dedent('''
        from functools import wraps
        from inspect import iscoroutinefunction


        def rate_limit(view):
            @wraps(view)
            def wrapper(request, *args, **kwargs):
                return view(request, *args, **kwargs)

            return wrapper


        def dual_rate_limit(view):
            if iscoroutinefunction(view):
                async def async_wrapper(request, *args, **kwargs):
                    return await view(request, *args, **kwargs)

                return async_wrapper

            def wrapper(request, *args, **kwargs):
                return view(request, *args, **kwargs)

            return wrapper
    '''))
    (shop / "views.py").write_text(textwrap.dedent('''
        from django.http import JsonResponse

        from shop import decorators
        from shop.decorators import dual_rate_limit, rate_limit


        @rate_limit
        async def orders(request):
            return JsonResponse({})


        @decorators.rate_limit
        async def invoices(request):
            return JsonResponse({})


        @dual_rate_limit
        async def payments(request):
            return JsonResponse({})


        @rate_limit
        def legacy_orders(request):
            return JsonResponse({})
    '''))
    monkeypatch.chdir(tmp_path)
    found = check_paths(["shop"], select=["DJA403"]).findings
    assert [f.line for f in found] == [8, 13]
    assert "decorators.rate_limit" in found[1].message
