"""One path representation inside the engine: however a file is named on the command line
(relative, absolute, through ``..`` or a symbolic link, from another folder), the engine and the
cache know it by its absolute path, and only the report shows the display path."""

import json
import os
import textwrap
from pathlib import Path

import pytest

from verify.api import check_paths
from verify.pipeline.cache import MANIFEST
from verify.pipeline.discovery import SourceFile
from verify.pipeline.runner import Job, Selection

HELPERS = """\
import asyncio


async def log_visit(path):
    await asyncio.sleep(0)
"""

VIEWS = """\
import time

from shop.helpers import log_visit


async def orders(request):
    time.sleep(1)
    log_visit(request.path)
"""


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    for relative, text in {"manage.py": "", "shop/__init__.py": "", "shop/helpers.py": HELPERS, "shop/views.py": VIEWS}.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(textwrap.dedent(text))
    (tmp_path / "link").symlink_to(root / "shop")
    (tmp_path / "elsewhere").mkdir()
    return root


def _positions(report):
    return sorted((finding.code, finding.line, finding.column, finding.message) for finding in report.findings)


@pytest.mark.parametrize("cwd, given, shown", [
    ("project", "shop", "shop/views.py"),
    ("project", "{root}/shop", "shop/views.py"),
    ("project", "shop/../shop", "shop/views.py"),
    ("project", "./shop/views.py", "shop/views.py"),
    ("project/shop", ".", "views.py"),
    ("project/shop", "../shop", "../shop/views.py"),
    (".", "link", "link/views.py"),
    ("elsewhere", "{root}/shop", "{root}/shop/views.py"),  # not below the working directory: absolute
])
def test_every_form_of_a_path_gives_the_same_findings_at_its_display_path(project, monkeypatch, cwd, given, shown):
    monkeypatch.chdir(project.parent / cwd)
    expected = _positions(check_paths([str(project / "shop")], cache=False, use_config=False))
    assert {code for code, *_ in expected} >= {"DJA302", "DJA101"}  # the DJA101 needs the helper module: a dependency

    report = check_paths([given.format(root=project)], cache=False, use_config=False)

    assert _positions(report) == expected
    assert {finding.path for finding in report.findings} == {shown.format(root=project)}


def test_the_cache_keeps_absolute_paths_only_and_serves_any_working_directory(project, tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    monkeypatch.chdir(project)
    first = check_paths(["shop"], cache_dir=cache_dir, use_config=False, jobs=1)
    manifest = json.loads((cache_dir / MANIFEST).read_text())
    entries = list(manifest["entries"].values())
    assert entries and all(os.path.isabs(entry["path"]) for entry in entries)
    assert all(os.path.isabs(dep) for entry in entries for dep in entry["deps"])
    assert str(project / "shop" / "helpers.py") in {dep for entry in entries for dep in entry["deps"]}
    assert all(os.path.isabs(finding["path"]) for entry in entries for finding in entry["findings"])
    assert all(os.path.isabs(path) for path in manifest["files"])

    monkeypatch.chdir(project / "shop")  # the same files, cached, shown from another folder
    again = check_paths(["."], cache_dir=cache_dir, use_config=False, jobs=1)
    assert json.loads((cache_dir / MANIFEST).read_text())["entries"] == manifest["entries"]  # all served from the cache
    assert _positions(again) == _positions(first)
    assert {finding.path for finding in again.findings} == {"views.py"}


def test_the_runner_takes_source_files_only(project):
    file = SourceFile.of(project / "shop" / "views.py")
    assert file.path == project / "shop" / "views.py" and file.path.is_absolute()
    Job(file, None, Selection((), ()), "")
    with pytest.raises(TypeError, match="SourceFile"):
        Job(str(file.path), None, Selection((), ()), "")
    with pytest.raises(TypeError, match="SourceFile"):
        Job(Path("shop/views.py"), None, Selection((), ()), "")


@pytest.mark.parametrize("cwd, given", [("project", "."), ("project", "shop"), ("project", "{root}"), ("project/shop", ".."),
                                        ("elsewhere", "{root}"), ("elsewhere", "../project/shop/.."), (".", "link")])
def test_a_folder_walk_gives_each_file_the_paths_it_would_get_named_alone(project, monkeypatch, cwd, given):
    from verify.pipeline.discovery import collect, display_path

    (project / "..notes.py").write_text("")  # a name that starts with "..": still below the folder
    monkeypatch.chdir(project.parent / cwd)
    folder = Path(given.format(root=project))
    files = collect([str(folder)], [], project)
    assert files and all(file == SourceFile.of(folder / file.path.relative_to(os.path.abspath(folder))) for file in files)
    assert all(file.display == display_path(folder / file.path.relative_to(os.path.abspath(folder))) for file in files)
