"""`django-async-kit verify <project>` runs the settings rules with the code rules, and the
reports show settings findings like any other; suppression works for them too."""

import json
import subprocess
import sys

from dja6_project import SETTINGS, VIEWS, make_project, project_findings

SYNC_MIDDLEWARE = "class TimingMiddleware:\n    def __init__(self, get_response):\n        self.get_response = get_response\n"
TASK_VIEW = VIEWS.replace("from django.http", "import asyncio\n\nfrom django.http").replace(
    "    return JsonResponse", "    asyncio.create_task(Order.objects.acreate(total=1))\n    return JsonResponse")


def verify(*args, cwd):
    return subprocess.run([sys.executable, "-m", "verify", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_text_report_shows_code_and_settings_findings_together(tmp_path):
    make_project(tmp_path, {"shop/middleware.py": SYNC_MIDDLEWARE, "shop/views.py": TASK_VIEW})
    result = verify("--no-config", cwd=tmp_path)
    assert result.returncode == 1
    assert "config/settings.py:6:5: DJA601 middleware `shop.middleware.TimingMiddleware` is sync-only" in result.stdout
    assert '6 |     "shop.middleware.TimingMiddleware",' in result.stdout
    assert "shop/views.py:9:5: DJA401" in result.stdout


def test_json_report_lists_settings_findings_with_their_file_and_line(tmp_path):
    make_project(tmp_path, {"shop/middleware.py": SYNC_MIDDLEWARE})
    data = json.loads(verify("--no-config", "--format", "json", ".", cwd=tmp_path).stdout)
    [finding] = data["findings"]
    assert (finding["path"], finding["line"], finding["column"], finding["code"]) == ("config/settings.py", 6, 5, "DJA601")
    assert finding["severity"] == "warning"
    assert data["summary"]["by_code"] == {"DJA601": 1}


def test_noqa_on_the_settings_line_suppresses_the_finding(tmp_path):
    settings = SETTINGS.replace('"shop.middleware.TimingMiddleware",', '"shop.middleware.TimingMiddleware",  # noqa: DJA601')
    make_project(tmp_path, {"shop/middleware.py": SYNC_MIDDLEWARE, "config/settings.py": settings,
                            "requirements.txt": "Django>=6.0\npsycopg2>=2.9  # noqa: DJA603\n"})
    assert project_findings(tmp_path, ["DJA"]) == []


def test_select_ignore_and_per_file_ignores_apply_to_project_rules(tmp_path):
    make_project(tmp_path, {"shop/middleware.py": SYNC_MIDDLEWARE})
    assert [f.code for f in project_findings(tmp_path, ["DJA601"])] == ["DJA601"]
    assert project_findings(tmp_path, ["DJA"], ignore=["DJA6"]) == []
    assert project_findings(tmp_path, ["DJA4"]) == []
    (tmp_path / "pyproject.toml").write_text('[tool.django-async-kit]\nper-file-ignores = {"config/settings.py" = ["DJA601"]}\n')
    assert verify(cwd=tmp_path).returncode == 0


def test_checking_a_file_or_a_subfolder_runs_no_project_rules(tmp_path):
    make_project(tmp_path, {"shop/middleware.py": SYNC_MIDDLEWARE})
    assert verify("--no-config", "shop/views.py", cwd=tmp_path).returncode == 0
    assert verify("--no-config", "shop", cwd=tmp_path).returncode == 0
    assert verify("--no-config", cwd=tmp_path).returncode == 1


def test_a_folder_of_views_that_is_not_a_django_project_gets_no_project_findings(tmp_path):
    make_project(tmp_path, {"manage.py": None, "config/settings.py": None, "config/asgi.py": None, "config/wsgi.py": None,
                            "Procfile": "web: gunicorn config.wsgi\n", "requirements.txt": "psycopg2\n"})
    assert project_findings(tmp_path, ["DJA"]) == []


def test_unreadable_and_broken_project_files_do_not_stop_the_check(tmp_path):
    make_project(tmp_path, {"shop/middleware.py": SYNC_MIDDLEWARE, "config/broken.py": "def (:\n"})
    (tmp_path / "Dockerfile").write_bytes(b"\xff\xfe\x00binary\x00DJANGO_ALLOW_ASYNC_UNSAFE")
    (tmp_path / ".env").symlink_to(tmp_path / "missing.env")
    # the broken file is also reported as a syntax error, whatever the selection (DJA000)
    assert [f.code for f in project_findings(tmp_path, ["DJA6"])] == ["DJA000", "DJA601"]


def test_a_project_folder_inside_another_repository_is_still_a_project(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'monorepo'\n")
    project = tmp_path / "services" / "shop"
    make_project(project / "backend", {"Procfile": None, "requirements.txt": None, "shop/middleware.py": SYNC_MIDDLEWARE})
    (project / "requirements.txt").write_text("Django>=6.0\npsycopg>=3.2\n")
    (project / "Procfile").write_text("web: uvicorn config.asgi:application --app-dir backend\n")
    # `verify services/shop`: requirements and a Procfile on top, manage.py in backend/
    assert [f.code for f in project_findings(project, ["DJA6"])] == ["DJA601"]


def test_the_cached_project_pass_follows_edits_to_the_files_it_read_and_new_files(tmp_path):
    make_project(tmp_path, {"shop/middleware.py": SYNC_MIDDLEWARE})
    first = project_findings(tmp_path)
    assert [f.code for f in first] == ["DJA601"]
    assert project_findings(tmp_path) == first  # from the cache
    (tmp_path / "shop" / "middleware.py").write_text(SYNC_MIDDLEWARE + "\nTimingMiddleware.async_capable = True\n")
    assert project_findings(tmp_path) == []  # a file the pass read changed
    (tmp_path / "Procfile").unlink()
    (tmp_path / "config" / "asgi.py").unlink()
    (tmp_path / "Procfile.web").write_text("web: gunicorn config.wsgi --workers 4\n")  # a new deployment file
    uncached = project_findings(tmp_path, cache=False)
    assert project_findings(tmp_path) == uncached and {f.code for f in uncached} == {"DJA605"}


def test_a_parallel_run_reports_the_project_pass_with_the_files(tmp_path):
    """The project pass runs in the main process while the workers start: same findings."""
    views = {f"shop/views_{n}.py": TASK_VIEW for n in range(14)}  # enough files for worker processes
    make_project(tmp_path, {"shop/middleware.py": SYNC_MIDDLEWARE, **views})
    serial = project_findings(tmp_path, ["DJA4", "DJA6"], cache=False, jobs=1)
    assert [f.code for f in serial].count("DJA401") == 14 and [f.code for f in serial].count("DJA601") == 1
    assert project_findings(tmp_path, ["DJA4", "DJA6"], cache=False, jobs=2) == serial
