"""What is installed, and where: the one reader of installed packages for every command.

Two environments matter. The project's own virtualenvs (``.venv``, ``venv``, ``env`` in a project
folder) say which versions the project runs; they are read from their ``*.dist-info`` folder
names, never imported. The environment the kit runs in gives the installed Django (when the
project pins none), the site-packages where ``init`` looks for a middleware's source, and the
folders the runtime checks count as library code.

``verify`` asks for the installed Django on every run without a pinned version, so this module
imports little and reads Django's version without importing Django.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

PROJECT_VENVS = (".venv", "venv", "env")


def normalize(name: str) -> str:
    """A distribution's name as packaging compares them (PEP 503: ``Django_Ninja`` -> ``django-ninja``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def project_site_packages(folder: Path) -> Iterator[tuple[Path, Path]]:
    """(virtualenv, its site-packages) of each project virtualenv in ``folder``."""
    for venv in PROJECT_VENVS:
        for site_packages in sorted((folder / venv).glob("lib/python3*/site-packages")):
            yield folder / venv, site_packages


def distributions(site_packages: Path) -> Iterator[tuple[str, str]]:
    """(normalised name, version) of each distribution installed in ``site_packages``."""
    for dist_info in site_packages.glob("*.dist-info"):
        match = re.match(r"^(.+?)-(\d[^-]*)\.dist-info$", dist_info.name)
        if match:
            yield normalize(match.group(1)), match.group(2)


def kit_site_packages() -> list[Path]:
    """The site-packages folders of the environment the kit runs in, in import order."""
    return [Path(entry) for entry in sys.path if entry and "site-packages" in entry and Path(entry).is_dir()]


def kit_environment_folders() -> set[str]:
    """Every folder of the environment the kit runs in that holds installed code: its prefixes,
    the standard library and every site-packages (a virtualenv's included)."""
    import site
    import sysconfig

    folders = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    folders.update(sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib"))
    folders.update(site.getsitepackages())
    return folders


def installed_django_release() -> str | None:
    """The release of the Django importable next to the kit (``"6.1.3"``), read from its
    ``VERSION`` without importing it (importing Django, or even importlib.metadata, would cost more
    than a cached run)."""
    from importlib.util import find_spec

    spec = find_spec("django")
    if spec is None or not spec.origin:
        return None
    try:
        with open(spec.origin, encoding="utf-8") as stream:
            match = re.search(r"^VERSION = \((\d+), (\d+), (\d+)", stream.read(), re.MULTILINE)
    except OSError:
        match = None
    if match:
        return ".".join(match.groups())
    from importlib.metadata import (  # an install without the usual source
        PackageNotFoundError,
        version,
    )

    try:
        return version("django")
    except PackageNotFoundError:
        return None
