"""Fixtures for the integration tests; the helpers they use live in integration_support.py."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from integration_support import BAD_VIEW, GOOD_VIEW, NO_INDEX_ERRORS, REPO, make_project, run_pip


@pytest.fixture
def bad_project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "bad", BAD_VIEW)


@pytest.fixture
def good_project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "good", GOOD_VIEW)


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel of this kit and of everything needed to build and install it, so that the installs the
    tests make (the pre-commit hook's environment, the action's install step) run with no package index.
    Fetching the dependencies needs an index once (then pip's cache): without one the tests skip."""
    path = tmp_path_factory.mktemp("wheelhouse")
    build_requires = tomllib.loads((REPO / "pyproject.toml").read_text())["build-system"]["requires"]
    download = run_pip("download", "--quiet", "--dest", str(path), *build_requires, str(REPO))
    if download.returncode != 0:
        error = download.stderr.strip()[-400:]
        if any(marker in download.stderr for marker in NO_INDEX_ERRORS):
            pytest.skip(f"no package index reachable to fetch the kit's dependencies: {error}")
        pytest.fail(f"pip could not fetch the kit's dependencies: {error}")
    build = run_pip("wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", str(path), str(REPO))
    assert build.returncode == 0, build.stderr
    return path
