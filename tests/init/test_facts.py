"""Static fact detection: versions, settings, database, clients, servers, tests, middleware."""

from __future__ import annotations

import sys

import pytest

from verify.project.facts import NotADjangoProject, detect_facts, lowest_version, parse_override


@pytest.mark.parametrize(
    ("spec", "version"),
    [("==5.2.3", (5, 2)), (">=4.2,<5.0", (4, 2)), ("~=5.1.0", (5, 1)), ("^5.2", (5, 2)), ("<6", None), ("5.2.*", (5, 2))],
)
def test_lowest_version_is_the_version_the_code_must_run_on(spec, version):
    assert lowest_version(spec) == version


@pytest.mark.parametrize(
    ("files", "version", "source"),
    [
        ({"requirements.txt": "-r requirements/base.txt\n", "requirements/base.txt": "django[argon2]>=4.2,<5.0  # LTS\n"},
         (4, 2), "requirements/base.txt"),
        ({"pyproject.toml": '[project]\nname = "x"\ndependencies = ["Django~=5.1.0"]\n'}, (5, 1), "pyproject.toml"),
        ({"pyproject.toml": '[dependency-groups]\nweb = ["django==6.0.2"]\n'}, (6, 0), "pyproject.toml"),
        ({"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.12"\ndjango = {version = "^5.2", extras = ["bcrypt"]}\n'},
         (5, 2), "pyproject.toml"),
        ({"pyproject.toml": '[project]\nname = "x"\ndependencies = ["django>=4.2"]\n',
          "uv.lock": 'version = 1\n[[package]]\nname = "django"\nversion = "6.1.3"\n'}, (6, 1), "uv.lock"),
        ({"poetry.lock": '[[package]]\nname = "Django"\nversion = "5.0.14"\n'}, (5, 0), "poetry.lock"),
        ({"pylock.toml": 'lock-version = "1.0"\n[[packages]]\nname = "django"\nversion = "4.2.30"\n'}, (4, 2), "pylock.toml"),
        ({"Pipfile.lock": '{"default": {"django": {"version": "==5.2.19"}}, "develop": {}}'}, (5, 2), "Pipfile.lock"),
        ({"setup.cfg": "[options]\ninstall_requires =\n    Django>=4.2,<5\n    requests\n"}, (4, 2), "setup.cfg"),
        ({"setup.py": "from setuptools import setup\nsetup(name='x', install_requires=['django~=5.0.4'])\n"}, (5, 0), "setup.py"),
        ({".venv/lib/python3.12/site-packages/Django-5.1.4.dist-info/METADATA": ""}, (5, 1), ".venv"),
    ],
)
def test_django_version_from_each_kind_of_dependency_file(make_project, files, version, source):
    facts = detect_facts(make_project(requirements=None, files=files))
    assert facts["django_version"] == version
    assert source in facts.facts["django_version"].source


def test_lock_file_wins_over_a_declared_range(make_project):
    root = make_project(requirements="django>=4.2\n", files={"poetry.lock": '[[package]]\nname = "django"\nversion = "5.2.1"\n'})
    assert detect_facts(root)["django_version"] == (5, 2)


def test_installed_django_is_the_last_resort(make_project):
    from importlib.metadata import version

    facts = detect_facts(make_project(requirements=None))
    assert ".".join(map(str, facts["django_version"])) == ".".join(version("django").split(".")[:2])
    assert "installed with the kit" in facts.facts["django_version"].source


def test_dependency_files_above_the_project_count_up_to_the_repository_root(make_project, tmp_path):
    root = make_project(requirements=None, name="repo/backend")
    (tmp_path / "repo" / "requirements.txt").write_text("Django==4.2.11\nhttpx2>=2.16\n")
    assert detect_facts(root)["http_client"] is None  # the parent folder is not read without repo_root
    facts = detect_facts(root, tmp_path / "repo")
    assert facts["django_version"] == (4, 2)
    assert facts["http_client"] == "httpx2"
    assert facts["view_apps"] == ["backend/shop"]
    assert facts["install_deps"] == "pip install -r requirements.txt"


@pytest.mark.parametrize(
    ("files", "version"),
    [
        ({".python-version": "3.13.1\n"}, (3, 13)),
        ({"runtime.txt": "python-3.12.4\n"}, (3, 12)),
        ({"pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.11"\n'}, (3, 11)),
        # Django 6.x cannot run below 3.12, whatever requires-python says.
        ({"pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.10"\n', "requirements.txt": "django>=6.0\n"},
         (3, 12)),
    ],
)
def test_python_version(make_project, files, version):
    assert detect_facts(make_project(requirements="Django==5.2\n", files=files))["python_version"] == version


def test_python_version_is_unknown_rather_than_the_kits_interpreter(make_project):
    facts = detect_facts(make_project(requirements="Django==4.2.11\n"))
    assert facts["python_version"] is None
    assert "not found" in facts.facts["python_version"].source


@pytest.mark.parametrize(
    ("requirements", "files", "version", "source"),
    [
        ("Django==4.2.11\n", {"Dockerfile": "FROM python:3.11-slim\nCMD gunicorn mysite.wsgi\n"}, (3, 11), "Dockerfile:1"),
        # A Django 4.2 project pinned to a Python its Django does not support: capped, and said so.
        ("Django==4.2.11\n", {".python-version": "3.13\n"}, (3, 12), "capped"),
        ("Django==5.2\n", {"pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.8"\n'}, (3, 10), "raised"),
    ],
)
def test_python_version_is_the_projects_within_what_its_django_supports(make_project, requirements, files, version, source):
    fact = detect_facts(make_project(requirements=requirements, files=files)).facts["python_version"]
    assert fact.value == version
    assert source in fact.source


def test_settings_module_from_manage_py_then_environment_then_pytest_config(make_project, monkeypatch):
    root = make_project()
    assert detect_facts(root).facts["settings_module"].value == "mysite.settings"

    (root / "manage.py").unlink()
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "mysite.settings")
    assert detect_facts(root).facts["settings_module"].source == "$DJANGO_SETTINGS_MODULE"

    monkeypatch.delenv("DJANGO_SETTINGS_MODULE")
    (root / "pytest.ini").write_text("[pytest]\nDJANGO_SETTINGS_MODULE = mysite.settings\nasyncio_mode = auto\n")
    facts = detect_facts(root)
    assert facts["settings_module"] == "mysite.settings"
    assert facts["asyncio_mode"] == "auto"
    assert facts["test_runner"] == "pytest"


def test_settings_module_assigned_in_manage_py(make_project):
    root = make_project(files={"manage.py": "import os\nos.environ['DJANGO_SETTINGS_MODULE'] = 'mysite.settings'\n"})
    assert detect_facts(root)["settings_module"] == "mysite.settings"


def test_settings_package_with_star_imports_is_followed(make_project):
    root = make_project(files={
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings.production')\n",
        "mysite/settings/__init__.py": "",
        "mysite/settings/base.py": 'MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]\n',
        "mysite/settings/production.py": (
            "import dj_database_url\nfrom .base import *\n"
            'DATABASES = {"default": dj_database_url.config(default="postgres://localhost/shop")}\n'
            'MIDDLEWARE += ["shop.middleware.Timing"]\n'
        ),
        "shop/middleware.py": "class Timing:\n    def __init__(self, get_response):\n        self.get_response = get_response\n",
    })
    (root / "mysite" / "settings.py").unlink()
    facts = detect_facts(root)
    assert facts["database"] == ["postgresql"]
    assert facts["sync_middleware"] == ["shop.middleware.Timing"]


@pytest.mark.parametrize(
    ("engine", "requirements", "driver"),
    [
        ("django.db.backends.postgresql", "Django==5.2\npsycopg2-binary==2.9.10\n", "psycopg2"),
        ("django.db.backends.postgresql", "Django==5.2\npsycopg[binary,pool]>=3.2\n", "psycopg"),
        # Django imports psycopg (3) first when both are installed.
        ("django.db.backends.postgresql", "Django==5.2\npsycopg2==2.9\npsycopg==3.2\n", "psycopg"),
        ("django.contrib.gis.db.backends.postgis", "Django==5.2\npsycopg==3.2\n", "psycopg"),
        ("django.db.backends.sqlite3", "Django==5.2\n", "sqlite3"),
    ],
)
def test_database_driver(make_project, engine, requirements, driver):
    facts = detect_facts(make_project(requirements=requirements, engine=engine))
    assert facts["db_driver"] == driver


@pytest.mark.parametrize(
    ("requirements", "files", "client"),
    [
        ("Django==5.2\naiohttp>=3.9\nhttpx>=0.27\n", {}, "aiohttp"),
        ("Django==5.2\nhttpx==0.28.1\n", {}, "httpx"),
        ("Django==5.2\nhttpx2>=2.16\naiohttp\n", {}, "httpx2"),
        ("Django==5.2\n", {"shop/clients.py": "import aiohttp\n"}, "aiohttp"),
        ("Django==5.2\nrequests\n", {}, None),
    ],
)
def test_async_http_client(make_project, requirements, files, client):
    assert detect_facts(make_project(requirements=requirements, files=files))["http_client"] == client


def test_server_runner_and_apps(make_project):
    root = make_project(
        requirements="Django==5.2\ngunicorn\nuvicorn-worker\npytest-django\npytest-asyncio\nrequests\n",
        files={"blog/views/__init__.py": "", "blog/views/posts.py": "", "shop/views_api.py": "", "conftest.py": "",
               "shop/tests/test_views.py": "", "tests/views.py": ""},
    )
    facts = detect_facts(root)
    assert facts["server"] == "gunicorn-uvicorn"
    assert facts["test_runner"] == "pytest"
    assert facts["test_command"] == "python -m pytest"
    assert facts["pytest_asyncio"] is True
    assert facts["sync_http_clients"] == ["requests"]
    assert facts["view_apps"] == ["blog", "shop"]


def test_without_pytest_django_tests_run_with_manage_py(make_project):
    facts = detect_facts(make_project(requirements="Django==5.2\ndaphne\npytest-django\n"))
    assert facts["test_runner"] == "django"  # pytest-django declared but pytest is not configured
    assert facts["test_command"] == "python manage.py test"
    assert facts["server"] == "daphne"


def test_middleware_capability_is_read_from_source(make_project):
    settings = (
        'DATABASES = {}\nMIDDLEWARE = [\n    "django.middleware.common.CommonMiddleware",\n'
        '    "shop.middleware.Legacy",\n    "shop.middleware.Mixed",\n    "shop.middleware.Flagged",\n'
        '    "shop.middleware.decorated",\n    "vendor_pkg.middleware.Missing",\n]\n'
    )
    middleware = """\
        from django.utils.decorators import sync_and_async_middleware
        from django.utils.deprecation import MiddlewareMixin


        class Legacy:
            def __init__(self, get_response):
                self.get_response = get_response


        class Mixed(MiddlewareMixin):
            pass


        class Flagged:
            async_capable = True


        @sync_and_async_middleware
        def decorated(get_response):
            return get_response
        """
    facts = detect_facts(make_project(files={"mysite/settings.py": settings, "shop/middleware.py": middleware}))
    assert facts["sync_middleware"] == ["shop.middleware.Legacy"]
    assert "source not found (its own or a base's): vendor_pkg.middleware.Missing" in facts.facts["sync_middleware"].source


def test_a_file_in_another_encoding_does_not_stop_the_client_scan(make_project):
    root = make_project(files={"shop/api.py": "import aiohttp\n"})
    (root / "shop" / "legacy.py").write_bytes(b"# caf\xe9\n")
    assert detect_facts(root)["http_client"] == "aiohttp"


def test_user_code_is_never_imported(make_project):
    root = make_project(files={
        "mysite/settings.py": "raise SystemExit('settings imported')\nMIDDLEWARE = ['shop.middleware.Boom']\n",
        "shop/middleware.py": "raise SystemExit('middleware imported')\nclass Boom:\n    pass\n",
    })
    assert detect_facts(root)["sync_middleware"] == ["shop.middleware.Boom"]


@pytest.mark.parametrize(
    ("files", "command"),
    [
        ({"requirements/dev.txt": "-r base.txt\n", "requirements/base.txt": "Django==5.2\n"}, "pip install -r requirements/dev.txt"),
        ({"uv.lock": 'version = 1\n', "pyproject.toml": '[project]\nname = "x"\n'}, "uv export"),
        ({"poetry.lock": "", "pyproject.toml": "[tool.poetry]\n"}, "poetry install"),
        ({"pyproject.toml": '[project]\nname = "x"\ndependencies = ["django"]\n'}, "pip install -e ."),
    ],
)
def test_install_command_for_ci(make_project, files, command):
    assert command in detect_facts(make_project(requirements=None, files=files))["install_deps"]


def test_not_a_django_project(tmp_path, monkeypatch):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "elsewhere.settings")  # left over from another project
    (tmp_path / "README.md").write_text("hello\n")
    with pytest.raises(NotADjangoProject, match="not a Django project"):
        detect_facts(tmp_path)


def test_invalid_toml_is_reported_with_the_file_name(make_project):
    root = make_project(files={"pyproject.toml": "[project\n"})
    with pytest.raises(OSError, match=r"pyproject\.toml: invalid TOML"):
        detect_facts(root)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("django_version=4.2", ("django_version", (4, 2))),
        ("database=postgresql,sqlite3", ("database", ["postgresql", "sqlite3"])),
        ("pytest_asyncio=no", ("pytest_asyncio", False)),
        ("http_client=aiohttp", ("http_client", "aiohttp")),
    ],
)
def test_parse_override(text, expected):
    assert parse_override(text) == expected


@pytest.mark.parametrize("text", ["colour=blue", "django_version", "django_version=latest", "pytest_asyncio=maybe"])
def test_parse_override_rejects_bad_input(text):
    with pytest.raises(ValueError, match="--set"):
        parse_override(text)


def test_init_and_dja601_agree_on_which_middleware_is_sync_only(make_project):
    """One reading of middleware sources serves both: a flag set after the class, a re-export and
    a base from a library the project does not hold (unknown, so not called sync-only)."""
    settings = (
        'DATABASES = {}\nMIDDLEWARE = [\n    "shop.middleware.Late",\n    "shop.middleware.Exported",\n'
        '    "shop.middleware.FromLibrary",\n    "shop.middleware.Plain",\n]\n'
    )
    middleware = """\
        from shop.timing import Exported
        from vendor_lib import VendorBase


        class Late:
            def __init__(self, get_response):
                self.get_response = get_response


        Late.async_capable = True


        class FromLibrary(VendorBase):
            pass


        class Plain:
            pass
    """
    timing = "class Exported:\n    async_capable = True\n"
    facts = detect_facts(make_project(files={"mysite/settings.py": settings, "shop/middleware.py": middleware, "shop/timing.py": timing}))
    assert facts["sync_middleware"] == ["shop.middleware.Plain"]
    assert "source not found (its own or a base's): shop.middleware.FromLibrary" in facts.facts["sync_middleware"].source
