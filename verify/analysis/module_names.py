"""Dotted module names of files, from the folders that hold an ``__init__.py`` (no import)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path


def module_name_of(path: str) -> str:
    """Dotted module name of a file, from the folders that hold an __init__.py."""
    return _module_name_of(os.path.abspath(path))  # (a relative path means another file in another folder)


@lru_cache(maxsize=4096)  # asked again for each call to a model's method (verify.analysis.summaries)
def _module_name_of(path: str) -> str:
    file = Path(path)
    package = package_of(path)
    if file.stem == "__init__":
        return package
    return f"{package}.{file.stem}" if package else file.stem


_PACKAGES: dict[str, str] = {}


def package_of(path: str) -> str:
    """Best-effort dotted package of a file, from the folders that hold an __init__.py
    (remembered per folder: a run asks for the same folders many times)."""
    folder = os.path.dirname(os.path.abspath(path))
    if folder not in _PACKAGES:
        parts = []
        current = folder
        while os.path.exists(os.path.join(current, "__init__.py")) and current != os.path.dirname(current):
            parts.append(os.path.basename(current))
            current = os.path.dirname(current)
        _PACKAGES[folder] = ".".join(reversed(parts))
    return _PACKAGES[folder]
