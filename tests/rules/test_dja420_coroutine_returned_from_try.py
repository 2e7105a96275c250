"""DJA420: a sync wrapper whose `try` only returns a coroutine: the coroutine runs when the caller
awaits it, after the `try` is left, so the `except` never sees its errors."""

import textwrap

from verify.api import check_paths, check_source

MODELS = '''
from django.db import models


class Order(models.Model):
    name = models.CharField(max_length=10)
'''

HEADER = '''
import asyncio
from asgiref.sync import sync_to_async
from shop.models import Order


async def fetch_rates(code):
    return {"code": code}
'''


def lines(code: str) -> list[int]:
    found = check_source(HEADER + textwrap.dedent(code), "shop/wrappers.py", select=["DJA420"], models_source=MODELS)
    return [f.line - HEADER.count("\n") for f in found]


def test_coroutines_returned_from_a_try_are_flagged():
    assert lines('''
        def order_or_none(pk):
            try:
                return Order.objects.aget(pk=pk)
            except Order.DoesNotExist:
                return None


        def rates(code):
            try:
                return fetch_rates(code)
            except (KeyError, ValueError):
                return {}


        class Client:
            async def send(self, payload):
                return payload

            def safe_send(self, payload):
                try:
                    return self.send(payload)
                except ConnectionError:
                    return None

            def timed(self, payload):
                try:
                    return asyncio.wait_for(self.send(payload), 5)
                except asyncio.TimeoutError:
                    return None


        def in_thread(pk):
            try:
                return sync_to_async(Order.objects.get)(pk=pk)
            except Exception:
                return None
    ''') == [4, 11, 22, 28, 35]


def test_the_message_names_the_handler_and_points_at_it():
    [finding] = check_source(HEADER + textwrap.dedent('''
        def rates(code):
            try:
                return fetch_rates(code)
            except KeyError:
                return {}
    '''), "shop/wrappers.py", select=["DJA420"])
    assert finding.message == ("coroutine `fetch_rates(code)` is returned from the `try` of sync function `rates`: it runs when "
                               "the caller awaits it, after the `try` is left, so `except KeyError` never catches its errors")
    assert finding.hint == "make `rates` an `async def` and `return await fetch_rates(code)` inside the `try`"
    assert [(line - HEADER.count("\n"), note) for line, _column, note in finding.related] == [
        (5, "this handler never sees the coroutine's errors")]


def test_look_alikes_stay_clean():
    assert lines('''
        def reraises(pk):
            try:
                return Order.objects.aget(pk=pk)
            except Order.DoesNotExist:
                raise


        def fallback(client):  # the attribute lookup itself raises AttributeError
            try:
                return client.afetch()
            except AttributeError:
                return client.fetch()


        def plain(pk):
            try:
                return Order.objects.get(pk=pk)
            except Order.DoesNotExist:
                return None


        async def already_async(pk):
            try:
                return await Order.objects.aget(pk=pk)
            except Order.DoesNotExist:
                return None


        def more_in_try(code):  # the handler is for the statement before
            try:
                code = code.strip()
                return fetch_rates(code)
            except ValueError:
                return {}


        def finally_only(code):
            try:
                return fetch_rates(code)
            finally:
                print("done")


        def schedule(code):  # ensure_future raises RuntimeError at once without a running loop
            try:
                return asyncio.ensure_future(fetch_rates(code))
            except RuntimeError:
                return None


        def shadowed(fetch_rates):  # a parameter, not the module's coroutine function
            try:
                return fetch_rates("x")
            except KeyError:
                return None


        async def outer():
            def inner(code):
                return fetch_rates(code)

            try:
                return inner("x")
            except KeyError:
                return None
    ''') == []


def test_a_coroutine_function_of_another_module(tmp_path, monkeypatch):
    (tmp_path / "manage.py").write_text("")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "services.py").write_text("async def fetch_rates(code):\n    return {}\n")
    (shop / "wrappers.py").write_text(textwrap.dedent('''
        from shop.services import fetch_rates


        def rates(code):
            try:
                return fetch_rates(code)
            except KeyError:
                return {}


        async def view(request):
            return await rates("x")
    '''))
    monkeypatch.chdir(tmp_path)
    assert [(f.path, f.line, f.code) for f in check_paths(["shop"], select=["DJA420"]).findings] == [("shop/wrappers.py", 7, "DJA420")]
