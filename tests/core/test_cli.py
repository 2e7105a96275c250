"""The verify command line: formats, exit codes, configuration, suppression, bad input."""

import json
import os
import subprocess
import sys
import resource
from pathlib import Path

import pytest

BAD_VIEW = '''from shop.models import Product


async def detail(request, pk):
    user = await request.auser()
    product = Product.objects.get(id=pk)
    return product
'''
GOOD_VIEW = '''from shop.models import Product


async def detail(request, pk):
    return await Product.objects.aget(id=pk)
'''


def run(*args, cwd: Path, env=None):
    return subprocess.run([sys.executable, "-m", "verify", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def project(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\ndependencies = ["Django>=5.2,<6"]\n')
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "models.py").write_text("from django.db import models\n\nclass Product(models.Model):\n    name = models.CharField(max_length=9)\n")
    # served over ASGI, as a project with async views should be (else DJA605 says so)
    (shop / "asgi.py").write_text("from django.core.asgi import get_asgi_application\n\napplication = get_asgi_application()\n")
    return tmp_path


def test_findings_exit_1_with_ruff_style_text(project):
    (project / "shop" / "views.py").write_text(BAD_VIEW)
    result = run("shop", "--select", "DJA1", cwd=project)
    assert result.returncode == 1
    assert "shop/views.py:6:15: DJA102 `Product.objects.get(id=pk)` runs a database query" in result.stdout
    assert "6 |     product = Product.objects.get(id=pk)" in result.stdout
    assert "^^^^^^^^^^^^^^^^^^^^^^^^^^" in result.stdout
    assert "= help: use `await Product.objects.aget(...)`" in result.stdout
    assert "Found 1 finding in 4 files (DJA102 x1); Django 5.2." in result.stdout


def test_clean_code_exits_0(project):
    (project / "shop" / "views.py").write_text(GOOD_VIEW)
    result = run(cwd=project)
    assert result.returncode == 0, result.stdout
    assert "All checks passed" in result.stdout


def test_json_format(project):
    (project / "shop" / "views.py").write_text(BAD_VIEW)
    data = json.loads(run("--format", "json", "--select", "DJA1", "shop/views.py", cwd=project).stdout)
    [finding] = data["findings"]
    assert finding == {
        "path": "shop/views.py", "line": 6, "column": 15, "end_line": 6, "end_column": 41, "code": "DJA102",
        "name": "sync-orm-call", "message": finding["message"], "hint": finding["hint"], "severity": "error",
        # what `verify --fix` would do: ast positions (1-based line, 0-based byte column)
        "fix": {"edits": [{"start": [6, 30], "end": [6, 33], "text": "aget"}, {"start": [6, 14], "end": [6, 14], "text": "await "}],
                "unsafe": False, "reason": ""},
    }
    assert data["summary"]["findings"] == 1 and data["summary"]["by_code"] == {"DJA102": 1}


def test_github_and_sarif_formats(project):
    (project / "shop" / "views.py").write_text(BAD_VIEW)
    github = run("--format", "github", "--select", "DJA1", "shop/views.py", cwd=project).stdout
    assert github.startswith("::error file=shop/views.py,line=6,col=15,endLine=6,endColumn=41,title=DJA102 sync-orm-call::")
    sarif = json.loads(run("--format", "sarif", "--select", "DJA1", "shop/views.py", cwd=project).stdout)
    assert sarif["version"] == "2.1.0"
    [result] = sarif["runs"][0]["results"]
    assert result["ruleId"] == "DJA102" and result["locations"][0]["physicalLocation"]["region"]["startLine"] == 6


def test_exit_zero_select_and_ignore(project):
    (project / "shop" / "views.py").write_text(BAD_VIEW)
    assert run("--exit-zero", cwd=project).returncode == 0
    assert run("--ignore", "DJA1", cwd=project).returncode == 0
    assert run("--select", "DJA2", cwd=project).returncode == 0
    assert run("--select", "DJA102", cwd=project).returncode == 1


def test_noqa_suppresses_one_code_or_all(project):
    (project / "shop" / "views.py").write_text(BAD_VIEW.replace("get(id=pk)", "get(id=pk)  # noqa: DJA102"))
    assert run(cwd=project).returncode == 0
    (project / "shop" / "views.py").write_text(BAD_VIEW.replace("get(id=pk)", "get(id=pk)  # noqa: DJA101"))
    assert run(cwd=project).returncode == 1
    (project / "shop" / "views.py").write_text(BAD_VIEW.replace("get(id=pk)", "get(id=pk)  # noqa"))
    assert run(cwd=project).returncode == 0


def test_a_page_break_does_not_shift_lines_for_messages_snippets_or_noqa(project):
    """A form feed (^L) ends a line for str.splitlines() but not for Python's parser."""
    page_break = BAD_VIEW.replace("\n\n\nasync def", "\n\f\n\nasync def")
    (project / "shop" / "views.py").write_text(page_break)
    result = run("--select", "DJA102", cwd=project)
    assert "shop/views.py:6:15: DJA102 `Product.objects.get(id=pk)` runs a database query" in result.stdout
    assert "6 |     product = Product.objects.get(id=pk)" in result.stdout
    (project / "shop" / "views.py").write_text(page_break.replace("get(id=pk)", "get(id=pk)  # noqa: DJA102"))
    assert run("--select", "DJA102", cwd=project).returncode == 0


def test_pyproject_configuration(project):
    (project / "shop" / "views.py").write_text(BAD_VIEW)
    (project / "shop" / "legacy.py").write_text(BAD_VIEW)
    config = project / "pyproject.toml"
    config.write_text(config.read_text() + '\n[tool.django-async-kit]\nexclude = ["shop/legacy.py"]\nper-file-ignores = {"shop/views.py" = ["DJA102"]}\ntarget-version = "5.0"\n')
    result = run("--format", "json", cwd=project)
    data = json.loads(result.stdout)
    assert data["findings"] == [] and data["summary"]["django_version"] == "5.0"


@pytest.mark.parametrize(
    "section, message",
    [
        ('select = "DJA1"', "`select` must be a list of strings"),
        ('colour = "red"', "unknown key `colour`"),
        ('target-version = "latest"', "`target-version` must be a string like"),
        ('select = ["E501"]', "not a DJA code"),
    ],
)
def test_bad_configuration_is_one_line_exit_2(project, section, message):
    (project / "pyproject.toml").write_text(f"[tool.django-async-kit]\n{section}\n")
    result = run(cwd=project)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_invalid_toml_is_exit_2(project):
    (project / "pyproject.toml").write_text("[tool.django-async-kit\n")
    result = run(cwd=project)
    assert result.returncode == 2 and "invalid TOML" in result.stderr and "Traceback" not in result.stderr


def test_syntax_error_is_one_finding_and_other_files_are_checked(project):
    (project / "shop" / "broken.py").write_text("async def v(request)\n    pass\n")
    (project / "shop" / "views.py").write_text(BAD_VIEW)
    result = run("--format", "json", cwd=project)
    codes = sorted(f["code"] for f in json.loads(result.stdout)["findings"])
    assert codes == ["DJA000", "DJA102"] and result.returncode == 1


@pytest.mark.parametrize(
    "content, message",
    [(b"\xff\xfe\x00\x00binary", "is a binary file"), (b"x = '\xe9'\n", "cannot decode")],
)
def test_binary_or_undecodable_file_is_exit_2_and_others_still_checked(project, content, message):
    (project / "shop" / "odd.py").write_bytes(content)
    (project / "shop" / "views.py").write_text(BAD_VIEW)
    result = run(cwd=project)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert "DJA102" in result.stdout


def test_missing_path_and_bad_arguments_exit_2(project):
    result = run("does/not/exist.py", cwd=project)
    assert result.returncode == 2 and "path not found: does/not/exist.py" in result.stderr
    assert run("--select", "E501", cwd=project).returncode == 2
    assert run("--target-version", "six", cwd=project).returncode == 2
    assert run("--format", "xml", cwd=project).returncode == 2
    jobs = run("--jobs", "-2", cwd=project)
    assert jobs.returncode == 2 and "--jobs must be 0" in jobs.stderr and "Traceback" not in jobs.stderr


def test_unreadable_file_is_exit_2(project):
    # A dangling symlink cannot be read, even by root (CI runs as root, so chmod 0 would not do).
    (project / "shop" / "views.py").symlink_to(project / "gone.py")
    result = run(cwd=project)
    assert result.returncode == 2
    assert "cannot read shop/views.py" in result.stderr and "Traceback" not in result.stderr


def test_skips_virtualenvs_migrations_and_gitignored_files(project):
    for folder in (".venv/lib", "shop/migrations", "node_modules/x", "build_output"):
        (project / folder).mkdir(parents=True)
        (project / folder / "bad.py").write_text(BAD_VIEW)
    (project / ".gitignore").write_text("build_output/\n")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    result = run("--format", "json", cwd=project)
    assert json.loads(result.stdout)["findings"] == []


def test_rules_and_rule_commands():
    listing = subprocess.run([sys.executable, "-m", "verify", "rules"], capture_output=True, text=True)
    assert listing.returncode == 0 and "DJA101  unawaited-coroutine" in listing.stdout
    doc = subprocess.run([sys.executable, "-m", "verify", "rule", "dja106"], capture_output=True, text=True)
    assert doc.returncode == 0 and "## Why is this bad?" in doc.stdout and "select_related" in doc.stdout
    missing = subprocess.run([sys.executable, "-m", "verify", "rule", "DJA999"], capture_output=True, text=True)
    assert missing.returncode == 2 and "unknown rule" in missing.stderr


def test_version_starts_fast_without_heavy_imports():
    probe = "import sys, runpy; sys.argv=['verify','--version']\ntry:\n    runpy.run_module('verify', run_name='__main__')\nexcept SystemExit: pass\nprint(sorted(m for m in ('jinja2','yaml','django') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip().endswith("[]"), result.stdout
    # CPU time of the child, not wall time: the suite may share the machine with other work.
    best = min(_cpu_seconds([sys.executable, "-m", "verify", "--version"]) for _ in range(5))
    assert best < 0.150, f"python -m verify --version took {best:.3f} s of CPU"


def _cpu_seconds(command) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, capture_output=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def test_syntax_error_in_a_file_without_async_code_is_reported(project):
    (project / "shop" / "broken.py").write_text("def total(items:\n    return sum(items)\n")
    (project / "shop" / "views.py").write_text(GOOD_VIEW)
    result = run("--format", "json", cwd=project)
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["path"], finding["code"], finding["line"]) == ("shop/broken.py", "DJA000", 1)
    assert result.returncode == 1
