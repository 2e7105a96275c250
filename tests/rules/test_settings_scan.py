"""Finding and reading a project's settings statically (never importing them)."""

from pathlib import Path

from dja6_project import SETTINGS, make_project

from verify.project.deployment_files import ProjectFiles
from verify.project.settings_scan import SettingsFinder


def modules(root: Path) -> dict[str, list[str]]:
    """settings module -> its MIDDLEWARE entries."""
    return {s.module: [e.dotted for e in s.middleware] for s in SettingsFinder(ProjectFiles(root)).settings_modules()}


def test_manage_py_names_the_settings_module(tmp_path):
    make_project(tmp_path)
    assert list(modules(tmp_path)) == ["config.settings"]


def test_a_nested_project_is_resolved_from_its_manage_py_folder(tmp_path):
    nested = tmp_path / "backend"
    make_project(nested)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'mono'\n")
    finder = SettingsFinder(ProjectFiles(tmp_path))
    [settings] = finder.settings_modules()
    assert settings.path == nested / "config" / "settings.py"


def test_split_settings_follow_star_imports_and_read_every_module_of_the_package(tmp_path):
    make_project(tmp_path, {
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.dev')\n",
        "config/settings.py": None,
        "config/settings/__init__.py": "",
        "config/settings/base.py": SETTINGS,
        "config/settings/dev.py": "from .base import *\n\nMIDDLEWARE = MIDDLEWARE + ['debug_toolbar.middleware.DebugToolbarMiddleware']\n",
        "config/settings/prod.py": "from config.settings.base import *\nMIDDLEWARE.append('shop.middleware.Audit')\n",
        "config/settings/test.py": "from .base import *\n",
    })
    found = modules(tmp_path)
    base = ["django.middleware.security.SecurityMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
            "shop.middleware.TimingMiddleware"]
    assert found == {
        "config.settings.dev": base + ["debug_toolbar.middleware.DebugToolbarMiddleware"],
        "config.settings": [],
        "config.settings.base": base,
        "config.settings.prod": base + ["shop.middleware.Audit"],
    }


def test_settings_named_only_in_deployment_or_env_files_are_found(tmp_path):
    make_project(tmp_path, {
        "manage.py": None,
        "config/settings.py": None,
        "config/asgi.py": "from django.core.asgi import get_asgi_application\napplication = get_asgi_application()\n",
        "config/wsgi.py": None,
        "config/production.py": SETTINGS,
        ".env": "DJANGO_SETTINGS_MODULE=config.production\n",
    })
    assert list(modules(tmp_path)) == ["config.production"]


def test_without_any_settings_module_name_the_usual_files_are_read(tmp_path):
    make_project(tmp_path, {"manage.py": None, "config/asgi.py": None, "config/wsgi.py": None})
    assert list(modules(tmp_path)) == ["config.settings"]


def test_statements_the_scan_cannot_evaluate_are_skipped_without_error(tmp_path):
    make_project(tmp_path, {"config/settings.py": "from .local import *\nMIDDLEWARE = build()\nthis is not python\n"})
    assert modules(tmp_path) == {"config.settings": []}


def test_the_django_stubs_mypy_setting_names_the_module_too(tmp_path):
    make_project(tmp_path, {
        "manage.py": None, "config/asgi.py": None, "config/wsgi.py": None, "config/settings.py": None,
        "config/production.py": SETTINGS,
        "setup.cfg": "[mypy.plugins.django-stubs]\ndjango_settings_module = config.production\n",
    })
    assert list(modules(tmp_path)) == ["config.production"]


def test_middleware_built_from_named_lists_points_at_the_file_that_lists_each_entry(tmp_path):
    make_project(tmp_path, {
        "config/settings.py": None,
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.prod')\n",
        "config/settings/__init__.py": "",
        "config/settings/base.py": "DJANGO_MIDDLEWARE = ['django.middleware.common.CommonMiddleware']\n",
        "config/settings/prod.py": "from .base import *\n\nPROJECT = ['shop.middleware.TimingMiddleware']\n"
                                   "MIDDLEWARE = [*DJANGO_MIDDLEWARE, 'shop.middleware.Audit'] + PROJECT\n",
    })
    [prod] = [s for s in SettingsFinder(ProjectFiles(tmp_path)).settings_modules() if s.module == "config.settings.prod"]
    assert [(e.dotted, e.at.path.name, e.at.line) for e in prod.middleware] == [
        ("django.middleware.common.CommonMiddleware", "base.py", 1),
        ("shop.middleware.Audit", "prod.py", 4),
        ("shop.middleware.TimingMiddleware", "prod.py", 3),
    ]
