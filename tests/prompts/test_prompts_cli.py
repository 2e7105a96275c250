"""``prompts list`` / ``show`` / ``render``, and user cheatsheets from --cheatsheet or pyproject.toml."""

import json
import textwrap

from tests.prompts.conftest import VALID_PROMPT
from verify.cli import main

LEGACY_VIEWS = '''\
import requests
from django.http import JsonResponse


def dashboard(request):
    billing = requests.get("https://billing.example").json()
    analytics = requests.get("https://analytics.example").json()
    return JsonResponse({"billing": billing, "analytics": analytics})
'''
ASYNC_VIEWS = '''\
from django.http import JsonResponse

from .models import Product


async def product(request, pk):
    item = Product.objects.get(pk=pk)
    return JsonResponse({"name": item.name})
'''
MODELS = '''\
from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=100)
'''


def write_app(root):
    (root / "shop").mkdir()
    (root / "manage.py").write_text("")
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "models.py").write_text(MODELS)
    (root / "shop" / "views.py").write_text(LEGACY_VIEWS)
    (root / "shop" / "views_async.py").write_text(ASYNC_VIEWS)
    (root / "requirements.txt").write_text("django>=5.2,<6\naiohttp>=3.14\n")


def test_list_is_a_table_and_json(capsys):
    assert main(["prompts", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "AGENT", "TITLE"]
    assert lines[1].split()[:2] == ["convert-simple-view", "agent"]
    assert len(lines) == 11
    assert main(["prompts", "list", "--format", "json"]) == 0
    prompts = json.loads(capsys.readouterr().out)
    assert set(prompts[0]) == {"id", "title", "description", "when", "agent", "argument_hint", "verify", "tags"}
    assert prompts[5]["id"] == "should-this-be-async" and prompts[5]["agent"] == "ask"


def test_show_prints_the_fields_and_the_text_for_the_given_version(capsys):
    assert main(["prompts", "show", "move-to-background-task", "--django-version", "6.0"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("move-to-background-task: Move slow work to a background task\n  agent:         agent\n")
    assert "  when:          email, cpu-heavy, file-io\n" in out
    assert "Use Django's task framework (`django.tasks`, Django 6.0)" in out


def test_unknown_prompt_id_is_a_usage_error(capsys):
    assert main(["prompts", "show", "convert-everything"]) == 2
    assert capsys.readouterr().err.startswith("django-async-kit: error: no prompt 'convert-everything'; known: convert-simple-view, ")


def test_render_fills_in_the_views_code_triage_and_project_facts(tmp_path, capsys, monkeypatch):
    write_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["prompts", "render", "convert-external-api-view", "--view", "shop/views.py::dashboard"]) == 0
    out = capsys.readouterr().out
    assert "The view is `shop.views.dashboard` in `shop/views.py` (line 5):" in out
    assert "```python\n" + LEGACY_VIEWS.split("\n\n\n")[1] + "```" in out  # the view's code, verbatim
    assert "`django-async-kit triage` says **convert** (estimated benefit: high, score 50/100):" in out
    assert "Facts for Django 5.2;" in out  # the lowest version requirements.txt admits
    assert "use aiohttp" in out  # the project's own async HTTP client
    assert "`django-async-kit verify` reports no findings for this view." in out
    # No pytest configuration: the project's tests run with Django's runner, as init says.
    assert out.endswith("- `django-async-kit verify shop/views.py`\n- `python manage.py test`\n")


def test_render_feeds_the_verifiers_findings_back(tmp_path, capsys, monkeypatch):
    write_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["prompts", "render", "fix-verify-findings", "--view", "shop/views_async.py::product"]) == 0
    out = capsys.readouterr().out
    assert "- shop/views_async.py:7:12: DJA102 " in out
    assert "item = Product.objects.get(pk=pk)" in out


def test_render_rejects_a_bad_view_argument(tmp_path, capsys, monkeypatch):
    write_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["prompts", "render", "convert-simple-view", "--view", "shop/views.py"]) == 2
    assert "--view expects FILE::VIEW" in capsys.readouterr().err
    assert main(["prompts", "render", "convert-simple-view", "--view", "shop/views.py::nope"]) == 2
    assert capsys.readouterr().err.strip() == "django-async-kit: error: shop/views.py: no view named 'nope'"
    assert main(["prompts", "render", "convert-simple-view", "--view", "shop/missing.py::dashboard"]) == 2
    assert capsys.readouterr().err.strip() == "django-async-kit: error: shop/missing.py: no such file"


def test_a_user_cheatsheet_adds_and_replaces_prompts(user_cheatsheet, capsys):
    replacement = VALID_PROMPT.replace("id: my-prompt", "id: convert-simple-view").replace("title: My prompt", "title: Our simple conversion")
    path = user_cheatsheet("version: 1\nprompts:\n" + VALID_PROMPT + replacement)
    assert main(["prompts", "list", "--format", "json", "--cheatsheet", str(path)]) == 0
    prompts = {p["id"]: p for p in json.loads(capsys.readouterr().out)}
    assert len(prompts) == 11
    assert prompts["convert-simple-view"]["title"] == "Our simple conversion"
    assert prompts["my-prompt"]["tags"] == ["team"]


def test_pyproject_config_names_the_user_cheatsheet(tmp_path, user_cheatsheet, capsys, monkeypatch):
    user_cheatsheet("version: 1\nprompts:\n" + VALID_PROMPT, name="team.yaml")
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent('''
        [tool.django-async-kit]
        cheatsheet = "team.yaml"
    '''))
    monkeypatch.chdir(tmp_path)
    assert main(["prompts", "show", "my-prompt", "--django-version", "5.2"]) == 0
    assert "Convert <file> for Django 5.2." in capsys.readouterr().out


def test_a_drf_view_gets_told_that_drf_cannot_run_async_handlers(tmp_path, capsys, monkeypatch):
    write_app(tmp_path)
    (tmp_path / "shop" / "api.py").write_text(
        "from rest_framework.views import APIView\nfrom rest_framework.response import Response\n\n\n"
        "class OrderView(APIView):\n    def get(self, request):\n        return Response({})\n"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["prompts", "render", "convert-class-based-view", "--view", "shop/api.py::OrderView.get"]) == 0
    assert "Django REST framework: `APIView`, `GenericAPIView` and viewsets cannot run `async def` handlers" in capsys.readouterr().out
    assert main(["prompts", "render", "convert-class-based-view", "--view", "shop/views.py::dashboard"]) == 0
    assert "Django REST framework" not in capsys.readouterr().out
