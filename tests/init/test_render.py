"""Rendered instructions: version-aware advice, the right client, valid front matter, size limits."""

from __future__ import annotations

import asyncio
import json
import re

import pytest
import yaml

from verify.analysis import django_api
from verify.assist.install import INSTALL_COMMAND
from verify.assist.instructions import MAX_COPILOT_INSTRUCTIONS, TARGETS, RenderError, render_targets
from verify.assist.safe_write import CommentStyle

VERSIONS = [(4, 2), (5, 0), (5, 1), (5, 2), (6, 0), (6, 1)]
INVENTED = (
    django_api.NONEXISTENT_QUERYSET_METHODS
    | django_api.NONEXISTENT_MODEL_METHODS
    | set(django_api.NONEXISTENT_FUNCTIONS)
    | {"aprofile", "auser_profile"}
)
SAYS_IT_DOES_NOT_EXIST = re.compile(r"do(?:es)? not exist|There is no|No `await obj\.a<relation>`")
WORD = re.compile(r"\b[a-z_][a-z0-9_]*\b")


def everything(files: dict[str, str]) -> str:
    return "\n".join(files.values())


# Strings that must (or must not) appear somewhere in the rendered files, by Django version.
PRESENT_FROM = {
    "await request.auser()": (5, 0),
    "aget_object_or_404": (5, 0),
    "alogin": (5, 0),
    "aforce_login": (5, 0),
    "request.session.aget": (5, 1),
    "acreate_user": (5, 2),
    "AsyncPaginator": (6, 0),
    "aenqueue": (6, 0),
}


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: f"django-{v[0]}.{v[1]}")
def test_advice_names_only_apis_of_the_target_version(render_all, version):
    text = everything(render_all(django_version=version))
    for snippet, since in PRESENT_FROM.items():
        assert (snippet in text) == (version >= since), f"{snippet!r} for Django {version}"
    if version < (5, 0):
        assert "auser" not in text
    decorators_ok = "`@login_required`, `@permission_required` and `@user_passes_test` accept async views."
    assert (decorators_ok in text) == (version >= (5, 1))
    assert ("do not support async views before Django 5.1" in text) == (version < (5, 1))


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: f"django-{v[0]}.{v[1]}")
def test_every_async_name_exists_in_the_target_version(render_all, version):
    real_names = django_api.all_async_names()
    for path, text in render_all(django_version=version).items():
        for line in text.splitlines():
            for word in set(WORD.findall(line)):
                if word in INVENTED:
                    assert SAYS_IT_DOES_NOT_EXIST.search(line), f"{path}: names {word} as if it existed: {line}"
                elif word in real_names and django_api.added_in(word):
                    assert django_api.added_in(word) <= version, f"{path}: {word} is newer than Django {version}"


def test_core_facts_are_stated_for_every_stack(render_all):
    for version in VERSIONS:
        for path, text in render_all(django_version=version).items():
            if path.endswith((".md", ".mdc")) and path not in {"CLAUDE.md", ".github/instructions/django-async-tests.instructions.md"}:
                assert "`asyncio.gather` over ORM calls is not parallel" in text, path
                assert "`CONN_MAX_AGE = 0` under ASGI" in text, path
                assert "A QuerySet is not awaitable" in text, path


@pytest.mark.parametrize(
    ("overrides", "present", "absent"),
    [
        ({"database": ["postgresql"], "db_driver": "psycopg", "django_version": (5, 2)},
         ['OPTIONS={"pool": True}', "PostgreSQL (psycopg 3)"], ["needs psycopg 3"]),
        ({"database": ["postgresql"], "db_driver": "psycopg", "django_version": (5, 0)},
         ["Django's `\"pool\"` option needs psycopg 3 and Django 5.1"], ['OPTIONS={"pool": True}']),
        ({"database": ["postgresql"], "db_driver": "psycopg2", "django_version": (6, 1)},
         ["PostgreSQL (psycopg2)", "Django's `\"pool\"` option needs psycopg 3."], ['OPTIONS={"pool": True}']),
        ({"database": ["sqlite3"], "db_driver": "sqlite3"}, ["SQLite"], ["pool", "psycopg"]),
    ],
)
def test_database_advice_follows_engine_and_driver(render_all, overrides, present, absent):
    text = render_all(**overrides)[".github/copilot-instructions.md"]
    for snippet in present:
        assert snippet in text
    for snippet in absent:
        assert snippet not in text


def test_without_a_client_httpx2_is_recommended_and_plain_httpx_never(render_all):
    text = everything(render_all(http_client=None))
    assert "import httpx2" in text and "httpx2.AsyncClient" in text
    assert "(not yet a dependency)" in text
    assert not re.search(r"\bhttpx\b(?!2)", text)


def test_the_client_the_project_uses_is_recommended(render_all):
    text = everything(render_all(http_client="aiohttp"))
    assert "aiohttp.ClientSession" in text and "import aiohttp" in text
    assert "httpx" not in text


def test_a_project_on_httpx_is_told_about_httpx2(render_all):
    text = render_all(http_client="httpx")[".github/copilot-instructions.md"]
    assert "`async with httpx.AsyncClient(timeout=..., verify=TLS_CONTEXT) as client:`" in text
    assert "`TLS_CONTEXT = ssl.create_default_context(cafile=certifi.where())` (httpx's own CA bundle)" in text
    assert "`httpx` is unmaintained: `httpx2` is a drop-in replacement" in text


def test_stack_specific_warnings(render_all):
    text = render_all(server=None, sync_middleware=["shop.middleware.Timing"])[".github/copilot-instructions.md"]
    assert "No command that starts the server was found" in text and "server not detected" in text
    assert "`shop.middleware.Timing`" in text
    quiet = render_all()[".github/copilot-instructions.md"]
    assert "No command that starts the server" not in quiet and "Sync-only middleware" not in quiet
    wsgi = render_all(server="gunicorn")[".github/copilot-instructions.md"]
    assert "served by gunicorn (WSGI)" in wsgi and "`-k uvicorn_worker.UvicornWorker`" in wsgi


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"django_version": (4, 2), "database": ["postgresql", "sqlite3"], "db_driver": "psycopg2", "server": None,
         "http_client": "httpx", "sync_middleware": [f"company_platform.middleware.Legacy{i}" for i in range(4)],
         "view_apps": [f"apps/department_{i}" for i in range(8)], "test_command": "cd backend && python manage.py test"},
        {"django_version": (4, 2), "database": ["postgresql", "sqlite3"], "db_driver": "psycopg2", "server": "gunicorn",
         "http_client": "httpx", "sync_middleware": [f"company_platform.middleware.Legacy{i}" for i in range(4)],
         "view_apps": [f"apps/department_{i}" for i in range(8)], "test_command": "cd backend && python manage.py test",
         "test_runner": "django", "test_runner_class": "company_platform.testing.runners.ParallelColourTestRunner"},
    ],
)
def test_copilot_instructions_fit_the_code_review_limit(render_all, overrides):
    assert len(render_all(**overrides)[".github/copilot-instructions.md"]) <= MAX_COPILOT_INSTRUCTIONS


def test_commands_and_the_finishing_rule(render_all):
    text = render_all(test_command="cd backend && python manage.py test", view_apps=["backend/shop", "backend/blog"])[
        ".github/copilot-instructions.md"
    ]
    assert "Before finishing, run `django-async-kit verify --changed --fix` (it applies the mechanical fixes) and fix every finding it leaves" in text
    assert "`django-async-kit verify backend/shop backend/blog`" in text
    assert "`cd backend && python manage.py test`" in text


def front_matter(text: str) -> dict:
    assert text.startswith("---\n")
    header, _, _ = text[4:].partition("\n---\n")
    return yaml.safe_load(header)


def test_front_matter_has_the_keys_each_tool_reads(render_all):
    files = render_all()
    for name in ("django-async-views", "django-async-tests"):
        # VS Code flags keys other than applyTo, description, name and excludeAgent.
        header = front_matter(files[f".github/instructions/{name}.instructions.md"])
        assert set(header) == {"applyTo", "description"}
        assert isinstance(header["description"], str) and header["description"]
        globs = header["applyTo"].split(",")
        assert all(glob.startswith("**/") and " " not in glob for glob in globs)
    views = front_matter(files[".github/instructions/django-async-views.instructions.md"])["applyTo"]
    assert {"**/views*.py", "**/urls.py", "**/middleware*.py"} <= set(views.split(","))
    tests = front_matter(files[".github/instructions/django-async-tests.instructions.md"])["applyTo"]
    assert {"**/test_*.py", "**/tests/**/*.py", "**/conftest.py"} <= set(tests.split(","))

    cursor = front_matter(files[".cursor/rules/django-async.mdc"])
    assert set(cursor) == {"description", "globs", "alwaysApply"}
    assert cursor["alwaysApply"] is False and cursor["globs"] == views

    for always_on in (".github/copilot-instructions.md", "AGENTS.md", "CLAUDE.md"):
        assert not files[always_on].startswith("---")
    assert files["CLAUDE.md"].splitlines()[1] == "@AGENTS.md"


def test_every_markdown_output_has_exactly_one_managed_block(render_all):
    for path, text in render_all().items():
        if path.endswith((".md", ".mdc")):
            assert text.count(CommentStyle.HTML.begin) == 1 and text.count(CommentStyle.HTML.end) == 1, path
            assert text.index(CommentStyle.HTML.begin) < text.index(CommentStyle.HTML.end)


def test_setup_steps_install_the_kit_for_the_cloud_agent(render_all):
    workflow = yaml.safe_load(render_all(python_version=(3, 13))[".github/workflows/copilot-setup-steps.yml"])
    assert list(workflow["jobs"]) == ["copilot-setup-steps"]
    job = workflow["jobs"]["copilot-setup-steps"]
    # The cloud agent ignores every other job key; timeout-minutes may not exceed 59.
    assert set(job) <= {"steps", "permissions", "runs-on", "services", "snapshot", "timeout-minutes"}
    assert job["timeout-minutes"] <= 59 and job["permissions"] == {"contents": "read"}
    runs = [step.get("run") for step in job["steps"]]
    assert INSTALL_COMMAND in runs and "pip install -r requirements.txt" in runs
    assert runs.index("pip install -r requirements.txt") < runs.index(INSTALL_COMMAND)
    assert any(step.get("with", {}).get("python-version") == "3.13" for step in job["steps"])


def test_setup_steps_quote_commands_that_need_it(render_all):
    command = "pip install uv && uv export --frozen -o /tmp/r.txt: && pip install -r /tmp/r.txt"
    workflow = yaml.safe_load(render_all(install_deps=command)[".github/workflows/copilot-setup-steps.yml"])
    assert command in [step.get("run") for step in workflow["jobs"]["copilot-setup-steps"]["steps"]]
    no_deps = yaml.safe_load(render_all(install_deps=None)[".github/workflows/copilot-setup-steps.yml"])
    assert [step.get("name") for step in no_deps["jobs"]["copilot-setup-steps"]["steps"]].count(
        "Install the project's dependencies"
    ) == 0


def test_hook_runs_the_verifier_when_the_agent_stops(render_all):
    hook = json.loads(render_all()[".github/hooks/django-async-kit.json"])
    assert hook["version"] == 1
    [entry] = hook["hooks"]["agentStop"]
    assert entry["type"] == "command"
    for shell in ("bash", "powershell"):
        assert entry[shell].endswith("django-async-kit verify --changed --format agent-stop")
        assert INSTALL_COMMAND in entry[shell]


def test_tests_instructions_follow_the_test_runner(render_all):
    pytest_text = render_all()[".github/instructions/django-async-tests.instructions.md"]
    assert "@pytest.mark.django_db(transaction=True)" in pytest_text
    assert "`AsyncRequestFactory` methods are synchronous" in pytest_text
    assert "@pytest.mark.asyncio\nasync def" in pytest_text

    auto = render_all(asyncio_mode="auto")[".github/instructions/django-async-tests.instructions.md"]
    assert "@pytest.mark.django_db(transaction=True)\nasync def" in auto

    missing = render_all(pytest_asyncio=False)[".github/instructions/django-async-tests.instructions.md"]
    assert "pytest-asyncio is not a dependency yet" in missing

    django_runner = render_all(test_runner="django", test_command="python manage.py test")
    text = django_runner[".github/instructions/django-async-tests.instructions.md"]
    assert "self.async_client" in text and "pytest" not in text
    assert "AsyncRequestFactory().get(\"/\")" in text


def test_unknown_or_too_old_django_is_refused(stack, tmp_path):
    with pytest.raises(RenderError, match="--set django_version"):
        render_targets(stack(django_version=None), ["copilot"], tmp_path)
    with pytest.raises(RenderError, match=r"supports 4\.2 and later"):
        render_targets(stack(django_version=(4, 1)), ["copilot"], tmp_path)


def test_every_target_renders(stack, tmp_path):
    for target, outputs in TARGETS.items():
        files = render_targets(stack(), [target], tmp_path)
        assert [managed.path for managed in files] == [tmp_path / output.path for output in outputs]


def test_an_unknown_python_is_left_out_and_ci_uses_the_newest_its_django_supports(render_all):
    import yaml

    files = render_all(django_version=(4, 2), python_version=None)
    assert "Stack: Django 4.2, SQLite" in files[".github/copilot-instructions.md"]
    assert "Python" not in files[".github/copilot-instructions.md"].split("Stack:", 1)[1].split("\n", 1)[0]
    workflow = yaml.safe_load(files[".github/workflows/copilot-setup-steps.yml"])
    assert workflow["jobs"]["copilot-setup-steps"]["steps"][1]["with"]["python-version"] == "3.12"


def test_the_instructions_paginate_with_aget_page_which_clamps_bad_input(render_all):
    from django.core.paginator import AsyncPaginator, PageNotAnInteger

    async def pages():
        paginator = AsyncPaginator(list(range(30)), 10)
        clamped = await paginator.aget_page("not a number")
        with pytest.raises(PageNotAnInteger):
            await paginator.apage("not a number")
        return clamped.number

    assert asyncio.run(pages()) == 1
    text = render_all(django_version=(6, 1))[".github/copilot-instructions.md"]
    assert "`await paginator.aget_page(n)`" in text and "apage(" not in text
