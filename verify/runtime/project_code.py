"""Which source files are the project's own code, as opposed to tests, libraries and Python.

A blocking call is the project's fault only when a frame of the project's code is on the stack:
Django's handler, pytest, pytest-asyncio and the test module itself may block the loop as they
please (the test module because, with ``AsyncClient``, it sits at the bottom of every request's
stack). Blockbuster's own ``scanned_modules`` only knows path prefixes, which cannot express
"under the project root, but not a test file", hence this classifier.
"""

from __future__ import annotations

import fnmatch
import linecache
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

# Directories whose every module counts as test code, whatever the file is called.
TEST_DIRECTORY_NAMES = frozenset({"tests", "test"})


def _installed_code_prefixes() -> tuple[str, ...]:
    """The standard library and every site-packages, even when a virtualenv sits in the project."""
    from verify.project.installed import kit_environment_folders

    paths = kit_environment_folders()
    # The kit itself: when it is installed in editable mode it lives under the project root.
    paths.add(str(Path(__file__).resolve().parent.parent))
    return tuple(sorted(_as_prefix(path) for path in paths))


def _as_prefix(path: str | Path) -> str:
    return os.path.join(os.path.realpath(path), "")


@dataclass(frozen=True)
class ProjectFrame:
    """One frame of project code, captured while it was running."""

    filename: str
    lineno: int
    function: str  # dotted: module.qualname
    source: str


class ProjectCode:
    def __init__(self, roots: Iterable[Path], test_file_patterns: Iterable[str]) -> None:
        self._roots = tuple(_as_prefix(root) for root in roots)
        self._excluded = _installed_code_prefixes()
        self._test_file_patterns = (*test_file_patterns, "conftest.py")
        # Called for every frame of every blocking call made on an event loop: keep it a dict hit.
        self._verdicts: dict[str, bool] = {}

    def contains(self, filename: str) -> bool:
        verdict = self._verdicts.get(filename)
        if verdict is None:
            verdict = self._verdicts[filename] = self._classify(filename)
        return verdict

    def _classify(self, filename: str) -> bool:
        if filename.startswith("<"):  # <frozen ...>, <string>, <stdin>
            return False
        path = os.path.realpath(filename)
        root = next((root for root in self._roots if path.startswith(root)), None)
        if root is None:
            return False
        # Libraries inside the root (a virtualenv in the project) are not the project; a root
        # inside site-packages (a project installed with `pip install .`) still is.
        if any(path.startswith(excluded) and len(excluded) > len(root) for excluded in self._excluded):
            return False
        relative = Path(path[len(root) :])
        if any(fnmatch.fnmatch(relative.name, pattern) for pattern in self._test_file_patterns):
            return False
        return not TEST_DIRECTORY_NAMES.intersection(relative.parts[:-1])

    def frames(self, innermost: FrameType | None) -> Iterator[FrameType]:
        """The project's frames on a stack, innermost first."""
        frame = innermost
        while frame is not None:
            if self.contains(frame.f_code.co_filename):
                yield frame
            frame = frame.f_back

    def has_frame(self, innermost: FrameType | None) -> bool:
        return next(self.frames(innermost), None) is not None


def dotted_name(frame: FrameType) -> str:
    return f"{frame.f_globals.get('__name__', '?')}.{frame.f_code.co_qualname}"


def capture(frame: FrameType) -> ProjectFrame:
    filename = frame.f_code.co_filename
    return ProjectFrame(
        filename=filename,
        lineno=frame.f_lineno,
        function=dotted_name(frame),
        source=linecache.getline(filename, frame.f_lineno).strip(),
    )
