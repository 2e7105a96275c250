"""Triage fixtures: a throwaway Django-shaped project written from source strings."""

import textwrap
from pathlib import Path

import pytest

from verify.triage import triage


@pytest.fixture
def project(tmp_path):
    """``project({"shop/views.py": "..."})`` writes the files (packages get an ``__init__.py``) and returns the root."""

    def write(files: dict[str, str]) -> Path:
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.parent != tmp_path:
                (path.parent / "__init__.py").touch()
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return tmp_path

    return write


@pytest.fixture
def assess(project):
    """Triage one views module: ``assess(source)["view_name"]`` is that view's Assessment."""

    def run(source: str, **other_files: str) -> dict:
        root = project({"shop/views.py": source, **{name.replace("__", "/") + ".py": text for name, text in other_files.items()}})
        return {a.view.qualname: a for a in triage([root])}

    return run


def kinds(assessment) -> list[str]:
    return [site.kind for site in assessment.signals.sites]
