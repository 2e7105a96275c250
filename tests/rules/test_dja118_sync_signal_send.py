"""DJA118: Signal.send() in async code (receivers run on the event loop)."""

import textwrap

import pytest

from verify.api import check_paths, check_source

HEADER = '''
from django.db.models.signals import post_save
from django.dispatch import Signal
from django.http import JsonResponse

order_paid = Signal()
'''


def lines(code: str, version=(6, 1)) -> list[int]:
    found = check_source(HEADER + textwrap.dedent(code), "shop/views.py", target_version=version, select=["DJA118"])
    return [f.line - HEADER.count("\n") for f in found]


def test_send_on_a_project_signal_and_on_a_django_signal_is_flagged():
    assert lines('''
        async def pay(request, order):
            order_paid.send(sender=None, order=order)
            post_save.send_robust(sender=None, instance=order, created=False)
            return JsonResponse({})
    ''') == [3, 4]


def test_the_hint_depends_on_the_target_version():
    code = HEADER + "\nasync def pay(request):\n    order_paid.send(sender=None)\n"
    [new] = check_source(code, "views.py", target_version=(5, 0), select=["DJA118"])
    [old] = check_source(code, "views.py", target_version=(4, 2), select=["DJA118"])
    assert new.hint == "use `await order_paid.asend(...)` instead of `order_paid.send(...)`"
    assert "needs Django 5.0+" in old.hint and "sync_to_async" in old.hint


@pytest.mark.parametrize("code", [
    # asend, and send in sync code or in a function run through sync_to_async
    '''
    async def pay(request, order):
        await order_paid.asend(sender=None, order=order)

        def in_thread():
            order_paid.send(sender=None, order=order)

        await sync_to_async(in_thread)()
        return JsonResponse({})


    def legacy_pay(request, order):
        order_paid.send(sender=None, order=order)
        return JsonResponse({})
    ''',
    # send() on things that are not signals
    '''
    async def notify(request, socket, mailer, channel_layer):
        socket.send("paid")
        mailer.send(to="x")
        await channel_layer.send("orders", {"type": "paid"})
        return JsonResponse({})
    ''',
])
def test_asend_sync_code_and_other_send_methods_pass(code):
    assert lines(code) == []


def test_a_signal_imported_from_a_project_module_is_flagged(tmp_path, monkeypatch):
    (tmp_path / "manage.py").write_text("")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "signals.py").write_text("from django.dispatch import Signal\n\norder_paid = Signal()\nNOT_A_SIGNAL = object()\n")
    (shop / "views.py").write_text(textwrap.dedent('''
        from shop import signals
        from shop.signals import order_paid, NOT_A_SIGNAL


        async def pay(request):
            order_paid.send(sender=None)
            signals.order_paid.send(sender=None)
            NOT_A_SIGNAL.send(sender=None)
    '''))
    monkeypatch.chdir(tmp_path)
    assert [f.line for f in check_paths(["shop"], select=["DJA118"]).findings] == [7, 8]
