"""Each runtime violation maps to the static rule that describes it, and takes its fix from it."""

import pytest

from verify.analysis.registry import get_rule
from verify.runtime.detector import BLOCKING, SYNC_ONLY, LibraryFrame, Violation
from verify.runtime.hints import fix_hint, logging_handler, rule_code
from verify.runtime.project_code import ProjectFrame

SITE = "/venv/lib/python3.13/site-packages"
STDLIB = "/usr/lib/python3.13"


def violation(kind, call, *frames):
    """A violation whose project line called through ``frames`` (module, qualname, filename)."""
    return Violation(
        kind=kind,
        call=call,
        where=ProjectFrame("/project/shop/views.py", 10, "shop.views.checkout", "..."),
        entry="shop.views.checkout",
        request=None,
        library_path=tuple(LibraryFrame(*frame) for frame in frames),
    )


@pytest.mark.parametrize(
    ("call", "frames", "code"),
    [
        ("time.sleep", [], "DJA302"),
        ("socket.socket.connect", [("requests.api", "get", f"{SITE}/requests/api.py")], "DJA301"),
        ("socket.socket.connect", [("django.core.mail", "send_mail", f"{SITE}/django/core/mail/__init__.py")], "DJA306"),
        ("os.read", [("subprocess", "run", f"{STDLIB}/subprocess.py")], "DJA304"),
        ("socket.socket.sendall", [("redis.client", "Redis.get", f"{SITE}/redis/client.py")], "DJA309"),
        (
            "socket.socket.sendall",
            [
                ("django.core.cache.backends.redis", "RedisCache.get", f"{SITE}/django/core/cache/backends/redis.py"),
                ("redis.client", "Redis.get", f"{SITE}/redis/client.py"),
            ],
            "DJA307",  # the project called the cache, which happens to use redis
        ),
        (
            "socket.socket.connect",
            [
                ("stripe._charge", "Charge.create", f"{SITE}/stripe/_charge.py"),
                ("requests.api", "request", f"{SITE}/requests/api.py"),
            ],
            "DJA309",  # the project called Stripe's SDK, which happens to use requests
        ),
        ("io.TextIOWrapper.read", [], "DJA303"),
        ("socket.socket.connect", [], "DJA305"),
        ("builtins.input", [], "DJA310"),
    ],
)
def test_blocking_calls(call, frames, code):
    assert rule_code(violation(BLOCKING, call, *frames)) == code


@pytest.mark.parametrize(
    ("frames", "code"),
    [
        ([("django.db.models.query", "QuerySet.count", f"{SITE}/django/db/models/query.py")], "DJA102"),
        ([("django.db.models.query", "QuerySet.__iter__", f"{SITE}/django/db/models/query.py")], "DJA103"),
        ([("django.db.models.query", "QuerySet.__len__", f"{SITE}/django/db/models/query.py")], "DJA103"),
        (
            [
                ("django.db.models.query", "QuerySet.get", f"{SITE}/django/db/models/query.py"),
                ("django.db.models.query", "QuerySet.__len__", f"{SITE}/django/db/models/query.py"),
            ],
            "DJA102",  # get() evaluates through __len__, but the project called get()
        ),
        (
            [
                ("django.db.models.fields.related_descriptors", "ForwardManyToOneDescriptor.__get__",
                 f"{SITE}/django/db/models/fields/related_descriptors.py"),
            ],
            "DJA106",
        ),
        (
            [
                ("django.contrib.auth.middleware", "get_user", f"{SITE}/django/contrib/auth/middleware.py"),
                ("django.contrib.sessions.backends.db", "SessionStore.load",
                 f"{SITE}/django/contrib/sessions/backends/db.py"),
            ],
            "DJA107",  # request.user loads the session too: the user is the cause
        ),
        ([("django.contrib.sessions.backends.base", "SessionBase.__getitem__",
           f"{SITE}/django/contrib/sessions/backends/base.py")], "DJA108"),
        ([("django.shortcuts", "get_object_or_404", f"{SITE}/django/shortcuts.py")], "DJA110"),
        ([("django.shortcuts", "render", f"{SITE}/django/shortcuts.py"),
          ("django.template.base", "Template.render", f"{SITE}/django/template/base.py")], "DJA201"),
        ([("django.template.loader", "render_to_string", f"{SITE}/django/template/loader.py")], "DJA201"),
        ([("django.db.backends.utils", "CursorWrapper.execute", f"{SITE}/django/db/backends/utils.py")], "DJA114"),
    ],
)
def test_synchronous_only_operations(frames, code):
    assert rule_code(violation(SYNC_ONLY, "?", *frames)) == code


HTTPX_SEND = ("httpx2._client", "AsyncClient.send", f"{SITE}/httpx2/_client.py", True)
FILE_HANDLER = [
    ("logging", "Logger.info", f"{STDLIB}/logging/__init__.py"),
    ("logging", "Handler.handle", f"{STDLIB}/logging/__init__.py"),
    ("logging", "FileHandler.emit", f"{STDLIB}/logging/__init__.py"),
    ("logging", "StreamHandler.emit", f"{STDLIB}/logging/__init__.py"),
]


def test_a_log_write_under_an_awaited_http_call_is_blamed_on_logging_not_on_http():
    logged = violation(BLOCKING, "io.TextIOWrapper.write", HTTPX_SEND, *FILE_HANDLER)
    assert rule_code(logged) is None  # no static rule: the report gives logging's own advice
    assert logging_handler(logged) == "logging.FileHandler.emit"


def test_a_file_write_under_an_awaited_call_is_file_io_not_the_awaited_library():
    write = ("myplugin.hooks", "write_audit_line", f"{SITE}/myplugin/hooks.py")
    assert rule_code(violation(BLOCKING, "io.TextIOWrapper.write", HTTPX_SEND, write)) == "DJA303"


def test_a_sync_client_called_from_an_awaited_library_is_still_named():
    # An async helper library that calls requests synchronously: requests did the blocking.
    async_helper = ("helpers.api", "fetch", f"{SITE}/helpers/api.py", True)
    sync_call = ("requests.api", "get", f"{SITE}/requests/api.py")
    assert rule_code(violation(BLOCKING, "socket.socket.connect", async_helper, sync_call)) == "DJA301"


def test_the_fix_comes_from_the_rules_documentation():
    hint = fix_hint("DJA302")
    rule = get_rule("DJA302")
    assert (hint.name, hint.summary, hint.use_instead) == (rule.name, rule.summary, rule.section("Use instead"))
    assert "asyncio.sleep" in hint.use_instead


def test_no_hint_for_an_unknown_rule():
    assert fix_hint("DJA999") is None
    assert fix_hint(None) is None
