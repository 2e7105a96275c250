"""Facts about the user's project read statically: its root and its target Django version."""

from __future__ import annotations

import re
from pathlib import Path

from verify.analysis.django_api import KNOWN_VERSIONS, NEWEST, Version

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
    match = re.match(r"^\s*(\d{1,4})\.(\d{1,4})(?!\d)", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def version_problem(text: str) -> str | None:
    """What is wrong with a configured Django version (``--target-version``, ``target-version``), or None."""
    if not re.fullmatch(r"\s*\d{1,4}\.\d{1,4}(\.\d{1,4})?\s*", text):
        return f"must be a string like \"5.2\" (a Django version), not {text[:40]!r}"
    return None


def detect_django_version(root: Path) -> tuple[Version | None, str]:
    """(version, where it came from): lock files first, then requirement specs (their lowest
    admitted version), then a project virtualenv, then the Django installed with the kit; in
    ``root`` and the folders above it up to the repository root. The same detection as
    ``django-async-kit init`` (verify/facts.py)."""
    from verify.project import dependencies

    try:
        dependency = dependencies.detect_dependencies(dependencies.search_dirs(root)).get("django")
    except (OSError, ValueError):  # an unreadable or invalid lock file: fall back to the installed Django
        dependency = None
    if dependency is not None and dependency.version:
        return dependency.version, dependency.source
    return installed_django_version(), "installed Django"


def installed_django_version() -> Version | None:
    """The (major, minor) of the Django importable next to the kit (``verify.project.installed``)."""
    from verify.project.installed import installed_django_release

    release = installed_django_release()
    return parse_version(release) if release else None


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


# Besides ROOT_MARKERS: files that only sit at the top of a deployable project.
_TOP_LEVEL = ("requirements*.txt", "Dockerfile*", "Procfile", "docker-compose*.y*ml", "compose*.y*ml", "*/manage.py")


def project_roots(paths: list[str]) -> list[Path]:
    """Checked folders that are project roots: they hold manage.py, pyproject.toml, .git..., or
    requirements and deployment files, or a manage.py one folder down (``backend/manage.py``)."""
    roots = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            continue
        folder = path.resolve()
        is_root = find_root(folder) == folder or any(next(folder.glob(pattern), None) for pattern in _TOP_LEVEL)
        if is_root and folder not in roots:
            roots.append(folder)
    return roots
