"""DJA602: CONN_MAX_AGE > 0 or None in a project served over ASGI, at the key's line."""

import pytest

from dja6_project import SETTINGS, make_project, project_findings, where

PERSISTENT = SETTINGS.replace('"CONN_MAX_AGE": 0,\n        "OPTIONS": {"pool": True},', '"CONN_MAX_AGE": 600,')
WSGI_ONLY = {"config/asgi.py": None, "Procfile": "web: gunicorn config.wsgi --workers 4\n"}


def test_persistent_connections_are_reported_at_the_key_with_the_pool_hint(tmp_path):
    make_project(tmp_path, {"config/settings.py": PERSISTENT})
    [finding] = project_findings(tmp_path, ["DJA602"])
    assert where([finding], tmp_path) == [("DJA602", "config/settings.py", 13)]
    assert (finding.column, finding.end_column) == (9, 9 + len('"CONN_MAX_AGE"'))  # the key
    assert "600" in finding.message and "ASGI" in finding.message
    assert '"pool"' in finding.hint


def test_before_django_5_1_the_hint_does_not_offer_the_pool(tmp_path):
    make_project(tmp_path, {"config/settings.py": PERSISTENT, "requirements.txt": "Django>=4.2,<5\npsycopg>=3.1\n"})
    [finding] = project_findings(tmp_path, ["DJA602"])
    assert "pool" not in finding.hint


@pytest.mark.parametrize("value", ["None", "60", 'int(os.environ.get("CONN_MAX_AGE", "60"))'])
def test_unlimited_positive_and_environment_defaults_are_persistent(tmp_path, value):
    settings = "import os\n" + SETTINGS.replace('"CONN_MAX_AGE": 0', f'"CONN_MAX_AGE": {value}')
    make_project(tmp_path, {"config/settings.py": settings})
    assert where(project_findings(tmp_path, ["DJA602"]), tmp_path) == [("DJA602", "config/settings.py", 14)]


def test_split_settings_report_the_override_that_wins(tmp_path):
    make_project(tmp_path, {
        "config/settings.py": None,
        "manage.py": None,
        "pyproject.toml": '[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = "config.settings.dev"\n',
        "config/settings/__init__.py": "",
        "config/settings/base.py": PERSISTENT,
        "config/settings/dev.py": "from .base import *\n\nDATABASES[\"default\"][\"CONN_MAX_AGE\"] = 0\n",
        "config/settings/prod.py": "from config.settings.base import *\n\nDEBUG = False\n",
        "config/settings/test.py": "from .base import *\n\nDATABASES[\"default\"][\"CONN_MAX_AGE\"] = 300\n",
    })
    # prod keeps base's 600 (reported in base.py); dev turns it off; test settings are not served
    assert where(project_findings(tmp_path, ["DJA602"]), tmp_path) == [("DJA602", "config/settings/base.py", 13)]


def test_dj_database_url_and_subscript_assignments_are_read(tmp_path):
    settings = SETTINGS + (
        "\nimport dj_database_url\n\n"
        "DATABASES = {\"default\": dj_database_url.config(conn_max_age=600)}\n"
        "DATABASES[\"replica\"] = {\"ENGINE\": \"django.db.backends.postgresql\"}\n"
        "DATABASES[\"replica\"][\"CONN_MAX_AGE\"] = None\n"
    )
    make_project(tmp_path, {"config/settings.py": settings})
    assert where(project_findings(tmp_path, ["DJA602"]), tmp_path) == [
        ("DJA602", "config/settings.py", 20), ("DJA602", "config/settings.py", 22),
    ]


def test_updates_of_a_database_entry_are_read(tmp_path):
    settings = SETTINGS + "\nDATABASES[\"default\"].update({\"CONN_MAX_AGE\": 30})\nDATABASES[\"default\"].update(CONN_MAX_AGE=None)\n"
    make_project(tmp_path, {"config/settings.py": settings})
    assert where(project_findings(tmp_path, ["DJA602"]), tmp_path) == [("DJA602", "config/settings.py", 19)]  # the later one wins
    make_project(tmp_path, {"config/settings.py": settings.replace("CONN_MAX_AGE=None", "CONN_MAX_AGE=0")})
    assert project_findings(tmp_path, ["DJA602"]) == []


def test_a_project_served_over_wsgi_may_keep_persistent_connections(tmp_path):
    make_project(tmp_path, {"config/settings.py": PERSISTENT, **WSGI_ONLY})
    assert project_findings(tmp_path, ["DJA602"]) == []


def test_zero_and_unknown_values_pass(tmp_path):
    make_project(tmp_path, {"config/settings.py": "from config.db import conn_age\n" + SETTINGS.replace('"CONN_MAX_AGE": 0', '"CONN_MAX_AGE": conn_age()')})
    assert project_findings(tmp_path, ["DJA602"]) == []
    make_project(tmp_path)
    assert project_findings(tmp_path, ["DJA602"]) == []


def test_a_value_named_by_a_module_variable_or_django_environ_default_is_resolved(tmp_path):
    settings = "import environ\n\nenv = environ.Env()\nAGE = 120\n" + SETTINGS.replace('"CONN_MAX_AGE": 0', '"CONN_MAX_AGE": AGE')
    settings += '\nDATABASES["replica"] = env.db("REPLICA_URL")\nDATABASES["replica"]["CONN_MAX_AGE"] = env.int("REPLICA_AGE", default=90)\n'
    make_project(tmp_path, {"config/settings.py": settings})
    findings = project_findings(tmp_path, ["DJA602"])
    assert where(findings, tmp_path) == [("DJA602", "config/settings.py", 17), ("DJA602", "config/settings.py", 23)]
    assert "120" in findings[0].message and "90 (default of an environment variable)" in findings[1].message


def test_a_database_entry_named_in_a_base_module_is_reported_where_its_key_is_written(tmp_path):
    make_project(tmp_path, {
        "config/settings.py": None,
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.prod')\n",
        "config/settings/__init__.py": "",
        "config/settings/base.py": "PRIMARY = {\n    'ENGINE': 'django.db.backends.postgresql',\n    'CONN_MAX_AGE': 300,\n}\n",
        "config/settings/prod.py": "from .base import *\n\nDATABASES = {'default': PRIMARY}\n",
    })
    assert where(project_findings(tmp_path, ["DJA602"]), tmp_path) == [("DJA602", "config/settings/base.py", 3)]
