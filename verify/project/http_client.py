"""Which async HTTP client a project uses: one answer for ``init``, the prompts and the
verifier's hints.

The project's code outweighs its declarations: the client most of its (non-test) modules import
wins, so a client that is only a dependency of a dependency, or declared and never used, does not
override the one the views call. With no import, a client the project itself declares counts
(never one that only a lock file lists). With neither, the answer is None: the kit then
recommends ``httpx2`` and says it is not yet a dependency.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from verify.project.dependencies import Dependency, detect_dependencies, search_dirs
from verify.project.deployment_files import ProjectFiles
from verify.pipeline.file_tree import run_number

CLIENTS = ("httpx2", "aiohttp", "httpx")  # the order breaks ties: httpx2 is httpx's maintained successor
DEFAULT = "httpx2"  # recommended when the project has none
SYNC_CLIENTS = ("requests", "urllib3")
_IMPORT = re.compile(r"^[ \t]*(?:import|from)[ \t]+(httpx2|httpx|aiohttp|requests|urllib3)\b", re.MULTILINE)


def imports(files: ProjectFiles) -> dict[str, list[tuple[Path, int]]]:
    """HTTP client module -> (file, line) of its first import in each non-test module."""
    found: dict[str, list[tuple[Path, int]]] = {}
    for path in files.source_files:
        text = files.text(path)
        if not any(name in text for name in ("httpx", "aiohttp", "requests", "urllib3")):
            continue
        seen = set()
        for match in _IMPORT.finditer(text):
            name = match.group(1)
            if name not in seen:
                seen.add(name)
                found.setdefault(name, []).append((path, text.count("\n", 0, match.start()) + 1))
    return found


def _where(places: list[tuple[Path, int]], display: Callable[[Path], str]) -> str:
    path, line = places[0]
    more = f" and {len(places) - 1} more module{'s' if len(places) > 2 else ''}" if len(places) > 1 else ""
    return f"imported in {display(path)}:{line}{more}"


def detect(files: ProjectFiles, deps: dict[str, Dependency], display: Callable[[Path], str]) -> tuple[str | None, str]:
    """(async client or None, where that came from)."""
    imported = imports(files)
    used = [name for name in CLIENTS if name in imported]
    if used:
        best = max(used, key=lambda name: (len(imported[name]), -CLIENTS.index(name)))
        return best, _where(imported[best], display)
    declared = [name for name in CLIENTS if name in deps and deps[name].direct]
    if declared:
        return declared[0], f"{deps[declared[0]].source} (declared; no module imports it yet)"
    return None, "no async HTTP client imported or declared"


def detect_sync(files: ProjectFiles, deps: dict[str, Dependency], display: Callable[[Path], str]) -> tuple[list[str], str]:
    """The sync HTTP clients the code imports or the project declares, and where."""
    imported = imports(files)
    names = [name for name in SYNC_CLIENTS if name in imported or (name in deps and deps[name].direct)]
    sources = [_where(imported[name], display) if name in imported else deps[name].source for name in names]
    return names, "; ".join(sources) or "none imported or declared"


def project_client(root: Path) -> str:
    """The client the verifier's hints name for the project at ``root``: the same as ``init``,
    read once per run (a long-lived process sees the project adopt another one)."""
    return _project_client(root, run_number())


@lru_cache(maxsize=32)
def _project_client(root: Path, run: int) -> str:
    try:
        deps = detect_dependencies(search_dirs(root))
    except OSError:  # an unreadable lock file: the imports still tell
        deps = {}
    client, _ = detect(ProjectFiles(root), deps, str)
    return client or DEFAULT
