"""A whole project with planted pitfalls and settings bugs, next to correct code doing the same
things: every planted bug is found at its line (marked `# planted: DJAnnn`), nothing else is."""

import re
import textwrap
from pathlib import Path

from verify.api import check_paths

FILES = {
    "manage.py": '''
        import os
        import sys

        if __name__ == "__main__":
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookshop.settings.dev")
            from django.core.management import execute_from_command_line

            execute_from_command_line(sys.argv)
    ''',
    "bookshop/__init__.py": "",
    "bookshop/settings/__init__.py": "",
    "bookshop/settings/base.py": '''
        import os

        SECRET_KEY = os.environ.get("SECRET_KEY", "dev")
        INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "catalog"]
        MIDDLEWARE = [
            "django.middleware.security.SecurityMiddleware",
            "bookshop.middleware.RequestIdMiddleware",  # planted: DJA601
            "bookshop.middleware.LocaleMiddleware",
            "bookshop.middleware.timing_middleware",
        ]
        DATABASES = {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "bookshop",
                "CONN_MAX_AGE": int(os.environ.get("DB_CONN_MAX_AGE", "60")),  # planted: DJA602
            }
        }
    ''',
    "bookshop/settings/dev.py": '''
        from .base import *  # noqa: F403

        DEBUG = True
    ''',
    "bookshop/settings/prod.py": '''
        from .base import *  # noqa: F403

        DEBUG = False
        MIDDLEWARE += ["bookshop.middleware.audit_middleware"]  # planted: DJA601
    ''',
    "bookshop/middleware.py": '''
        from django.utils.decorators import sync_and_async_middleware
        from django.utils.deprecation import MiddlewareMixin


        class RequestIdMiddleware:
            def __init__(self, get_response):
                self.get_response = get_response

            def __call__(self, request):
                return self.get_response(request)


        class LocaleMiddleware(MiddlewareMixin):
            pass


        @sync_and_async_middleware
        def timing_middleware(get_response):
            return get_response


        def audit_middleware(get_response):
            def middleware(request):
                return get_response(request)

            return middleware
    ''',
    "bookshop/asgi.py": '''
        import os

        from django.core.asgi import get_asgi_application

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookshop.settings.prod")
        application = get_asgi_application()
    ''',
    "catalog/__init__.py": "",
    "catalog/models.py": '''
        from django.db import models


        class Book(models.Model):
            title = models.CharField(max_length=200)
            sold = models.IntegerField(default=0)
    ''',
    "catalog/views.py": '''
        import asyncio
        from functools import wraps

        from asgiref.sync import async_to_sync, sync_to_async
        from django.contrib.auth.mixins import LoginRequiredMixin
        from django.http import JsonResponse
        from django.views import View
        from django.views.generic import FormView

        from catalog.models import Book


        def log_view(view_func):
            @wraps(view_func)
            def wrapper(request, *args, **kwargs):
                return view_func(request, *args, **kwargs)

            return wrapper


        def count_sales():
            return Book.objects.filter(sold__gt=0).count()


        async def record_view(book_id):
            await Book.objects.filter(id=book_id).aupdate(sold=1)


        async def book_detail(request, book_id):
            book = await Book.objects.aget(id=book_id)
            asyncio.create_task(record_view(book_id))  # planted: DJA401
            return JsonResponse({"title": book.title})


        class OrderBookView(FormView):  # planted: DJA402
            async def post(self, request):
                return JsonResponse({"count": await Book.objects.acount()})


        @log_view  # planted: DJA403
        async def book_list(request):
            return JsonResponse({"titles": [b.title async for b in Book.objects.all()]})


        async def sales(request):
            total = async_to_sync(record_view)(1)  # planted: DJA404
            sold = await sync_to_async(count_sales, thread_sensitive=False)()  # planted: DJA405
            books, sold_books = await asyncio.gather(  # planted: DJA406
                Book.objects.acount(), Book.objects.filter(sold__gt=0).acount()
            )
            return JsonResponse({"total": total, "sold": sold, "books": books, "sold_books": sold_books})


        async def ping(request):  # DJA407 advises on it only when served by WSGI (the WSGI variant)
            return JsonResponse({"pong": True})


        class ShelfView(LoginRequiredMixin, View):  # planted: DJA408
            async def get(self, request):
                return JsonResponse({"count": await Book.objects.acount()})
    ''',
    "catalog/views_correct.py": '''
        import asyncio
        from functools import wraps

        import httpx
        from asgiref.sync import sync_to_async
        from django.contrib.auth.decorators import login_required
        from django.http import JsonResponse
        from django.utils.decorators import method_decorator
        from django.views import View
        from django.views.generic import FormView

        from catalog.models import Book

        background_tasks = set()


        def log_view(view_func):
            @wraps(view_func)
            async def wrapper(request, *args, **kwargs):
                return await view_func(request, *args, **kwargs)

            return wrapper


        def count_sales():
            return Book.objects.filter(sold__gt=0).count()


        def hash_token(token):
            return token[::-1]


        async def record_view(book_id):
            await Book.objects.filter(id=book_id).aupdate(sold=1)


        async def book_detail(request, book_id):
            book = await Book.objects.aget(id=book_id)
            task = asyncio.create_task(record_view(book_id))
            background_tasks.add(task)
            task.add_done_callback(background_tasks.discard)
            return JsonResponse({"title": book.title})


        class OrderBookView(FormView):
            async def get(self, request):
                return JsonResponse({"count": await Book.objects.acount()})

            async def post(self, request):
                return JsonResponse({"count": await Book.objects.acount()})

            async def put(self, request):
                return await self.post(request)


        @method_decorator(login_required, name="get")
        class BooksView(View):
            async def get(self, request):
                return JsonResponse({"count": await Book.objects.acount()})


        @log_view
        @login_required
        async def book_list(request):
            return JsonResponse({"titles": [b.title async for b in Book.objects.all()]})


        async def sales(request):
            total = await record_view(1)
            sold = await sync_to_async(count_sales)()
            token = await sync_to_async(hash_token, thread_sensitive=False)("abc")
            async with httpx.AsyncClient() as client:
                rates, stock = await asyncio.gather(client.get("https://rates.example"), client.get("https://stock.example"))
            books = await Book.objects.acount()
            return JsonResponse({"total": total, "sold": sold, "token": token, "rates": rates.json(), "books": books})
    ''',
    "tests/conftest.py": '''
        import os

        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ''',
    "requirements.txt": "Django>=5.2,<6.0\npsycopg2-binary>=2.9  # planted: DJA603\nuvicorn>=0.30\n",
    "Dockerfile": "FROM python:3.13-slim\nENV DJANGO_ALLOW_ASYNC_UNSAFE=1\nCMD [\"uvicorn\", \"bookshop.asgi:application\"]\n",
    "docker-compose.yml": "services:\n  web:\n    build: .\n    environment:\n      DJANGO_SETTINGS_MODULE: bookshop.settings.prod\n",
}
# Lines where a comment cannot carry the marker.
UNMARKED = {("DJA604", "Dockerfile", 2)}
# WSGI-only variant: the same project deployed with gunicorn's WSGI workers and no asgi.py.
WSGI_DEPLOYMENT = {"bookshop/asgi.py": None, "Procfile": "web: gunicorn bookshop.wsgi --workers 4\n",
                   "Dockerfile": "FROM python:3.13-slim\nCMD [\"gunicorn\", \"bookshop.wsgi\"]\n",
                   "bookshop/wsgi.py": "from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n"}


def build(root: Path, changes: dict | None = None) -> None:
    for relative, text in {**FILES, **(changes or {})}.items():
        if text is None:
            continue
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


def planted(root: Path) -> set[tuple[str, str, int]]:
    marks = set()
    for path in root.rglob("*"):
        if path.is_file():
            for number, line in enumerate(path.read_text().splitlines(), 1):
                for code in re.findall(r"planted: (DJA\d{3})", line):
                    marks.add((code, path.relative_to(root).as_posix(), number))
    return marks


def found(root: Path, select=("DJA4", "DJA6")) -> set[tuple[str, str, int]]:
    report = check_paths([str(root)], select=list(select), use_config=False)
    assert report.errors == []
    return {(f.code, Path(f.path).relative_to(root).as_posix(), f.line) for f in report.findings}


def test_every_planted_pitfall_and_settings_bug_is_found_and_nothing_else(tmp_path):
    build(tmp_path)
    assert found(tmp_path) == planted(tmp_path) | UNMARKED


def test_the_wsgi_only_variant_reports_the_deployment_and_the_missing_asgi_entry_point(tmp_path):
    build(tmp_path, WSGI_DEPLOYMENT)
    assert {f for f in found(tmp_path, ["DJA605"])} == {
        ("DJA605", "bookshop/wsgi.py", 3), ("DJA605", "Procfile", 1), ("DJA605", "Dockerfile", 2),
    }
    # served over WSGI, persistent connections are fine: DJA602 goes quiet
    assert not {f for f in found(tmp_path, ["DJA602"])}
    # and the async view that awaits nothing costs an event loop per request: DJA407 advises on it
    ping = next(number for number, line in enumerate((tmp_path / "catalog/views.py").read_text().splitlines(), 1) if "def ping(" in line)
    assert found(tmp_path, ["DJA407"]) == {("DJA407", "catalog/views.py", ping)}


# A src/ layout: poetry, manage.py under src/, a settings package whose __init__ star-imports
# production settings on a condition, and a Kubernetes manifest.
SRC_LAYOUT = {
    "pyproject.toml": '''
        [tool.poetry.dependencies]
        python = "^3.12"
        Django = "^5.0"
        psycopg2-binary = "^2.9"  # planted: DJA603

        [tool.pytest.ini_options]
        DJANGO_SETTINGS_MODULE = "mysite.settings"
    ''',
    "src/manage.py": '''
        import os
        import sys

        if __name__ == "__main__":
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
            from django.core.management import execute_from_command_line

            execute_from_command_line(sys.argv)
    ''',
    "src/mysite/__init__.py": "",
    "src/mysite/settings/__init__.py": '''
        import os

        from .base import *

        if os.environ.get("DJANGO_ENV") == "production":
            from .production import *
    ''',
    "src/mysite/settings/base.py": '''
        MIDDLEWARE = [
            "django.middleware.security.SecurityMiddleware",
            "orders.middleware.TenantMiddleware",  # planted: DJA601
        ]
        DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "mysite", "CONN_MAX_AGE": 0}}
    ''',
    "src/mysite/settings/production.py": '''
        from .base import *

        CONN_MAX_AGE = None
        DATABASES["default"]["CONN_MAX_AGE"] = CONN_MAX_AGE  # planted: DJA602
    ''',
    "src/mysite/asgi.py": "from django.core.asgi import get_asgi_application\n\napplication = get_asgi_application()\n",
    "src/orders/__init__.py": "",
    "src/orders/middleware.py": '''
        class TenantMiddleware:
            def __init__(self, get_response):
                self.get_response = get_response

            def __call__(self, request):
                return self.get_response(request)
    ''',
    "src/orders/views.py": '''
        from django.contrib.auth.decorators import login_required
        from django.http import JsonResponse
        from django.views import View

        from orders.models import Order


        @login_required  # planted: DJA403
        async def order_list(request):
            return JsonResponse({"n": await Order.objects.acount()})


        class OrderView(View):  # planted: DJA402
            async def get(self, request, pk):
                return JsonResponse({"id": (await Order.objects.aget(pk=pk)).pk})

            def delete(self, request, pk):
                Order.objects.filter(pk=pk).delete()
                return JsonResponse({})
    ''',
    "deploy/k8s/web.yaml": '''
        spec:
          containers:
            - name: web
              command: ["uvicorn", "mysite.asgi:application"]
              env:
                - name: DJANGO_ALLOW_ASYNC_UNSAFE  # planted: DJA604
                  value: "1"
    ''',
}


def test_a_src_layout_with_a_conditional_settings_package_has_each_planted_bug_found(tmp_path):
    project = tmp_path / "mysite"
    for relative, text in SRC_LAYOUT.items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    assert found(project) == planted(project)
