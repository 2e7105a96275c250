"""The result cache and parallel workers change how fast results come, never which results."""

import json
import os
import subprocess
import sys
import textwrap
import time

import pytest

from verify.api import check_paths

VIEW = '''
from django.http import JsonResponse
from shop.helpers import total
from shop.models import Order


async def view_{n}(request, pk):
    order = await Order.objects.aget(id=pk)
    count = Order.objects.filter(user_id=order.user_id).count()
    return JsonResponse({{"email": order.user.email, "total": total(order), "count": count}})
'''


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "manage.py").write_text("")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "models.py").write_text(textwrap.dedent("""
        from django.conf import settings
        from django.db import models

        class Order(models.Model):
            user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    """))
    (shop / "helpers.py").write_text("def total(order):\n    return 0\n")
    for n in range(15):  # enough files for the parallel path
        (shop / f"views_{n}.py").write_text(VIEW.format(n=n))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(**options):
    return [f.as_dict() for f in check_paths(["shop"], select=["DJA1", "DJA2", "DJA3"], **options).findings]


def test_results_are_identical_with_and_without_cache_and_workers(project):
    serial = _run(cache=False, jobs=1)
    assert len(serial) == 30  # a sync count and a lazy relation in each of the 15 views
    assert _run(cache=False, jobs=2) == serial
    assert _run(jobs=2) == serial  # cold cache
    assert (project / ".django-async-kit-cache").is_dir()
    assert _run(jobs=1) == serial  # warm cache
    assert _run(jobs=2) == serial


def test_a_changed_helper_invalidates_its_callers(project):
    before = _run()
    (project / "shop" / "helpers.py").write_text(textwrap.dedent("""
        from shop.models import Order

        def total(order):
            return Order.objects.count()
    """))
    after = _run()
    assert len(after) == len(before) + 15
    assert _run(cache=False) == after


def test_a_changed_model_invalidates_every_entry(project):
    _run()
    models = project / "shop" / "models.py"
    models.write_text(models.read_text().replace("models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)", "models.IntegerField()"))
    assert len(_run()) == 15  # order.user is no longer a relation
    assert _run() == _run(cache=False)


def test_corrupt_entries_are_misses_and_no_cache_writes_nothing(project, tmp_path_factory):
    expected = _run(cache=False)
    assert not (project / ".django-async-kit-cache").exists()
    _run()
    for entry in (project / ".django-async-kit-cache").rglob("*"):
        if entry.is_file() and entry.name != ".gitignore":
            entry.write_text("{not json")
    assert _run() == expected
    elsewhere = tmp_path_factory.mktemp("cache")
    assert _run(cache_dir=elsewhere) == expected and any(elsewhere.iterdir())


def test_concurrent_runs_share_the_cache_safely(project):
    command = [sys.executable, "-m", "verify", "shop", "--format", "json", "--select", "DJA1,DJA2,DJA3"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [json.loads(run.communicate()[0])["findings"] for run in runs]
    again = json.loads(subprocess.run(command, capture_output=True, text=True).stdout)["findings"]
    assert all(output == outputs[0] for output in outputs) and again == outputs[0]
    assert len(again) == 30


def test_serial_runs_in_one_process_see_model_changes(project):
    assert len(_run(cache=False, jobs=1)) == 30
    models = project / "shop" / "models.py"
    models.write_text(models.read_text().replace("models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)", "models.IntegerField()"))
    assert len(_run(cache=False, jobs=1)) == 15


def test_changed_rechecks_the_callers_of_a_changed_helper(project):
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base"], cwd=project, check=True)
    command = [sys.executable, "-m", "verify", "--format", "json", "--select", "DJA102"]
    assert len(json.loads(subprocess.run([*command, "shop"], capture_output=True, text=True).stdout)["findings"]) == 15
    (project / "shop" / "helpers.py").write_text("from shop.models import Order\n\ndef total(order):\n    return Order.objects.count()\n")
    changed = json.loads(subprocess.run([*command, "--changed"], capture_output=True, text=True).stdout)["findings"]
    # only helpers.py changed, yet each view's call of it is reported: the full run's cache knew the callers
    assert len(changed) == 15
    assert {f["path"] for f in changed} == {f"shop/views_{n}.py" for n in range(15)}
    assert {f["message"].split("`")[1] for f in changed} == {"total(order)"}  # not the views' older findings
    everything = json.loads(subprocess.run([*command, "--changed", "--all"], capture_output=True, text=True).stdout)["findings"]
    assert len(everything) == 30


def test_the_cache_is_one_manifest_with_one_entry_per_checked_file(project):
    cache = project / ".django-async-kit-cache"
    _run()
    view = project / "shop" / "views_0.py"
    for n in range(3):  # each edit replaces the file's entry instead of adding one
        view.write_text(view.read_text() + f"\n# edit {n}\n")
        _run()
    assert sorted(p.name for p in cache.iterdir()) == [".gitignore", "results.json"]
    entries = json.loads((cache / "results.json").read_text())["entries"]
    assert len(entries) == 18  # the 18 files of shop (small runs syntax-check files without async code too)


def test_a_run_served_by_the_cache_loads_no_rules_and_parses_nothing(project):
    probe = ("import sys; from verify.api import check_paths; "
             "check_paths(['shop'], select=['DJA1', 'DJA2', 'DJA3']); "
             "print(sorted(m for m in sys.modules if m.startswith(('verify.rules', 'verify.analysis.engine', 'verify.analysis.inference'))))")
    subprocess.run([sys.executable, "-c", probe], cwd=project, check=True, capture_output=True)
    warm = subprocess.run([sys.executable, "-c", probe], cwd=project, check=True, capture_output=True, text=True)
    assert warm.stdout.strip() == "[]"


def test_files_known_by_size_and_time_are_still_rechecked_when_edited(project):
    settled = time.time() - 60  # older than the two seconds the cache waits before trusting a file's stat
    for path in project.rglob("*.py"):
        os.utime(path, (settled, settled))
    before = _run()
    assert len(json.loads((project / ".django-async-kit-cache" / "results.json").read_text())["files"]) == 18
    assert _run() == before
    view = project / "shop" / "views_3.py"
    view.write_text(view.read_text().replace(".count()", ".first()"))  # same size
    os.utime(view, (settled + 1, settled + 1))
    after = _run()
    assert after != before and after == _run(cache=False)
    assert any("first" in finding["message"] and finding["path"] == "shop/views_3.py" for finding in after)


def test_modules_dropped_between_files_give_the_same_results(project, monkeypatch):
    """The analysis keeps a bounded number of parsed modules: one dropped is parsed again when a
    later file reaches it, with the same summaries."""
    import gc

    from verify.analysis import summaries

    (project / "shop" / "helpers.py").write_text("from shop.models import Order\n\ndef total(order):\n    return Order.objects.count()\n")
    expected = _run(cache=False, jobs=1)
    assert len(expected) == 45
    monkeypatch.setattr(summaries, "MAX_MODULES", 1)
    assert _run(cache=False, jobs=1) == expected
    assert gc.isenabled()  # switched off for the analysis only


def test_memory_stays_flat_without_the_cycle_collector(tmp_path, monkeypatch):
    """The analysis runs with the cycle collector off: nothing it builds may hold a file's tree
    in a reference cycle (a nested function that calls itself did), or memory grows with the
    number of files instead of staying at the modules and trees kept between files."""
    import ast
    import gc

    from verify.pipeline import file_tree
    from verify.analysis import summaries

    app = tmp_path / "app"
    app.mkdir()
    for n in range(250):
        (app / f"views_{n}.py").write_text(f"def helper_{n}():\n    return {n}\n\n\nasync def view_{n}(request):\n    return helper_{n}()\n")
    monkeypatch.chdir(tmp_path)

    def trees() -> int:
        return sum(1 for item in gc.get_objects() if type(item) is ast.Module)

    gc.collect()  # what earlier tests left
    before = trees()
    enabled = gc.isenabled()
    gc.disable()
    try:
        check_paths(["app"], cache=False, jobs=1)
        kept = trees() - before
    finally:
        if enabled:
            gc.enable()
    assert kept <= summaries.MAX_MODULES + file_tree.MAX_TREES


def test_a_cached_http_hint_follows_the_client_the_project_adopts(project):
    # The hint names the project's async client; adopting another one must not leave a cached
    # result that still recommends the old one.
    (project / "shop" / "fetch.py").write_text(
        "import requests\n\n\nasync def rates(request):\n    return requests.get('https://example.com').json()\n")

    def hint():
        found = check_paths(["shop/fetch.py"], select=["DJA301"]).findings
        assert len(found) == 1
        return found[0].hint

    assert "httpx2.AsyncClient" in hint()
    (project / "shop" / "client.py").write_text("import aiohttp\n")
    assert "aiohttp.ClientSession" in hint()  # fetch.py is unchanged: its cached result is stale
    assert "aiohttp.ClientSession" in hint()
