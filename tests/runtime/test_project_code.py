"""Which files count as the project's code: blocking calls are only blamed on those."""

import sys
from pathlib import Path

import django
import pytest

import verify
from verify.runtime.project_code import ProjectCode


@pytest.fixture
def project(tmp_path):
    return ProjectCode([tmp_path], test_file_patterns=["test_*.py", "*_test.py"])


def test_the_projects_modules_are_project_code(project, tmp_path):
    assert project.contains(str(tmp_path / "shop" / "views.py"))


@pytest.mark.parametrize(
    "relative",
    ["shop/test_views.py", "shop/views_test.py", "conftest.py", "tests/factories.py", "shop/test/helpers.py"],
)
def test_test_code_is_not(project, tmp_path, relative):
    assert not project.contains(str(tmp_path / relative))


def test_a_root_inside_a_tests_directory_still_holds_project_code(tmp_path):
    root = tmp_path / "tests" / "demo"
    project = ProjectCode([root], test_file_patterns=["test_*.py"])
    assert project.contains(str(root / "demo" / "views.py"))


def test_installed_libraries_python_and_the_kit_are_not(project, tmp_path):
    assert not project.contains(django.__file__)
    assert not project.contains(pytest.__file__)
    assert not project.contains(verify.__file__)
    assert not project.contains("<frozen importlib._bootstrap>")
    assert not project.contains(str(tmp_path.parent / "elsewhere.py"))


def test_a_project_installed_in_site_packages_is_project_code_when_configured():
    installed_django = Path(django.__file__).parent
    project = ProjectCode([installed_django], test_file_patterns=["test_*.py"])
    assert project.contains(str(installed_django / "shortcuts.py"))


def test_a_project_under_pythons_prefix_is_project_code():
    # Docker images put the project in /usr/src/app while Python's prefix is /usr.
    root = Path(sys.base_prefix) / "src" / "app"
    project = ProjectCode([root], test_file_patterns=["test_*.py"])
    assert project.contains(str(root / "shop" / "views.py"))
