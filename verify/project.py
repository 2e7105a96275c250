"""Facts about the user's project read statically: its root and its target Django version."""

from __future__ import annotations

import re
from pathlib import Path

from verify.django_api import KNOWN_VERSIONS, NEWEST, Version

ROOT_MARKERS = ("manage.py", "pyproject.toml", "setup.cfg", "setup.py", ".git")
# "Django>=5.2,<6" in requirements files and pyproject dependency lists; not "pytest-django>=4".
_REQUIREMENT = re.compile(r"""(?<![\w.-])django\s*(?:\[[^\]]*\])?\s*(?P<spec>[=<>~!][^;#"'\n\]]*)""", re.IGNORECASE)
_LOCK_VERSION = re.compile(r'name\s*=\s*"django"\s*\n\s*version\s*=\s*"(?P<version>[\d.]+)"', re.IGNORECASE)
_PIPFILE_LOCK = re.compile(r'"django"\s*:\s*\{[^}]*"version"\s*:\s*"==(?P<version>[\d.]+)"', re.IGNORECASE | re.DOTALL)


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


def version_from_spec(spec: str) -> Version | None:
    """The lowest Django version a requirement spec admits: the version the code must run on."""
    for clause in spec.split(","):
        clause = clause.strip()
        for operator in ("==", "~=", ">=", "==="):
            if clause.startswith(operator):
                return parse_version(clause[len(operator):])
        if clause.startswith(">") and not clause.startswith(">="):
            version = parse_version(clause[1:])
            return version
    return None


def _candidates(root: Path) -> list[Path]:
    files = sorted(root.glob("requirements*.txt")) + sorted(root.glob("requirements/*.txt"))
    files += [root / name for name in ("pyproject.toml", "setup.cfg", "setup.py")]
    return [path for path in files if path.is_file()]


def detect_django_version(root: Path) -> tuple[Version | None, str]:
    """(version, where it came from): lock files first, then requirement specs, then the installed package."""
    for name, pattern in (("uv.lock", _LOCK_VERSION), ("poetry.lock", _LOCK_VERSION), ("pylock.toml", _LOCK_VERSION), ("Pipfile.lock", _PIPFILE_LOCK)):
        path = root / name
        if path.is_file():
            match = pattern.search(path.read_text(encoding="utf-8", errors="replace"))
            if match:
                return parse_version(match.group("version")), name
    for path in _candidates(root):
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in _REQUIREMENT.finditer(text):
            version = version_from_spec(match.group("spec"))
            if version:
                return version, path.name
        if path.name == "pyproject.toml":  # poetry: django = "^5.2"
            match = re.search(r'^\s*django\s*=\s*(?:\{[^}]*version\s*=\s*)?"[\^~>=]*\s*(?P<version>\d+\.\d+)', text, re.IGNORECASE | re.MULTILINE)
            if match:
                return parse_version(match.group("version")), path.name
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
