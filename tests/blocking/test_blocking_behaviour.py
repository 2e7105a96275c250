"""What the DJA3xx rules report and what they leave alone, one behaviour per test."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from verify.api import check_source
from verify.analysis.blocking import async_http_client, code_for


def blocking(code: str, version=(6, 1)) -> list:
    return check_source(textwrap.dedent(code), "shop/views.py", target_version=version, select=["DJA3"])


def codes(code: str, version=(6, 1)) -> list[str]:
    return [finding.code for finding in blocking(code, version)]


@pytest.mark.parametrize("imports, call", [
    ("import requests as r", "r.get(url)"),
    ("from requests import post", "post(url)"),
    ("from requests import api", "api.get(url)"),
    ("import httpx2 as httpx", "httpx.get(url)"),
])
def test_http_calls_are_found_through_aliases(imports: str, call: str) -> None:
    assert codes(f"{imports}\n\nasync def view(request, url):\n    {call}\n") == ["DJA301"]


def test_clients_created_in_the_function_or_the_module_are_tracked() -> None:
    assert codes("""
        import boto3, httpx2, redis
        cache_client = redis.StrictRedis()

        async def view(request):
            s3 = boto3.client("s3")
            s3.put_object(Bucket="b", Key="k", Body=b"")
            c = httpx2.Client()
            c.post("https://example.com")
            cache_client.set("k", 1)
    """) == ["DJA309", "DJA301", "DJA309"]


def test_a_name_rebound_to_something_else_is_no_longer_a_client() -> None:
    assert codes("""
        import httpx2
        client = httpx2.Client()

        async def view(request):
            client = httpx2.AsyncClient()
            response = await client.get("https://example.com")
            return response.json()
    """) == []


@pytest.mark.parametrize("call", [
    "await asyncio.to_thread(open, 'f')",
    "await asyncio.to_thread(time.sleep, 1)",
    "await sync_to_async(requests.get)(url)",
    "await asyncio.get_running_loop().run_in_executor(None, lambda: requests.get(url))",
    "await client.get(url)",
])
def test_calls_handed_to_a_thread_or_awaited_are_not_reported(call: str) -> None:
    assert codes(f"""
        import asyncio, time, requests, httpx2
        from asgiref.sync import sync_to_async

        async def view(request, url):
            async with httpx2.AsyncClient() as client:
                {call}
    """) == []


def test_nested_helpers_and_sync_functions_are_sync_context() -> None:
    assert codes("""
        import time, requests
        from asgiref.sync import sync_to_async

        def legacy(request):
            time.sleep(1)

        async def view(request):
            def fetch():
                return requests.get("https://example.com").json()
            return await sync_to_async(fetch)()
    """) == []


def test_dict_get_request_get_and_response_json_are_not_cache_or_http_calls() -> None:
    assert codes("""
        import httpx2
        from django.core.cache import cache

        async def view(request):
            data = {"a": 1}
            async with httpx2.AsyncClient() as client:
                response = await client.get("https://example.com")
            return [data.get("a"), request.GET.get("q"), response.json(), request.headers.get("x")]
    """) == []


def test_only_djangos_cache_is_the_cache() -> None:
    assert codes("""
        from myapp.memo import cache

        async def view(request):
            return cache.get("k")
    """) == []


@pytest.mark.parametrize("method", ["get", "set", "get_or_set", "delete", "incr", "get_many", "touch"])
def test_cache_hints_name_the_async_twin(method: str) -> None:
    [finding] = blocking(f"""
        from django.core.cache import caches

        async def view(request):
            caches["sessions"].{method}("k")
    """)
    assert finding.code == "DJA307"
    assert f'await caches["sessions"].a{method}(' in finding.hint


def test_http_hint_defaults_to_httpx2_never_plain_httpx() -> None:
    [finding] = blocking("import requests\n\nasync def view(request):\n    requests.get('https://example.com')\n")
    assert "httpx2.AsyncClient" in finding.hint


@pytest.mark.parametrize("requirements, client", [
    ("django>=5.2\naiohttp>=3.9\n", "aiohttp.ClientSession"),
    ("django>=5.2\naiohttp>=3.9\nhttpx2>=2.16\n", "httpx2.AsyncClient"),
    # The project's own client, as init names it (init adds that httpx2 is httpx's maintained fork).
    ("django>=5.2\nhttpx>=0.27\n", "httpx.AsyncClient"),
    ("django>=5.2\n", "httpx2.AsyncClient"),
])
def test_the_recommended_http_client_is_the_one_the_project_depends_on(tmp_path: Path, requirements: str, client: str) -> None:
    (tmp_path / "requirements.txt").write_text(requirements)
    assert async_http_client(tmp_path) == client


def test_the_client_the_code_imports_outweighs_a_declared_one(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("django>=5.2\naiohttp>=3.9\n")
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "views.py").write_text("import httpx\n")
    assert async_http_client(tmp_path) == "httpx.AsyncClient"


def test_email_hint_offers_a_task_from_django_6_only() -> None:
    source = "from django.core.mail import send_mail\n\nasync def view(request):\n    send_mail('s', 'm', None, ['a'])\n"
    [on_61] = blocking(source, (6, 1))
    [on_52] = blocking(source, (5, 2))
    assert "aenqueue" in on_61.hint and "sync_to_async(send_mail)" in on_61.hint
    assert "aenqueue" not in on_52.hint and "sync_to_async(send_mail)" in on_52.hint


def test_check_password_hint_uses_acheck_password_from_django_5() -> None:
    source = """
        async def view(request):
            user = await request.auser()
            user.check_password(request.POST["password"])
    """
    [on_50] = blocking(source, (5, 0))
    [on_42] = blocking(source, (4, 2))
    assert "await user.acheck_password(" in on_50.hint
    assert "thread_sensitive=False" in on_42.hint


def test_set_password_hint_runs_the_hash_off_the_loop() -> None:
    [finding] = blocking("async def view(request, user):\n    user.set_password('x')\n")
    assert finding.code == "DJA308"
    assert "sync_to_async(user.set_password, thread_sensitive=False)" in finding.hint


def test_file_objects_from_open_and_paths_are_tracked() -> None:
    assert codes("""
        from pathlib import Path

        async def view(request):
            report = Path("/srv") / "report.txt"
            with report.open() as handle:
                handle.read()
            report.with_suffix(".bak").unlink()
            report.name
    """) == ["DJA303", "DJA303", "DJA303"]


def test_a_file_pragma_adds_a_blocking_call() -> None:
    [finding] = blocking("""
        # django-async-kit: blocking-call legacy.sdk.* -> use legacy.aio
        from legacy import sdk

        async def view(request):
            sdk.fetch_all()
    """)
    assert (finding.code, finding.hint) == ("DJA311", "use legacy.aio")


def test_noqa_silences_one_line() -> None:
    assert codes("import time\n\nasync def view(request):\n    time.sleep(1)  # noqa: DJA302\n") == []


def test_a_local_annotated_with_a_sync_client_is_one() -> None:
    assert codes("""
        import httpx2

        async def view(request, make_client):
            client: httpx2.Client = make_client()
            client.get("https://example.com")
    """) == ["DJA301"]


def test_async_with_and_async_for_calls_return_async_objects() -> None:
    assert codes("""
        import aiohttp
        import urllib3

        async def view(request, session: aiohttp.ClientSession):
            async with session.request("GET", "https://example.com") as response:
                body = await response.text()
            async for line in session.request("GET", "https://example.com/lines"):
                print(line)
            return body
    """) == []


def test_urllib3_style_request_is_reported_when_urllib3_is_imported() -> None:
    assert codes("""
        import urllib3

        async def view(request, pool):
            pool.request("GET", "https://example.com")
    """) == ["DJA301"]


def test_a_socket_set_to_non_blocking_mode_does_not_block() -> None:
    assert codes("""
        import asyncio, socket

        async def probe(host, port):
            sock = socket.socket()
            sock.setblocking(False)
            await asyncio.get_running_loop().sock_connect(sock, (host, port))
            sock.send(b"ping")
            blocking = socket.socket()
            blocking.send(b"ping")
    """) == ["DJA305"]


def test_a_socket_call_that_handles_blocking_io_error_is_non_blocking() -> None:
    assert codes("""
        import socket

        async def connect(raw_socket: socket.socket, path):
            try:
                raw_socket.connect(path)
            except BlockingIOError:
                pass
    """) == []


@pytest.mark.parametrize("name, code", [
    ("time.sleep", "DJA302"),
    ("builtins.input", "DJA310"),
    ("socket.socket.connect", "DJA305"),
    ("requests.Session.get", "DJA301"),
    ("io.TextIOWrapper.read", "DJA303"),
    ("sqlite3.Connection.execute", "DJA309"),
    ("sqlite3.Cursor.fetchall", "DJA309"),
    ("os.path.join", None),
    ("requests.Session.close", None),
])
def test_code_for_names_the_rule_of_a_qualified_call(name: str, code: str | None) -> None:
    assert code_for(name) == code


def test_django_redis_cache_extensions_have_no_async_twin() -> None:
    [finding] = blocking("""
        from django.core.cache import cache

        async def view(request):
            cache.delete_pattern("product:*")
    """)
    assert finding.code == "DJA307"
    assert "await sync_to_async(cache.delete_pattern)(" in finding.hint


def test_a_client_of_the_enclosing_view_is_tracked_in_a_nested_async_function() -> None:
    assert codes("""
        import asyncio, httpx2

        async def dashboard(request):
            client = httpx2.Client()

            async def fetch(url):
                return client.get(url).json()

            return await asyncio.gather(fetch("https://a.example.com"), fetch("https://b.example.com"))
    """) == ["DJA301"]


def test_a_local_function_named_like_a_builtin_shadows_it() -> None:
    assert codes("""
        async def view(request):
            def open(name):
                return name.upper()

            return open("x")
    """) == []


def test_async_with_on_a_sync_file_is_still_reported() -> None:
    assert codes("""
        async def view(request):
            async with open("/srv/report.txt") as report:
                return report
    """) == ["DJA303"]


def test_an_annotated_parameter_of_the_enclosing_function_is_tracked() -> None:
    assert codes("""
        from io import TextIOWrapper

        def make_reader(handle: TextIOWrapper):
            async def read_all():
                return handle.read()
            return read_all
    """) == ["DJA303"]


@pytest.mark.parametrize("setup, call", [
    ("from google import genai\nclient = genai.Client()", "client.models.generate_content(model='m', contents='x')"),
    ("import stripe\nclient = stripe.StripeClient('sk')", "client.payment_intents.create(params={})"),
    ("from twilio.rest import Client\nclient = Client('sid', 'token')", "client.messages.create(to='+1', body='x')"),
    ("import sendgrid\nclient = sendgrid.SendGridAPIClient('key')", "client.send(message)"),
    ("from slack_sdk import WebClient\nclient = WebClient(token='t')", "client.chat_postMessage(channel='c', text='x')"),
    ("from requests_cache import CachedSession\nclient = CachedSession()", "client.get('https://example.com')"),
])
def test_sync_service_sdk_clients_are_reported(setup: str, call: str) -> None:
    assert len(codes(f"{setup}\n\nasync def view(request, message):\n    {call}\n")) == 1


@pytest.mark.parametrize("setup, call", [
    ("from google import genai\nclient = genai.Client()", "await client.aio.models.generate_content(model='m', contents='x')"),
    ("import stripe\nclient = stripe.StripeClient('sk')", "await client.payment_intents.create_async(params={})"),
    ("from openai import AsyncOpenAI\nclient = AsyncOpenAI()", "(await client.chat.completions.create(model='m', messages=[])).model_dump()"),
])
def test_async_service_sdk_calls_are_not_reported(setup: str, call: str) -> None:
    assert codes(f"{setup}\n\nasync def view(request):\n    {call}\n") == []


def test_in_memory_file_work_is_not_reported() -> None:
    assert codes("""
        import io, shutil, zipfile

        async def bundle(request):
            buffer = io.BytesIO()
            shutil.copyfileobj(request.FILES["file"], buffer)
            with zipfile.ZipFile(buffer, "a") as archive:
                archive.writestr("note.txt", "hello")
            return buffer.getvalue()
    """) == []


def test_a_sync_helper_called_from_async_code_is_reported_at_the_call() -> None:
    [finding] = blocking("""
        from django.core.mail import send_mail

        def notify(email):
            send_mail("Shipped", "Your order shipped", None, [email])

        async def ship(request):
            notify(request.POST["email"])
    """)
    assert (finding.code, finding.line) == ("DJA306", 8)


def test_a_sync_generator_handed_to_a_streaming_response_is_not_reported() -> None:
    assert codes("""
        from django.http import StreamingHttpResponse

        def rows(path):
            with open(path) as handle:
                yield from handle

        async def export(request):
            return StreamingHttpResponse(rows("/srv/export.csv"), content_type="text/csv")
    """) == []


def test_calls_handed_to_gather_are_used_as_coroutines() -> None:
    assert codes("""
        import asyncio, httpx2, urllib3

        async def view(request, paths):
            async with httpx2.AsyncClient() as client:
                responses = await asyncio.gather(client.request("GET", "https://a"), client.request("GET", "https://b"))
            texts = await asyncio.gather(*(path.read_text() for path in paths))
            return responses, texts
    """) == []


def test_a_sync_call_handed_to_gather_still_blocks() -> None:
    assert codes("""
        import asyncio, requests

        async def view(request):
            return await asyncio.gather(requests.get("https://a"))
    """) == ["DJA301"]


def test_a_cache_set_on_the_view_class_is_the_cache() -> None:
    assert codes("""
        from django.core.cache import caches
        from django.views import View

        class StatsView(View):
            store = caches["stats"]

            async def get(self, request):
                return self.store.get("hits")
    """) == ["DJA307"]
