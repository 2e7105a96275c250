"""Code in a newer Python's syntax than the one running the kit is not a syntax error to fix:
the run says once which Python the files need and exits 2, and checks every other file.
Through the command line, on real files; older interpreters found on the machine check the
constructs of 3.11 to 3.13."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXCEPT_WITHOUT_PARENTHESES = "def parse(text):\n    try:\n        return int(text)\n    except ValueError, TypeError:\n        return None\n"
T_STRING = "async def greet(request, name):\n    return t'Hello {name}'\n"
SYNC_ORM_VIEW = "from shop.models import Product\n\n\nasync def detail(request, pk):\n    return Product.objects.get(pk=pk)\n"


@pytest.fixture
def shop(tmp_path):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "models.py").write_text("from django.db import models\n\n\nclass Product(models.Model):\n    pass\n")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\n')
    return tmp_path


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="Python 3.14 parses these files")
def test_files_in_python_3_14_syntax_are_named_once_with_the_python_they_need(shop, cli):
    (shop / "shop" / "parsing.py").write_text(EXCEPT_WITHOUT_PARENTHESES)
    (shop / "shop" / "async_parsing.py").write_text("async def view(request):\n    pass\n\n\n" + EXCEPT_WITHOUT_PARENTHESES)
    (shop / "shop" / "greetings.py").write_text(T_STRING)
    (shop / "shop" / "views.py").write_text(SYNC_ORM_VIEW)
    result = cli("--no-cache", cwd=shop)
    assert result.returncode == 2
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert result.stderr.strip().splitlines() == [
        "django-async-kit: error: 3 files use syntax of Python 3.14 (first: shop/async_parsing.py:8, `except A, B:` without "
        f"parentheses), but the kit runs on Python {running} and could not check them: run django-async-kit on Python 3.14 or newer"
    ]
    assert "DJA000" not in result.stdout and "fix the syntax" not in result.stdout
    assert "shop/views.py:5:12: DJA102" in result.stdout  # the other files are checked
    assert "1 input error below." in result.stdout


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="Python 3.14 parses this file")
def test_a_single_file_in_newer_syntax_is_named(shop, cli):
    (shop / "shop" / "greetings.py").write_text(T_STRING)
    result = cli("shop/greetings.py", "--no-cache", cwd=shop)
    assert result.returncode == 2
    assert "1 file uses syntax of Python 3.14 (first: shop/greetings.py:2, a template string" in result.stderr
    assert "All checks passed" not in result.stdout


@pytest.mark.parametrize("source", [
    "async def view(request)\n    pass\n",  # a real mistake
    "try:\n    pass\nexcept ValueError, TypeError as error:\n    pass\n",  # needs parentheses on every Python
])
def test_a_real_syntax_error_is_still_a_finding_to_fix(shop, cli, source):
    (shop / "shop" / "views.py").write_text(source)
    result = cli("shop/views.py", "--no-cache", cwd=shop)
    assert result.returncode == 1, result.stderr
    assert "DJA000 syntax error" in result.stdout and "fix the syntax" in result.stdout
    assert result.stderr == ""


def older_pythons() -> list[tuple[tuple[int, int], str]]:
    """Older interpreters on this machine that can run the kit's verify command (3.11+: tomllib)."""
    found = []
    for minor in (11, 12):
        if (3, minor) >= sys.version_info[:2]:
            continue
        candidates = [shutil.which(f"python3.{minor}"), *map(str, Path.home().glob(f".pyenv/versions/3.{minor}.*/bin/python3"))]
        for candidate in filter(None, candidates):
            probe = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True)
            if probe.stdout.strip() == f"(3, {minor})":
                found.append(((3, minor), candidate))
                break
    return found


NEWER_CONSTRUCTS = [
    ("type Point = tuple[float, float]\n", (3, 12), "a `type` statement"),
    ("def first[T](items: list[T]) -> T:\n    return items[0]\n", (3, 12), "type parameters `[T]`"),
    ("def first[T = int](items: list[T]) -> T:\n    return items[0]\n", (3, 13), "a type parameter default"),
    ('def label(row):\n    return f"{row["name"]}"\n', (3, 12), "an f-string that reuses its quotes"),
    ("try:\n    pass\nexcept* ValueError:\n    pass\n", (3, 11), "`except*`"),
]


@pytest.mark.parametrize("python_version, python", older_pythons() or [pytest.param(None, None, marks=pytest.mark.skip(reason="no older Python here"))])
def test_on_an_older_python_the_constructs_of_each_newer_one_are_named(shop, cli, python_version, python):
    expected = {}
    for number, (source, needs, construct) in enumerate(NEWER_CONSTRUCTS):
        if needs > python_version:
            (shop / "shop" / f"module_{number}.py").write_text(source)
            expected[f"shop/module_{number}.py"] = (needs, construct)
    for path, (needs, construct) in expected.items():
        result = cli(path, "--no-cache", cwd=shop, python=python)
        assert result.returncode == 2, (path, result.stdout, result.stderr)
        assert f"1 file uses syntax of Python {needs[0]}.{needs[1]} (first: {path}:" in result.stderr
        assert construct in result.stderr


@pytest.mark.parametrize("requires, newer", [(f">={sys.version_info[0]}.{sys.version_info[1] + 1}", True),
                                             (f">={sys.version_info[0]}.{sys.version_info[1]}", False),
                                             (None, False)])
def test_an_unknown_syntax_error_in_a_project_that_requires_a_newer_python_is_named_as_such(shop, cli, requires, newer):
    # syntax no Python has yet: in a project that requires a newer Python, likely that Python's
    project = '[project]\nname = "shop"\n' + (f'requires-python = "{requires}"\n' if requires else "")
    (shop / "pyproject.toml").write_text(project)
    (shop / "shop" / "views.py").write_text("async def view(request):\n    return request ?? None\n")
    result = cli("shop/views.py", "--no-cache", cwd=shop)
    if newer:
        needed = f"{sys.version_info[0]}.{sys.version_info[1] + 1}"
        assert result.returncode == 2 and "DJA000" not in result.stdout
        assert result.stderr.startswith(f"django-async-kit: error: 1 file uses syntax of Python {needed} (first: shop/views.py:2, "
                                        f"syntax Python {sys.version_info[0]}.{sys.version_info[1]} cannot parse (")
        assert f"in a project that requires Python {needed})" in result.stderr
    else:
        assert result.returncode == 1 and "DJA000 syntax error" in result.stdout and result.stderr == ""
