"""The default run reports bugs, not style: no blocking-call findings in test code, advice rules
(severity info) only on request and never failing the check, and DJA407 only where its advice
holds (a project served by WSGI). Through the command line, on real files."""

import json
import textwrap
from pathlib import Path

import pytest

BLOCKING_AND_SYNC_ORM = '''
import requests

from shop.models import Product


async def test_product_page():
    requests.get("https://example.com/health")
    Product.objects.get(pk=1)
'''

NO_AWAIT_VIEW = '''
from django.http import JsonResponse


async def health(request):
    return JsonResponse({"status": "ok"})
'''


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


@pytest.fixture
def shop(tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[project]\nname = "shop"\ndependencies = ["Django>=6.1"]\n',
        "shop/__init__.py": "",
        "shop/models.py": "from django.db import models\n\n\nclass Product(models.Model):\n    name = models.CharField(max_length=9)\n",
        "shop/asgi.py": "from django.core.asgi import get_asgi_application\n\napplication = get_asgi_application()\n",
    })
    return tmp_path


def codes_by_file(result) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in json.loads(result.stdout)["findings"]:
        found.setdefault(finding["path"], set()).add(finding["code"])
    return found


TEST_FILES = ["tests/test_views.py", "shop/tests/test_api.py", "shop/test/views.py", "shop/test_models.py",
              "shop/views_test.py", "shop/tests.py", "conftest.py"]


def test_blocking_calls_in_test_code_are_not_reported_but_sync_orm_there_still_is(shop, cli):
    write(shop, {name: BLOCKING_AND_SYNC_ORM for name in [*TEST_FILES, "shop/views.py"]})
    result = cli("--format", "json", "--no-cache", cwd=shop)
    assert result.returncode == 1, result.stderr
    found = codes_by_file(result)
    for name in TEST_FILES:  # the sync query raises SynchronousOnlyOperation in an async test: still reported
        assert found[name] == {"DJA102"}, name
    assert found["shop/views.py"] == {"DJA102", "DJA301"}  # the same blocking call outside tests is


def test_test_paths_are_configurable_and_an_empty_list_reports_blocking_calls_in_tests_again(shop, cli):
    write(shop, {"tests/test_views.py": BLOCKING_AND_SYNC_ORM, "qa/checks.py": BLOCKING_AND_SYNC_ORM})
    with (shop / "pyproject.toml").open("a") as config:
        config.write('\n[tool.django-async-kit]\ntest-paths = ["qa/"]\n')
    found = codes_by_file(cli("--format", "json", "--no-cache", cwd=shop))
    assert found == {"qa/checks.py": {"DJA102"}, "tests/test_views.py": {"DJA102", "DJA301"}}

    (shop / "pyproject.toml").write_text('[project]\nname = "shop"\n\n[tool.django-async-kit]\ntest-paths = []\n')
    found = codes_by_file(cli("--format", "json", "--no-cache", cwd=shop))
    assert found == {"qa/checks.py": {"DJA102", "DJA301"}, "tests/test_views.py": {"DJA102", "DJA301"}}


def served_by_wsgi(root: Path) -> None:
    write(root, {"Procfile": "web: gunicorn shop.wsgi --workers 4\n",
                 "shop/wsgi.py": "from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n"})
    (root / "shop" / "asgi.py").unlink()


def test_advice_is_off_by_default(shop, cli):
    served_by_wsgi(shop)
    write(shop, {"shop/views.py": NO_AWAIT_VIEW})
    result = cli("shop/views.py", "--no-cache", cwd=shop)
    assert result.returncode == 0, result.stdout
    assert "DJA407" not in result.stdout
    assert "All checks passed: 1 file, Django 6.1." in result.stdout


@pytest.mark.parametrize("option", [["--select", "DJA407"], ["--extend-select", "DJA407"], ["--select", "DJA4"]])
def test_advice_is_opt_in_and_never_fails_the_check(shop, cli, option):
    served_by_wsgi(shop)
    write(shop, {"shop/views.py": NO_AWAIT_VIEW})
    result = cli("shop/views.py", "--no-cache", *option, cwd=shop)
    assert result.returncode == 0, result.stdout
    assert "shop/views.py:4:1: DJA407 async view `health` awaits nothing, and the project is served by WSGI" in result.stdout
    assert "All checks passed: 1 file, Django 6.1; 1 advice note (DJA407 x1), which do not fail the check." in result.stdout
    # beside a real problem, the exit code is the problem's, and the summary counts them apart
    write(shop, {"shop/views.py": "from shop.models import Product\n" + NO_AWAIT_VIEW + "\n\nasync def count(request):\n    return Product.objects.count()\n"})
    result = cli("shop/views.py", "--no-cache", "--extend-select", "DJA407", cwd=shop)
    assert result.returncode == 1
    assert "Found 1 finding and 2 advice notes in 1 file (DJA102 x1, DJA407 x2); Django 6.1." in result.stdout


def test_the_extend_select_option_of_the_configuration_opts_in_too(shop, cli):
    served_by_wsgi(shop)
    write(shop, {"shop/views.py": NO_AWAIT_VIEW})
    with (shop / "pyproject.toml").open("a") as config:
        config.write('\n[tool.django-async-kit]\nextend-select = ["DJA407"]\n')
    result = cli("shop/views.py", "--no-cache", cwd=shop)
    assert result.returncode == 0 and "DJA407" in result.stdout


def test_an_advice_note_does_not_keep_the_agent_working(shop, cli):
    served_by_wsgi(shop)
    write(shop, {"shop/views.py": NO_AWAIT_VIEW})
    result = cli("shop/views.py", "--no-cache", "--select", "DJA407", "--format", "agent-stop", cwd=shop)
    assert (result.returncode, result.stdout.strip()) == (0, "{}")


@pytest.mark.parametrize("deployment", [
    {"Procfile": "web: gunicorn shop.asgi:application -k uvicorn_worker.UvicornWorker\n"},  # ASGI server
    {},  # asgi.py and no deployment file: not known to be WSGI
    {"Procfile": "web: gunicorn shop.wsgi\n", "Dockerfile": 'CMD ["uvicorn", "shop.asgi:application"]\n'},  # one ASGI server is enough
])
def test_dja407_does_not_advise_where_the_project_is_served_by_asgi_or_not_known_to_be_wsgi(shop, cli, deployment):
    write(shop, {"shop/views.py": NO_AWAIT_VIEW, **deployment})
    result = cli("shop/views.py", "--no-cache", "--select", "DJA407", cwd=shop)
    assert result.returncode == 0
    assert "DJA407" not in result.stdout, result.stdout


def test_dja407_follows_a_deployment_change_through_the_cache(shop, cli):
    write(shop, {"shop/views.py": NO_AWAIT_VIEW})
    assert "DJA407" not in cli("shop/views.py", "--select", "DJA407", cwd=shop).stdout
    served_by_wsgi(shop)
    assert "DJA407" in cli("shop/views.py", "--select", "DJA407", cwd=shop).stdout


def test_the_rules_listing_says_which_rules_are_advice_and_off_by_default(tmp_path, cli):
    listing = cli("rules", cwd=tmp_path).stdout.splitlines()
    advice = [line.split()[0] for line in listing if "(advice: off by default" in line]
    assert advice == ["DJA406", "DJA407"]
    rules = json.loads(cli("rules", "--format", "json", cwd=tmp_path).stdout)
    assert [rule["code"] for rule in rules if not rule["default"]] == ["DJA406", "DJA407"]
