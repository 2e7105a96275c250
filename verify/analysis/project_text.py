"""One scan of the project's texts per process, for questions about the whole project that no
single file answers: which modules may await or wrap a function of a given name
(verify.analysis.evidence), which may define a subclass of a class of a given name (overrides of
``self.method()``). The scan reads text only; the few modules it names are parsed to check.
"""

from __future__ import annotations

import re

from verify.pipeline import file_tree, reading

# The last name of what ``await x.y(...)`` calls and what ``sync_to_async(x.y)`` /
# ``async_to_sync(x.y)`` wrap. (Two patterns with a literal start each: one alternation is ten
# times slower.)
_AWAITED = re.compile(r"await\s+([\w.]+)\s*\(")
_WRAPPED = re.compile(r"_to_a?sync\(\s*([\w.]+)\s*[,)]")
# A class header with bases: ``class Detail(views.BaseView, Mixin):`` (not anchored to the start
# of a line: the literal start is ten times faster, and a match in a string only widens a search)
_CLASS = re.compile(r"class[ \t]+(\w+)[ \t]*\(([^)]*)\)")
_DOTTED = re.compile(r"[A-Za-z_][\w.]*")
# In the names a file offers (verify.pipeline.runner): a class name its classes are built on.
SUBCLASSED = "class "


def offered_lines(text: str) -> dict[str, tuple[int, ...]]:
    """Each function name ``text`` may await or wrap, with the lines it is on."""
    matches = [*_AWAITED.finditer(text), *(_WRAPPED.finditer(text) if "_to_" in text else ())]
    matches.sort(key=lambda match: match.start())
    found: dict[str, list[int]] = {}
    line, position = 1, 0
    for match in matches:
        line += text.count("\n", position, match.start())
        position = match.start()
        found.setdefault(match.group(1).rpartition(".")[2], []).append(line)
    return {name: tuple(lines) for name, lines in found.items()}


def class_headers(text: str) -> list[tuple[str, set[str]]]:
    """Each class of ``text`` with the last names of the bases it is written with
    (``("Detail", {"BaseView"})`` for ``class Detail(views.BaseView)``)."""
    if "class" not in text:
        return []
    return [(match.group(1), {dotted.rpartition(".")[2] for dotted in _DOTTED.findall(match.group(2))})
            for match in _CLASS.finditer(text)]


def base_names(text: str) -> set[str]:
    """The last names of the bases ``text``'s classes are written with."""
    return {name for _class_name, bases in class_headers(text) for name in bases}


def offered_names(text: str) -> set[str]:
    """What a file tells the rest of the project: the functions it awaits or wraps, and (prefixed
    ``SUBCLASSED``) the classes it builds on. A cached result that asked about one of them is
    stale when a changed file offers it anew, or no more (verify.pipeline.runner)."""
    return set(offered_lines(text)) | {SUBCLASSED + name for name in base_names(text)}


class ProjectText:
    """The scan of one process: built on the first question."""

    def __init__(self, project):
        self.project = project
        self._offering: dict[str, list[tuple[str, tuple[int, ...]]]] | None = None
        self._subclassing: dict[str, list[tuple[str, str]]] = {}  # base name -> (class name, module)

    def offering(self, name: str) -> list[tuple[str, tuple[int, ...]]]:
        """(module, lines) where a function called ``name`` may be awaited or wrapped."""
        self._scan()
        return self._offering.get(name, [])

    def subclassing(self, class_name: str) -> list[tuple[str, str]]:
        """(class name, module) of the class headers that name ``class_name`` among their bases."""
        self._scan()
        return self._subclassing.get(class_name, [])

    def text_of(self, dotted: str) -> str | None:
        """A module's text: parsed already, read by the run, or read now."""
        module = self.project.loaded_module(dotted)
        if module is not None:
            return module.file.source
        path = self.project.module_paths().get(dotted)
        if path is None:
            return None
        text = file_tree.known_text(path)
        if text is None:
            try:
                text = reading.read_bytes(path).decode("utf-8", errors="replace")
            except (OSError, ValueError):
                return None
        return text

    def _scan(self) -> None:
        if self._offering is not None:
            return
        self._offering = {}
        project = self.project
        texts = {dotted: module.file.source for dotted, module in project.loaded_modules()}
        paths = project.module_paths()
        for dotted in {**paths, **texts}:
            # the parsed modules' texts (a file checked outside any project among them), else
            # the texts the run has read already (most of them), else the file
            text = texts.get(dotted) or file_tree.known_text(paths[dotted])
            if text is None:
                try:
                    text = reading.read_bytes(paths[dotted]).decode("utf-8", errors="replace")
                except (OSError, ValueError):
                    continue
            if "await" in text or "_to_" in text:
                for name, lines in offered_lines(text).items():
                    self._offering.setdefault(name, []).append((dotted, lines))
            for class_name, bases in class_headers(text):
                for name in bases:
                    self._subclassing.setdefault(name, []).append((class_name, dotted))
