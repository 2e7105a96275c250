"""DJA319: Celery tasks sent from async code with delay() / apply_async()."""

import textwrap

from verify.api import check_paths, check_source

HEADER = '''
from asgiref.sync import sync_to_async
from celery import Celery, shared_task
from django.http import JsonResponse

app = Celery("shop")


@shared_task
def send_receipt(order_id):
    pass


@app.task(bind=True)
def refund(self, order_id):
    pass


def not_a_task(order_id):
    pass
'''


def lines(code: str) -> list[int]:
    found = check_source(HEADER + textwrap.dedent(code), "shop/views.py", select=["DJA319"])
    return [f.line - HEADER.count("\n") for f in found]


def test_delay_and_apply_async_on_celery_tasks_in_async_code_are_flagged():
    assert lines('''
        async def checkout(request, order_id):
            send_receipt.delay(order_id)
            refund.apply_async(args=(order_id,), countdown=5)
            return JsonResponse({})
    ''') == [3, 4]


def test_sends_in_a_thread_sync_code_and_other_delay_methods_pass():
    assert lines('''
        async def checkout(request, order_id, animation):
            await sync_to_async(send_receipt.delay)(order_id)
            not_a_task.delay(order_id)
            animation.delay(3)
            return JsonResponse({})


        def legacy_checkout(request, order_id):
            send_receipt.delay(order_id)
            return JsonResponse({})
    ''') == []


def test_a_task_imported_from_the_project_is_flagged(tmp_path, monkeypatch):
    (tmp_path / "manage.py").write_text("")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "celery.py").write_text("from celery import Celery\n\napp = Celery('shop')\n")
    (shop / "tasks.py").write_text(textwrap.dedent('''
        from shop.celery import app


        @app.task
        def send_receipt(order_id):
            pass


        def plain(order_id):
            pass
    '''))
    (shop / "views.py").write_text(textwrap.dedent('''
        from shop.tasks import plain, send_receipt


        async def checkout(request, order_id):
            send_receipt.delay(order_id)
            plain.delay(order_id)
    '''))
    monkeypatch.chdir(tmp_path)
    assert [f.line for f in check_paths(["shop"], select=["DJA319"]).findings] == [6]
