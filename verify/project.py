"""Facts about the user's project read statically: its root and its target Django version."""

from __future__ import annotations

import re
from pathlib import Path

from verify.django_api import KNOWN_VERSIONS, NEWEST, Version

ROOT_MARKERS = ("manage.py", "pyproject.toml", "setup.cfg", "setup.py", ".git")


def find_root(start: Path) -> Path:
    """The nearest ancestor (or ``start`` itself) holding a project marker, else ``start``."""
    start = start.resolve()
    if start.is_file():
        start = start.parent
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return start


def parse_version(text: str) -> Version | None:
    match = re.match(r"^\s*(\d+)\.(\d+)", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def detect_django_version(root: Path) -> tuple[Version | None, str]:
    """(version, where it came from): lock files first, then requirement specs (their lowest
    admitted version), then a project virtualenv, then the Django installed with the kit. The
    same detection as ``django-async-kit init`` (verify/facts.py)."""
    from verify import facts

    try:
        dependency = facts.detect_dependencies([root]).get("django")
    except (OSError, ValueError):  # an unreadable or invalid lock file: fall back to the installed Django
        dependency = None
    if dependency is not None and dependency.version:
        return dependency.version, dependency.source
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover
        return None, "not found"
    try:
        return parse_version(version("django")), "installed Django"
    except PackageNotFoundError:
        return None, "not found"


def target_version(root: Path, configured: str | None = None) -> tuple[Version, str]:
    """The Django version rules are gated on: configured, else detected, else the newest known."""
    if configured:
        version = parse_version(configured)
        return _clamp(version), "configuration"
    version, source = detect_django_version(root)
    if version is None:
        return NEWEST, "default (newest known)"
    return _clamp(version), source


def _clamp(version: Version) -> Version:
    if version < KNOWN_VERSIONS[0]:
        return KNOWN_VERSIONS[0]
    return min(version, NEWEST) if version[0] < 2000 else NEWEST
