"""DJA603: psycopg2 as the PostgreSQL driver, at the requirement line."""

from dja6_project import VIEWS, make_project, project_findings, where

PYPROJECT = '''\
[project]
name = "shop"
dependencies = [
    "Django>=5.2",
    "psycopg2-binary>=2.9",
]
'''

POETRY = '''\
[tool.poetry.dependencies]
python = "^3.12"
psycopg2 = "^2.9"
'''

UV_LOCK = '''\
[[package]]
name = "django"
version = "5.2.1"

[[package]]
name = "psycopg2-binary"
version = "2.9.10"
'''


def test_requirement_lines_in_requirements_and_pyproject_are_reported(tmp_path):
    make_project(tmp_path, {
        "requirements.txt": "# the stack\nDjango>=5.2\npsycopg2-binary==2.9.9  # driver\nuvicorn\n",
        "requirements/prod.txt": "-r ../requirements.txt\npsycopg2>=2.9\n",
        "pyproject.toml": PYPROJECT,
    })
    findings = project_findings(tmp_path, ["DJA603"])
    assert where(findings, tmp_path) == [
        ("DJA603", "pyproject.toml", 5), ("DJA603", "requirements.txt", 3), ("DJA603", "requirements/prod.txt", 2),
    ]
    by_file = {f.path.rsplit("/", 1)[-1]: f for f in findings}
    assert by_file["pyproject.toml"].column == 6 and by_file["pyproject.toml"].end_column == 6 + len("psycopg2-binary")
    assert "psycopg 3" in by_file["requirements.txt"].message


def test_poetry_dependencies_are_read(tmp_path):
    make_project(tmp_path, {"requirements.txt": None, "pyproject.toml": POETRY})
    assert where(project_findings(tmp_path, ["DJA603"]), tmp_path) == [("DJA603", "pyproject.toml", 3)]


def test_a_lock_file_is_reported_only_when_no_manifest_names_the_driver(tmp_path):
    make_project(tmp_path, {"requirements.txt": None, "uv.lock": UV_LOCK})
    assert where(project_findings(tmp_path, ["DJA603"]), tmp_path) == [("DJA603", "uv.lock", 6)]


def test_psycopg_3_next_to_psycopg2_wins_and_passes(tmp_path):
    make_project(tmp_path, {"requirements.txt": "Django>=5.2\npsycopg[binary]>=3.2\npsycopg2-binary>=2.9\n"})
    assert project_findings(tmp_path, ["DJA603"]) == []


def test_psycopg_3_comments_and_lookalike_names_pass(tmp_path):
    make_project(tmp_path, {"requirements.txt": "Django>=5.2\n# psycopg2-binary>=2.9 replaced by psycopg 3\npsycopg>=3.2\npsycopg-pool>=3.2\n"})
    assert project_findings(tmp_path, ["DJA603"]) == []
    make_project(tmp_path, {"requirements.txt": "Django>=5.2\npsycopg2cffi>=2.9\n"})
    assert project_findings(tmp_path, ["DJA603"]) == []


def test_a_sync_project_is_not_checked(tmp_path):
    sync_views = VIEWS.replace("async def", "def").replace("await Order.objects.acount()", "Order.objects.count()")
    make_project(tmp_path, {"shop/views.py": sync_views, "config/asgi.py": None, "Procfile": None,
                            "requirements.txt": "Django>=5.2\npsycopg2-binary\n"})
    assert project_findings(tmp_path, ["DJA603"]) == []
