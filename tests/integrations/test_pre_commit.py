"""The pre-commit hook (.pre-commit-hooks.yaml), run by pre-commit itself: ``pre-commit try-repo``
against temporary git repositories, and the ``.pre-commit-config.yaml`` snippet of docs/integrations.md.

pre-commit installs the hook's repository into a fresh virtualenv with pip for every try-repo; both
installs run from the session's wheelhouse, with no package index."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from integration_support import BAD_COLUMN, BAD_LINE, BAD_VIEW, GOOD_VIEW, REPO, SNIPPETS, commit_all, init_repo, make_project, offline_pip_env

from verify import __version__

HOOK_ID = "django-async-kit-verify"


def hook_repository(path: Path) -> tuple[Path, str]:
    """This working tree (tracked and new files, as `git status` sees them) committed to a fresh repository."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    init_repo(path)
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, path / name)
    return path, commit_all(path, "the kit")


def pre_commit(project: Path, *args: str, home: Path, wheels: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    if wheels:
        env.update(offline_pip_env(wheels))
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, wheelhouse: Path) -> dict[str, subprocess.CompletedProcess]:
    root = tmp_path_factory.mktemp("pre-commit")
    hook_repo, rev = hook_repository(root / "hook-repo")
    bad, good = make_project(root / "bad", BAD_VIEW), make_project(root / "good", GOOD_VIEW)
    (good / "README.md").write_text("not Python: the hook must not be given this file\n")
    commit_all(good)
    try_repo = ("try-repo", str(hook_repo), HOOK_ID, "--ref", rev, "--all-files")
    return {name: pre_commit(project, *try_repo, home=root / "home", wheels=wheelhouse) for name, project in (("bad", bad), ("good", good))}


def config_used(try_repo_output: str) -> dict:
    """The configuration try-repo prints between its `=====` rules under "Using config:"."""
    after = try_repo_output.split("Using config:\n", 1)[1]
    return yaml.safe_load(after.split("=" * 79 + "\n")[1])


def test_hook_manifest() -> None:
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == HOOK_ID
    assert hook["entry"] == "django-async-kit verify"
    assert (hook["language"], hook["types"]) == ("python", ["python"])
    assert hook.get("pass_filenames", True), "the hook checks the files pre-commit gives it"


def test_try_repo_fails_on_a_bad_async_view_with_the_finding(runs: dict[str, subprocess.CompletedProcess]) -> None:
    result = runs["bad"]
    assert result.returncode == 1, result.stdout + result.stderr
    assert "django-async-kit verify" in result.stdout and "Failed" in result.stdout
    assert f"shop/views.py:{BAD_LINE}:{BAD_COLUMN}: DJA102 `Product.objects.get(id=product_id)`" in result.stdout


def test_try_repo_passes_a_good_async_view(runs: dict[str, subprocess.CompletedProcess]) -> None:
    result = runs["good"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "django-async-kit verify" in result.stdout and "Passed" in result.stdout


def test_readme_config_snippet_is_what_try_repo_ran(runs: dict[str, subprocess.CompletedProcess], tmp_path: Path) -> None:
    snippet = yaml.safe_load((SNIPPETS / "pre-commit-config.yaml").read_text())
    [repo] = snippet["repos"]
    assert repo["rev"] == f"v{__version__}", "the snippet pins the kit's version"
    ran = config_used(runs["bad"].stdout)
    assert {**repo, "repo": ran["repos"][0]["repo"], "rev": ran["repos"][0]["rev"]} == ran["repos"][0]
    assert list(snippet) == list(ran)

    config = tmp_path / ".pre-commit-config.yaml"
    shutil.copy(SNIPPETS / "pre-commit-config.yaml", config)
    validated = pre_commit(tmp_path, "validate-config", str(config), home=tmp_path / "home")
    assert validated.returncode == 0, validated.stdout + validated.stderr
