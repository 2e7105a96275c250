"""``verify --fix``: each fix gives exactly the code its hint describes and changes nothing else;
correct look-alike code gets no fix; the command line applies, shows and reports them."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from verify.api import check_source
from verify.pipeline.fixing import fix_source

MODELS = '''from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=10)
'''


def fixed(body: str, *, version=(6, 1), unsafe: bool = False, head: str = "") -> str:
    """``body`` (the lines of an async view) after one round of fixes."""
    source = head + MODELS + "\n\nasync def view(request, pk):\n" + body
    findings = [f for f in check_source(source, target_version=version) if f.fix and (unsafe or not f.fix.unsafe)]
    result = fix_source("views.py", source, findings)
    assert not result.broken
    after = result.after
    assert after.startswith(head + MODELS)
    return after[len(head + MODELS + "\n\nasync def view(request, pk):\n"):]


def remaining(source_body: str, version=(6, 1)) -> list[str]:
    source = MODELS + "\n\nasync def view(request, pk):\n" + source_body
    return [f.code for f in check_source(source, target_version=version)]


@pytest.mark.parametrize(("before", "after"), [
    ("    product = Product.objects.get(id=pk)  # the product\n", "    product = await Product.objects.aget(id=pk)  # the product\n"),
    ("    n = Product.objects.filter(name='a  b').count()\n", "    n = await Product.objects.filter(name='a  b').acount()\n"),
    ("    return Product.objects.filter(pk=pk).exists()\n", "    return await Product.objects.filter(pk=pk).aexists()\n"),
    ("    name = Product.objects.first().name\n", "    name = (await Product.objects.afirst()).name\n"),
    ("    Product.objects.last()\n", "    await Product.objects.alast()\n"),
    ("    Product.objects.create(name='x')\n", "    await Product.objects.acreate(name='x')\n"),
    ("    Product.objects.filter(pk=pk).update(name='y')\n", "    await Product.objects.filter(pk=pk).aupdate(name='y')\n"),
    ("    Product.objects.filter(pk=pk).delete()\n", "    await Product.objects.filter(pk=pk).adelete()\n"),
    ("    product = Product.objects.get(\n        id=pk,  # keep\n    )\n", "    product = await Product.objects.aget(\n        id=pk,  # keep\n    )\n"),
])
def test_sync_orm_call_becomes_its_awaited_twin(before: str, after: str) -> None:
    assert fixed(before) == after
    assert remaining(after) == []


@pytest.mark.parametrize(("before", "after"), [
    ("    product = Product.objects.aget(id=pk)\n    return product.name\n",
     "    product = await Product.objects.aget(id=pk)\n    return product.name\n"),
    ("    Product.objects.acreate(name='x')\n", "    await Product.objects.acreate(name='x')\n"),
    ("    if Product.objects.filter(pk=pk).aexists():\n        return 1\n",
     "    if await Product.objects.filter(pk=pk).aexists():\n        return 1\n"),
])
def test_missing_await_on_a_django_coroutine_is_added(before: str, after: str) -> None:
    assert fixed(before) == after
    assert remaining(after) == []


def test_missing_await_on_a_project_coroutine_is_an_unsafe_fix() -> None:
    body = "    x = helper()\n    return x.name\n\n\nasync def helper():\n    return 1\n"
    assert fixed(body) == body
    assert fixed(body, unsafe=True).startswith("    x = await helper()\n")


@pytest.mark.parametrize(("before", "after"), [
    ("    for p in Product.objects.all():  # each\n        print(p)\n", "    async for p in Product.objects.all():  # each\n        print(p)\n"),
    ("    return [p.name for p in Product.objects.all()]\n", "    return [p.name async for p in Product.objects.all()]\n"),
    ("    return {p.pk: p for p in Product.objects.all() if p.name}\n", "    return {p.pk: p async for p in Product.objects.all() if p.name}\n"),
    ("    return {p.name for p in Product.objects.all()}\n", "    return {p.name async for p in Product.objects.all()}\n"),
    ("    return list(Product.objects.filter(\n        name='x',  # keep\n    ))\n",
     "    return [obj async for obj in Product.objects.filter(\n        name='x',  # keep\n    )]\n"),
    ("    obj = 1\n    return list(Product.objects.filter(pk=obj))\n",
     "    obj = 1\n    return [item async for item in Product.objects.filter(pk=obj)]\n"),
])
def test_queryset_iteration_becomes_async(before: str, after: str) -> None:
    assert fixed(before) == after
    assert remaining(after) == []


def test_time_sleep_becomes_asyncio_sleep_and_asyncio_is_imported_once() -> None:
    head = '"""Views."""\nfrom __future__ import annotations\n\nimport time\n'
    source = head + MODELS + "\n\nasync def view(request, pk):\n    time.sleep(1)\n    time.sleep(2)\n"
    findings = [f for f in check_source(source) if f.fix]
    result = fix_source("views.py", source, findings)
    assert result.after == source.replace("import time\n", "import asyncio\nimport time\n").replace(
        "    time.sleep(1)\n    time.sleep(2)\n", "    await asyncio.sleep(1)\n    await asyncio.sleep(2)\n")
    assert check_source(result.after) == []


def test_time_sleep_with_asyncio_imported_adds_no_import() -> None:
    head = "import asyncio\nfrom time import sleep\n"
    assert fixed("    sleep(0.5)\n", head=head) == "    await asyncio.sleep(0.5)\n"


@pytest.mark.parametrize("body", [
    "    return await Product.objects.aget(id=pk)\n",
    "    return sum(p.pk for p in Product.objects.all())\n",  # an async generator expression would break sum()
    "    return len(Product.objects.all())\n",  # acount() is a different query
    "    for p in Product.objects.all().iterator():\n        print(p)\n",
    "    async for p in Product.objects.all():\n        print(p)\n",
    "    def inner():\n        return Product.objects.get(id=pk)\n    return inner\n",
])
def test_no_fix_for_correct_code_or_where_the_hint_is_not_mechanical(body: str) -> None:
    assert fixed(body) == body


def test_no_twin_fix_before_the_version_that_has_it() -> None:
    head = "from django.contrib.auth.models import User\n"
    body = "    return User.objects.create_user('ann', password='x')\n"
    assert fixed(body, version=(5, 1), head=head) == body
    assert fixed(body, version=(5, 2), head=head) == "    return await User.objects.acreate_user('ann', password='x')\n"


def test_nested_fixes_edit_apart_and_combine() -> None:
    body = "    return list(Product.objects.filter(pk=Product.objects.get(id=pk).pk))\n"
    assert fixed(body) == "    return [obj async for obj in Product.objects.filter(pk=(await Product.objects.aget(id=pk)).pk)]\n"


def test_overlapping_fixes_wait_for_the_next_round_and_shared_edits_apply_once() -> None:
    from verify.analysis.finding import Edit, Finding, Fix

    source = "a = 1\nb = 2\n"
    first = Finding("v.py", 1, 1, 1, 2, "DJA102", "n", "m", fix=Fix((Edit((1, 0), (1, 5), "a = 3"),)))
    overlapping = Finding("v.py", 1, 5, 1, 6, "DJA102", "n", "m", fix=Fix((Edit((1, 4), (1, 5), "4"),)))
    shared = Edit((1, 0), (1, 0), "import asyncio\n")
    one = Finding("v.py", 2, 1, 2, 2, "DJA302", "n", "m", fix=Fix((shared, Edit((2, 0), (2, 1), "c"))))
    two = Finding("v.py", 2, 5, 2, 6, "DJA302", "n", "m", fix=Fix((shared, Edit((2, 4), (2, 5), "5"))))
    result = fix_source("v.py", source, [first, overlapping, one, two])
    assert result.after == "import asyncio\na = 3\nc = 5\n"
    assert result.fixed == [first, one, two]


def test_a_fix_that_would_not_parse_is_dropped_and_reported() -> None:
    from verify.analysis.finding import Edit, Finding, Fix

    source = "x = 1\ny = 2\n"
    bad = Finding("v.py", 1, 1, 1, 2, "DJA102", "n", "m", fix=Fix((Edit((1, 0), (1, 1), "("),)))
    good = Finding("v.py", 2, 1, 2, 2, "DJA102", "n", "m", fix=Fix((Edit((2, 0), (2, 1), "z"),)))
    result = fix_source("v.py", source, [bad, good])
    assert result.after == "x = 1\nz = 2\n"
    assert result.fixed == [good] and result.broken == [bad]


def test_a_fix_that_would_not_compile_is_dropped() -> None:
    from verify.analysis.finding import Edit, Finding, Fix

    source = "def f():\n    return g()\n"
    outside_async = Finding("v.py", 2, 12, 2, 15, "DJA101", "n", "m", fix=Fix((Edit((2, 11), (2, 11), "await "),)))
    result = fix_source("v.py", source, [outside_async])
    assert result.after == source and result.broken == [outside_async]


def test_noqa_findings_get_no_fix() -> None:
    body = "    return Product.objects.get(id=pk)  # noqa: DJA102\n"
    assert fixed(body) == body


# -- the command line ------------------------------------------------------------------------------

VIEW = MODELS + '''

async def view(request, pk):
    product = Product.objects.get(id=pk)
    request.user.is_staff
    return product
'''


def run(*args, cwd: Path):
    return subprocess.run([sys.executable, "-m", "verify", "--no-cache", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ})


@pytest.fixture
def views(tmp_path) -> Path:
    path = tmp_path / "views.py"
    path.write_text(VIEW)
    return path


def test_fix_writes_the_safe_fixes_and_reports_what_is_left(views: Path) -> None:
    result = run("--fix", "--target-version", "6.1", "views.py", cwd=views.parent)
    assert views.read_text() == VIEW.replace("Product.objects.get(", "await Product.objects.aget(")
    assert "fixed views.py: DJA102" in result.stderr and "1 fixed, 1 left" in result.stderr
    assert "DJA107" in result.stdout and "DJA102" not in result.stdout
    assert result.returncode == 1
    again = run("--fix", "--target-version", "6.1", "views.py", cwd=views.parent)
    assert views.read_text() == VIEW.replace("Product.objects.get(", "await Product.objects.aget(")
    assert "0 fixed, 1 left" in again.stderr


def test_diff_prints_the_change_and_writes_nothing(views: Path) -> None:
    result = run("--diff", "--target-version", "6.1", "views.py", cwd=views.parent)
    assert views.read_text() == VIEW
    assert result.returncode == 1
    assert "--- a/views.py\n+++ b/views.py\n" in result.stdout
    assert "-    product = Product.objects.get(id=pk)\n+    product = await Product.objects.aget(id=pk)\n" in result.stdout
    views.write_text(VIEW.replace("Product.objects.get(", "await Product.objects.aget("))
    clean = run("--diff", "--target-version", "6.1", "views.py", cwd=views.parent)
    assert clean.returncode == 0 and clean.stdout == ""


def test_fix_respects_select(views: Path) -> None:
    run("--fix", "--select", "DJA3", "--target-version", "6.1", "views.py", cwd=views.parent)
    assert views.read_text() == VIEW


def test_unsafe_fixes_alone_is_a_usage_error(views: Path) -> None:
    result = run("--unsafe-fixes", "views.py", cwd=views.parent)
    assert result.returncode == 2 and "--unsafe-fixes needs --fix or --diff" in result.stderr


def test_fix_keeps_crlf_line_ends_and_mode(views: Path) -> None:
    views.write_bytes(VIEW.replace("\n", "\r\n").encode())
    views.chmod(0o640)
    run("--fix", "--target-version", "6.1", "views.py", cwd=views.parent)
    assert views.read_bytes() == VIEW.replace("Product.objects.get(", "await Product.objects.aget(").replace("\n", "\r\n").encode()
    assert views.stat().st_mode & 0o777 == 0o640


def test_fix_keeps_a_declared_encoding(views: Path) -> None:
    # A `coding: latin-1` file is read as Python reads it and written back in Latin-1.
    source = "# -*- coding: latin-1 -*-\n" + VIEW.replace("async def", "# caf\u00e9\nasync def", 1)
    views.write_bytes(source.encode("latin-1"))
    result = run("--fix", "--target-version", "6.1", "views.py", cwd=views.parent)
    assert "Traceback" not in result.stderr
    fixed = source.replace("Product.objects.get(", "await Product.objects.aget(")
    assert views.read_bytes() == fixed.encode("latin-1")


def test_fix_with_changed_fixes_only_the_changed_files(tmp_path: Path) -> None:
    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "--allow-empty", "-m", "start")
    (tmp_path / "old.py").write_text(VIEW)
    git("add", "old.py")
    git("-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "-m", "old")
    (tmp_path / "new.py").write_text(VIEW)
    run("--changed", "--fix", "--target-version", "6.1", cwd=tmp_path)
    assert (tmp_path / "old.py").read_text() == VIEW
    assert (tmp_path / "new.py").read_text() == VIEW.replace("Product.objects.get(", "await Product.objects.aget(")


REPO = Path(__file__).resolve().parents[2]
FIX_PAGES = (REPO / "README.md", REPO / "docs" / "verifier.md")
REPLAY = re.compile(r"<!-- fix-replay -->\n```console\n(.*?)```\n", re.DOTALL)


def sample_copy(tmp_path: Path) -> Path:
    project = tmp_path / "sample_project"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(REPO / "sample_project", project, ignore=shutil.ignore_patterns(".django-async-kit-cache", "__pycache__", "*.sqlite3"))
    return project


def replayed(block: str, tmp_path: Path) -> str:
    """The console block as its ``$ django-async-kit ...`` commands print it (stdout, then the
    summary on stderr) on a fresh copy of the sample project."""
    project = sample_copy(tmp_path)
    shown = []
    for command in re.findall(r"^\$ (.*)$", block, flags=re.MULTILINE):
        args = shlex.split(command)
        assert args[:2] == ["django-async-kit", "verify"], command
        result = run(*args[2:], cwd=project)
        shown.append(f"$ {command}\n{result.stdout}{result.stderr}")
    return "".join(shown)


def test_the_fix_walkthroughs_print_what_the_pages_show(tmp_path: Path) -> None:
    for page in FIX_PAGES:
        blocks = REPLAY.findall(page.read_text())
        assert blocks, f"{page.name} lost its --fix example"
        for block in blocks:
            assert replayed(block, tmp_path) == block, f"{page.name} is stale: replace the block with {replayed(block, tmp_path)!r}"


def test_the_fix_figure_is_measured(tmp_path: Path) -> None:
    import json

    project = sample_copy(tmp_path)
    before = len(json.loads(run("--format", "json", "ai_drafts/", cwd=project).stdout)["findings"])
    summary = run("--fix", "--unsafe-fixes", "ai_drafts/", cwd=project).stderr.strip().splitlines()[-1]
    fixed_count, left = re.fullmatch(r"(\d+) fixed, (\d+) left", summary).groups()
    figure = f"**{before} findings, {fixed_count} fixed, {left} left**"
    for page in FIX_PAGES:
        assert figure in page.read_text(), f"{page.name}: the figure is now {figure}"
    again = run("--fix", "--unsafe-fixes", "ai_drafts/", cwd=project)
    assert again.stderr.strip().splitlines()[-1] == f"0 fixed, {left} left"


def test_the_agent_stop_hook_says_to_run_fix_first() -> None:
    import json

    from verify.pipeline.output import agent_stop

    [finding] = [f for f in check_source(VIEW) if f.code == "DJA102"]
    reason = json.loads(agent_stop([finding], "django-async-kit verify --changed"))["reason"]
    assert reason.startswith("`django-async-kit verify --changed` found 1 problem in the async code you changed. "
                             "Run `django-async-kit verify --changed --fix` first: it applies the mechanical fixes.")


def test_get_object_or_404_becomes_its_awaited_twin_from_django_5_0() -> None:
    head = "from django.shortcuts import get_object_or_404\n"
    body = "    product = get_object_or_404(Product, pk=pk)\n    return product.name\n"
    assert fixed(body, version=(4, 2), head=head) == body
    source = head + MODELS + "\n\nasync def view(request, pk):\n" + body
    findings = [f for f in check_source(source, target_version=(5, 0)) if f.fix]
    after = fix_source("views.py", source, findings).after
    assert after == ("from django.shortcuts import aget_object_or_404\n" + source).replace(
        "    product = get_object_or_404(", "    product = await aget_object_or_404(")
    assert check_source(after, target_version=(5, 0)) == []


def test_cached_findings_keep_their_fixes(views: Path) -> None:
    first = run("--diff", "--target-version", "6.1", "views.py", cwd=views.parent)
    cached = subprocess.run([sys.executable, "-m", "verify", "--diff", "--target-version", "6.1", "views.py"], cwd=views.parent,
                            capture_output=True, text=True)
    again = subprocess.run([sys.executable, "-m", "verify", "--diff", "--target-version", "6.1", "views.py"], cwd=views.parent,
                           capture_output=True, text=True)
    assert first.stdout == cached.stdout == again.stdout != ""
    import json

    from verify.pipeline.cache import _valid_entry

    manifest = json.loads((views.parent / ".django-async-kit-cache" / "results.json").read_text())
    [entry] = [e for e in manifest["entries"].values() if e["path"].endswith("views.py")]
    assert _valid_entry(entry) and entry["findings"][0]["fix"]["edits"]  # kept, and read back as a hit


# -- the a-twins of sessions, auth, tasks, signals and the cache; awaited QuerySets ------------------

AUTH = "from django.contrib.auth import authenticate, login, logout\n"
CACHE = "from django.core.cache import cache, caches\n"
SIGNAL = "from django.dispatch import Signal\n\npaid = Signal()\n"
TASKS = "from django.tasks import task\n\n\n@task\ndef notify(pk):\n    return pk\n"


def check_fix(before: str, after: str, *, head: str = "", version=(6, 1), unsafe: bool = False) -> None:
    """``before`` becomes ``after``; a second run changes nothing; the finding is gone and no
    other comes; a ``# noqa`` on the line keeps it as it is."""
    assert fixed(before, head=head, version=version, unsafe=unsafe) == after
    again = fixed(after, head=head, version=version, unsafe=unsafe)
    assert again == after
    source = head + MODELS + "\n\nasync def view(request, pk):\n"
    assert check_source(source + after, target_version=version) == []
    silenced = "".join(line + "  # noqa\n" for line in before.splitlines())
    assert fixed(silenced, head=head, version=version, unsafe=unsafe) == silenced


def fixed_with_imports(body: str, head: str, *, version=(6, 1), unsafe: bool = False) -> str:
    """The whole module after the rounds of fixes (new imports go at its top)."""
    source = head + MODELS + "\n\nasync def view(request, pk):\n" + body
    for _ in range(4):
        findings = [f for f in check_source(source, target_version=version) if f.fix and (unsafe or not f.fix.unsafe)]
        if not findings:
            break
        result = fix_source("views.py", source, findings)
        assert not result.broken
        source = result.after
    return source


@pytest.mark.parametrize(("before", "after"), [
    ("    items = request.session.get('cart', [])  # the cart\n", "    items = await request.session.aget('cart', [])  # the cart\n"),
    ("    request.session.pop('cart')\n", "    await request.session.apop('cart')\n"),
    ("    return request.session.setdefault('n', 0)\n", "    return await request.session.asetdefault('n', 0)\n"),
    ("    request.session.flush()\n", "    await request.session.aflush()\n"),
    ("    request.session.cycle_key()\n", "    await request.session.acycle_key()\n"),
    ("    return request.session.keys()\n", "    return await request.session.akeys()\n"),
    ("    request.session['cart'] = [pk]  # keep\n", "    await request.session.aset('cart', [pk])  # keep\n"),
    ("    request.session[\n        'cart'\n    ] = [\n        pk,\n    ]\n", "    await request.session.aset('cart', [\n        pk,\n    ])\n"),
    ("    del request.session['cart']\n", "    await request.session.apop('cart')\n"),
    ("    return 'cart' in request.session\n", "    return await request.session.ahas_key('cart')\n"),
    ("    return 'cart' not in request.session\n", "    return not await request.session.ahas_key('cart')\n"),
    ("    return pk and 'cart' in request.session\n", "    return pk and await request.session.ahas_key('cart')\n"),
])
def test_session_access_becomes_the_awaited_async_method(before: str, after: str) -> None:
    check_fix(before, after)


def test_reading_a_session_key_is_an_unsafe_fix() -> None:
    # session['k'] raises KeyError for a missing key; aget gives None.
    body = "    return request.session['cart']\n"
    assert fixed(body) == body
    check_fix(body, "    return await request.session.aget('cart')\n", unsafe=True)
    assert fixed("    n = request.session['n'].count\n", unsafe=True) == "    n = (await request.session.aget('n')).count\n"


@pytest.mark.parametrize("body", [
    "    request.session['n'] += 1\n",  # read and written: not one call
    "    request.session.clear()\n",  # runs no query: not a finding
    "    def inner():\n        return request.session.get('cart')\n    return inner\n",
])
def test_session_look_alikes_get_no_fix(body: str) -> None:
    assert fixed(body, unsafe=True) == body


def test_session_fixes_start_with_django_5_1() -> None:
    body = "    return request.session.get('cart')\n"
    assert fixed(body, version=(5, 0), unsafe=True) == body
    assert fixed(body, version=(5, 1)) == "    return await request.session.aget('cart')\n"


def test_auth_functions_become_their_awaited_twins_with_their_imports() -> None:
    body = ("    user = authenticate(request, username='a', password='b')  # who\n"
            "    if user is not None:\n        login(request, user)\n    logout(request)\n")
    after = fixed_with_imports(body, AUTH)
    assert after.endswith("async def view(request, pk):\n"
                          "    user = await aauthenticate(request, username='a', password='b')  # who\n"
                          "    if user is not None:\n        await alogin(request, user)\n    await alogout(request)\n")
    imports = after.split("from django.contrib.auth import authenticate")[0]
    assert sorted(imports.splitlines()) == [f"from django.contrib.auth import {name}" for name in ("aauthenticate", "alogin", "alogout")]
    assert check_source(after) == []
    assert fixed_with_imports(after.split(MODELS)[1].split("):\n", 1)[1], after.split(MODELS)[0]) == after  # idempotent


def test_auth_module_attribute_calls_are_renamed_in_place() -> None:
    check_fix("    auth.logout(request)  # bye\n", "    await auth.alogout(request)  # bye\n", head="from django.contrib import auth\n")


def test_auth_fixes_start_with_django_5_0_and_keep_a_name_bound_elsewhere() -> None:
    body = "    logout(request)\n"
    assert fixed(body, head=AUTH, version=(4, 2)) == body
    assert fixed(body, head=AUTH + "\n\ndef alogout(request):\n    return 1\n") == body  # `alogout` is the module's own function


def test_task_enqueue_becomes_aenqueue() -> None:
    check_fix("    notify.enqueue(pk)  # later\n", "    await notify.aenqueue(pk)  # later\n", head=TASKS)


def test_signal_send_becomes_asend_from_django_5_0() -> None:
    check_fix("    paid.send(sender=None, pk=pk)\n", "    await paid.asend(sender=None, pk=pk)\n", head=SIGNAL)
    check_fix("    return paid.send_robust(sender=None)\n", "    return await paid.asend_robust(sender=None)\n", head=SIGNAL)
    body = "    paid.send(sender=None)\n"
    assert fixed(body, head=SIGNAL, version=(4, 2)) == body


@pytest.mark.parametrize(("before", "after"), [
    ("    stats = cache.get('stats')  # cached\n", "    stats = await cache.aget('stats')  # cached\n"),
    ("    cache.set('stats', 1, timeout=60)\n", "    await cache.aset('stats', 1, timeout=60)\n"),
    ("    return cache.get_or_set('stats', dict)\n", "    return await cache.aget_or_set('stats', dict)\n"),
    ("    caches['default'].delete('stats')\n", "    await caches['default'].adelete('stats')\n"),
    ("    return cache.get_many(['a']).get('a')\n", "    return (await cache.aget_many(['a'])).get('a')\n"),
])
def test_cache_calls_become_their_awaited_twins(before: str, after: str) -> None:
    check_fix(before, after, head=CACHE)


def test_cache_look_alikes_get_no_fix() -> None:
    body = "    cache = {}\n    return cache.get('stats')\n"
    assert fixed(body, head=CACHE) == body  # a dict called cache: no finding
    redis = "    return cache.ttl('stats')\n"  # django-redis: no a-twin
    assert fixed(redis, head=CACHE, unsafe=True) == redis


@pytest.mark.parametrize(("before", "after"), [
    ("    products = await Product.objects.filter(pk=pk)  # all\n", "    products = [obj async for obj in Product.objects.filter(pk=pk)]  # all\n"),
    ("    obj = 1\n    return await Product.objects.filter(pk=obj)\n", "    obj = 1\n    return [item async for item in Product.objects.filter(pk=obj)]\n"),
    ("    a, b = await asyncio.gather(Product.objects.all(), Product.objects.filter(pk=pk))  # both\n",
     "    a = [obj async for obj in Product.objects.all()]\n    b = [obj async for obj in Product.objects.filter(pk=pk)]  # both\n"),
    ("    a, b = await asyncio.gather(\n        Product.objects.all(),  # first\n        Product.objects.filter(pk=pk),  # second\n    )\n",
     "    a = [obj async for obj in Product.objects.all()]  # first\n    b = [obj async for obj in Product.objects.filter(pk=pk)]  # second\n"),
    ("    task = Product.objects.aget(pk=pk)\n    a, b = await asyncio.gather(Product.objects.all(), task)\n",
     "    task = Product.objects.aget(pk=pk)\n    a = [obj async for obj in Product.objects.all()]\n    b = await task\n"),
])
def test_awaited_querysets_become_async_comprehensions(before: str, after: str) -> None:
    check_fix(before, after, head="import asyncio\n")


@pytest.mark.parametrize("body", [
    "    a, b = await asyncio.gather(Product.objects.all(), asyncio.sleep(1))\n",  # not only the ORM: gathered for a reason
    "    r = await asyncio.gather(Product.objects.all(), Product.objects.all())\n",  # not unpacked
    "    a, b = await asyncio.gather(  # both\n        Product.objects.all(), Product.objects.all())\n",  # a comment of no argument
    "    x = 1; a, b = await asyncio.gather(Product.objects.all(), Product.objects.all())\n",
    "    return await Product.objects\n",  # a manager: not iterable either
])
def test_awaited_querysets_that_are_not_mechanical_get_no_fix(body: str) -> None:
    assert fixed(body, head="import asyncio\n", unsafe=True) == body


# -- unsafe fixes ------------------------------------------------------------------------------------

def test_request_user_reads_become_one_auser_statement() -> None:
    before = ('    """Doc."""\n    x = 1\n    if not request.user.is_authenticated:  # who\n        return x\n'
              "    if request.user.is_staff:\n        print(request.user.email)\n    return x\n")
    after = ('    """Doc."""\n    x = 1\n    user = await request.auser()\n    if not user.is_authenticated:  # who\n        return x\n'
             "    if user.is_staff:\n        print(user.email)\n    return x\n")
    assert fixed(before) == before  # unsafe only
    check_fix(before, after, unsafe=True)
    check_fix("    me = request.user\n    return me.email\n", "    me = await request.auser()\n    return me.email\n", unsafe=True)


@pytest.mark.parametrize("body", [
    "    user = 1\n    return request.user.pk\n",  # the name is taken
    "    request.user = None\n    return request.user.pk\n",  # assigned
    "    await alogout(request)\n    return request.user.pk\n",  # the user changes in the middle
])
def test_request_user_fix_is_not_offered_where_it_would_change_meaning(body: str) -> None:
    assert fixed(body, unsafe=True) == body


def test_request_user_fix_needs_django_5_0() -> None:
    body = "    return request.user.pk\n"
    assert fixed(body, version=(4, 2), unsafe=True) == body


RELATIONS = '''from django.db import models


class Category(models.Model):
    name = models.CharField(max_length=10)


class Item(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE)
    maker = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")

'''


def fixed_relations(body: str, unsafe: bool = True) -> str:
    source = RELATIONS + "\nasync def view(request, pk):\n" + body
    for _ in range(4):
        findings = [f for f in check_source(source) if f.fix and (unsafe or not f.fix.unsafe)]
        if not findings:
            break
        source = fix_source("views.py", source, findings).after
    assert check_source(source) == [] or not unsafe
    return source[len(RELATIONS + "\nasync def view(request, pk):\n"):]


@pytest.mark.parametrize(("before", "after"), [
    ("    item = await Item.objects.aget(pk=pk)  # one\n    return item.category.name\n",
     '    item = await Item.objects.select_related("category").aget(pk=pk)  # one\n    return item.category.name\n'),
    ("    task = Item.objects.filter(pk=pk).afirst()\n    item = await task\n    return item.category, item.maker\n",
     '    task = Item.objects.filter(pk=pk).select_related("category").select_related("maker").afirst()\n'
     "    item = await task\n    return item.category, item.maker\n"),
    ("    async for item in Item.objects.all():\n        print(item.category)\n",
     '    async for item in Item.objects.all().select_related("category"):\n        print(item.category)\n'),
])
def test_select_related_is_added_to_the_query_that_loads_the_object(before: str, after: str) -> None:
    assert fixed_relations(before, unsafe=False) == before
    assert fixed_relations(before) == after
    assert fixed_relations(after) == after


@pytest.mark.parametrize("body", [
    "    item = await Item.objects.aget(pk=pk)\n    item = await Item.objects.aget(pk=1)\n    return item.category\n",  # loaded twice
    "    return pk.category\n",
])
def test_select_related_fix_needs_the_one_loading_query(body: str) -> None:
    source = RELATIONS + "\nasync def view(request, pk: Item):\n" + body
    assert all(f.fix is None for f in check_source(source) if f.code == "DJA106")


HELPER = '''

def load(pk):
    return Product.objects.get(id=pk)
'''


def test_a_sync_helper_call_is_wrapped_in_sync_to_async() -> None:
    source = MODELS + HELPER + "\n\nasync def view(request, pk):\n    first = load(pk)  # the product\n    return load(pk).name\n"
    findings = [f for f in check_source(source) if f.fix]
    assert findings and all(f.fix.unsafe for f in findings)
    after = fix_source("views.py", source, findings).after
    assert after == "from asgiref.sync import sync_to_async\n" + source.replace(
        "first = load(pk)", "first = await sync_to_async(load)(pk)").replace("return load(pk).name", "return (await sync_to_async(load)(pk)).name")
    assert check_source(after) == []
    assert [f for f in check_source(after) if f.fix] == []


def test_no_fix_is_offered_in_a_sync_helper_or_a_lambda() -> None:
    body = "    get = lambda: Product.objects.get(id=pk)\n    return get\n"
    assert fixed(body, unsafe=True) == body


def test_diff_shows_all_the_rounds_and_leaves_files_and_cache_as_they_were(tmp_path: Path) -> None:
    import difflib

    path = tmp_path / "views.py"
    source = AUTH + MODELS + "\n\nasync def view(request, pk):\n    login(request, None)\n    logout(request)\n"
    path.write_text(source)

    def verify(*args):
        return subprocess.run([sys.executable, "-m", "verify", *args, "views.py"], cwd=tmp_path, capture_output=True, text=True)

    shown = verify("--diff")  # with the cache: the rounds after the first must not be answered from it
    assert path.read_text() == source and shown.returncode == 1
    assert "+from django.contrib.auth import alogin\n" in shown.stdout and "+from django.contrib.auth import alogout\n" in shown.stdout
    assert "DJA112" in verify().stdout  # the cache still holds the file on disk, not the fixed text
    verify("--fix")
    fixed_text = path.read_text()
    assert shown.stdout == "".join(difflib.unified_diff(source.splitlines(keepends=True), fixed_text.splitlines(keepends=True),
                                                         "a/views.py", "b/views.py"))
    assert check_source(fixed_text) == []


PAGINATOR = "from django.core.paginator import Paginator\n"


def test_paginator_becomes_async_paginator_from_django_6_0() -> None:
    body = ("    page = Paginator(Product.objects.order_by('name'), 20).page(1)  # first\n    return page\n")
    assert fixed_with_imports(body, PAGINATOR).endswith(body)  # not without --unsafe-fixes
    after = fixed_with_imports(body, PAGINATOR, unsafe=True)
    assert after.startswith("from django.core.paginator import AsyncPaginator\n" + PAGINATOR)
    assert after.endswith("    page = await AsyncPaginator(Product.objects.order_by('name'), 20).apage(1)  # first\n"
                          "    await page.aget_object_list()\n    return page\n")
    head, fixed_body = after.split(MODELS + "\n\nasync def view(request, pk):\n")
    assert check_source(after) == [] and fixed_with_imports(fixed_body, head, unsafe=True) == after  # idempotent
    assert fixed_with_imports(body, PAGINATOR, version=(5, 2), unsafe=True).endswith(body)  # no AsyncPaginator before 6.0


def test_a_paginator_variable_is_converted_with_all_its_uses() -> None:
    body = ("    paginator = Paginator(Product.objects.all(), 10)\n    page = paginator.get_page(pk)\n"
            "    return page, paginator.count, paginator.num_pages\n")
    after = fixed_with_imports(body, PAGINATOR, unsafe=True)
    assert after.endswith("    paginator = AsyncPaginator(Product.objects.all(), 10)\n    page = await paginator.aget_page(pk)\n"
                          "    await page.aget_object_list()\n    return page, await paginator.acount(), await paginator.anum_pages()\n")
    assert check_source(after) == []


def test_a_paginator_handed_on_gets_no_fix() -> None:
    body = "    paginator = Paginator(Product.objects.all(), 10)\n    return paginator.get_page(pk), paginator\n"
    assert fixed_with_imports(body, PAGINATOR, unsafe=True).endswith(body)


def test_a_requests_call_becomes_the_projects_httpx_client(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("httpx2\n")
    views = tmp_path / "views.py"
    source = ("import requests\nfrom django.http import JsonResponse\n\n\nasync def rates(request):\n"
              "    response = requests.get('https://rates.example/eur', params={'a': 1})  # rates\n"
              "    response.raise_for_status()\n    return JsonResponse(response.json())\n")
    views.write_text(source)
    run("--fix", "views.py", cwd=tmp_path)
    assert views.read_text() == source  # unsafe only
    run("--fix", "--unsafe-fixes", "views.py", cwd=tmp_path)
    assert views.read_text() == "import httpx2\n" + source.replace(
        "    response = requests.get(",
        "    async with httpx2.AsyncClient(follow_redirects=True, timeout=None) as client:\n        response = await client.get(")
    assert "DJA301" not in run("views.py", cwd=tmp_path).stdout


@pytest.mark.parametrize("body", [
    "    response = requests.get('https://x.example')\n    return response.ok\n",  # httpx has no `ok`
    "    try:\n        response = requests.get('https://x.example')\n    except requests.RequestException:\n        return None\n"
    "    return response.text\n",  # requests' exception would no longer be raised
    "    return requests.get('https://x.example').text\n",  # not a statement of its own
    "    response = requests.get('https://x.example', stream=True)\n    return response.text\n",
])
def test_requests_calls_the_fix_cannot_carry_over_get_none(tmp_path: Path, body: str) -> None:
    (tmp_path / "requirements.txt").write_text("httpx2\n")
    views = tmp_path / "views.py"
    source = "import requests\n\n\nasync def view(request):\n" + body
    views.write_text(source)
    run("--fix", "--unsafe-fixes", "views.py", cwd=tmp_path)
    assert views.read_text() == source


def test_no_http_fix_for_an_aiohttp_project(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("aiohttp\n")
    views = tmp_path / "views.py"
    source = "import requests\n\n\nasync def view(request):\n    response = requests.get('https://x.example')\n    return response.text\n"
    views.write_text(source)
    run("--fix", "--unsafe-fixes", "views.py", cwd=tmp_path)
    assert views.read_text() == source


def test_sending_mail_is_moved_off_the_event_loop() -> None:
    head = "from django.core.mail import send_mail\n"
    body = "    send_mail('Hi', 'Body', None, ['a@example.com'])  # welcome\n"
    assert fixed_with_imports(body, head).endswith(body)  # unsafe only
    after = fixed_with_imports(body, head, unsafe=True)
    assert after.startswith("from asgiref.sync import sync_to_async\n" + head)
    assert after.endswith("    await sync_to_async(send_mail)('Hi', 'Body', None, ['a@example.com'])  # welcome\n")
    assert check_source(after) == []


def test_a_truth_test_on_a_queryset_becomes_aexists_as_an_unsafe_fix() -> None:
    body = "    items = Product.objects.filter(pk=pk)\n    if not items:  # none\n        return None\n    return 1\n"
    assert fixed(body) == body
    check_fix(body, body.replace("if not items:", "if not await items.aexists():"), unsafe=True)
    check_fix("    return Product.objects.all() and pk\n", "    return await Product.objects.all().aexists() and pk\n", unsafe=True)


def test_no_sync_to_async_fix_while_an_exception_is_handled() -> None:
    # sys.exc_info() is per thread: a helper that reports the exception would see none there.
    source = MODELS + HELPER + "\n\nasync def view(request, pk):\n    try:\n        return 1\n    except ValueError:\n        load(pk)\n"
    assert [f.fix for f in check_source(source) if f.code == "DJA102"] == [None]


def test_session_clear_is_no_finding() -> None:
    # SessionBase.clear() empties the cache it holds without loading the session: no query.
    assert remaining("    request.session.clear()\n") == []
    assert remaining("    request.session.flush()\n") == ["DJA108"]
