"""A repository's git configuration names programs git would run for the kit: none of them runs.

``.git/config`` travels with an archive of a repository and can be written by any earlier CI step;
the kit's git calls (``check-ignore`` when a folder is verified; ``rev-parse``, ``add`` into a
scratch index, ``diff`` and ``show`` for ``--changed``) must not start what it names.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from .gitrepo import Repo

SYNC = """\
from django.shortcuts import get_object_or_404, render

from .models import Order


def order_detail(request, order_id):
    order = get_object_or_404(Order, pk=order_id)
    return render(request, "order.html", {"order": order})
"""
CONVERTED = SYNC.replace("def order_detail", "async def order_detail")


def touching_script(repo: Repo, name: str) -> tuple[Path, Path]:
    """An executable that leaves ``<name>.ran`` next to the repository (and copies stdin to stdout,
    so that as a filter it would pass the file through)."""
    marker = repo.path.parent / f"{name}.ran"
    script = repo.path.parent / f"{name}.sh"
    script.write_text(f"#!/bin/sh\ntouch '{marker}'\ncat\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, marker


def configure(repo: Repo, kind: str) -> Path:
    """Set up one kind of repository-configured program; return the file it would create."""
    script, marker = touching_script(repo, kind)
    if kind == "fsmonitor":
        repo.git("config", "core.fsmonitor", str(script))
    elif kind == "hook":  # runs whenever git writes an index
        hook = repo.path / ".git" / "hooks" / "post-index-change"
        hook.write_text(script.read_text())
        hook.chmod(0o755)
    elif kind == "clean-filter":
        repo.git("config", "filter.evil.clean", str(script))
        repo.git("config", "filter.evil.required", "true")
        (repo.path / ".git" / "info" / "attributes").write_text("*.py filter=evil\n")
    return marker


KINDS = ["fsmonitor", "hook", "clean-filter"]


@pytest.mark.parametrize("kind", KINDS)
def test_verify_changed_runs_no_program_the_repository_configures(repo: Repo, kind: str):
    repo.write("shop/views.py", SYNC)
    repo.commit()
    marker = configure(repo, kind)
    repo.write("shop/views.py", CONVERTED)
    result = repo.verify("--changed")
    assert result.returncode == 1, result.stderr
    assert "DJA" in result.stdout
    assert not marker.exists(), f"git ran the repository's {kind} program"


def test_verifying_a_folder_runs_no_fsmonitor_the_repository_configures(repo: Repo):
    repo.write("shop/views.py", CONVERTED)
    repo.write(".gitignore", "shop/generated.py\n")
    repo.write("shop/generated.py", "async def view(request):\n    return Order.objects.get(pk=1)\n")
    repo.commit()
    marker = configure(repo, "fsmonitor")
    result = repo.verify(".", "--select", "DJA1")
    assert result.returncode == 1, result.stderr
    assert {finding["path"] for finding in result.findings} == {"shop/views.py"}  # git still ignores the other
    assert not marker.exists(), "git ran the repository's fsmonitor program"
