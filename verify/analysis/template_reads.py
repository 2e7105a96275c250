"""What a Django template reads from its context: the dotted variables of its ``{{ }}`` and
``{% %}`` tags, with ``{% for %}`` and ``{% with %}`` names replaced by what they stand for.

A read is a list of steps from a context key: ``{% for o in orders %}{{ o.customer.name }}``
reads ``["orders", "[]", "customer", "name"]`` ("[]": an element of what is iterated) and the
``for`` tag itself reads ``["orders", "[]"]``. Only the template itself is read: what an
``{% include %}`` or a parent template reads is not (no guess about which file Django picks).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_TAG = re.compile(r"\{\{(?P<var>.*?)\}\}|\{%(?P<tag>.*?)%\}|\{#.*?#\}")
_STRING = re.compile(r"\"[^\"]*\"|'[^']*'")
_DOTTED = re.compile(r"(?<![\w.])([A-Za-z_]\w*(?:\.\w+)+)")
_FOR = re.compile(r"^for\s+(?P<names>[\w\s,]+?)\s+in\s+(?P<iterated>\S+)(?:\s+reversed)?$")
_WITH_KEYWORD = re.compile(r"(\w+)=(\S+)")
_WITH_AS = re.compile(r"^with\s+(\S+)\s+as\s+(\w+)$")
_SKIPPED_BLOCKS = {"comment": "endcomment", "verbatim": "endverbatim"}
ELEMENT = "[]"
MAX_TEMPLATE_SIZE = 512 * 1024


@dataclass(frozen=True)
class Read:
    steps: tuple[str, ...]
    line: int
    text: str  # as written in the template
    first_attr: int  # the index in ``steps`` of the first attribute ``text`` names after its root


def reads(text: str) -> list[Read]:
    found: list[Read] = []
    scopes: list[dict[str, tuple[str, ...] | None]] = []
    skipping: str | None = None

    def resolve(dotted: str) -> tuple[str, ...] | None:
        root, *attrs = dotted.split(".")
        for scope in reversed(scopes):
            if root in scope:
                base = scope[root]
                return None if base is None else (*base, *attrs)
        return (root, *attrs)

    def record(content: str, line: int) -> None:
        for dotted in _DOTTED.findall(_STRING.sub('""', content)):
            steps = resolve(dotted)
            if steps is not None and len(steps) > 1:
                found.append(Read(steps, line, dotted, len(steps) - dotted.count(".")))

    for match in _TAG.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        tag = (match["tag"] or "").strip()
        word = tag.split(None, 1)[0] if tag else ""
        if skipping is not None:
            if word == skipping:
                skipping = None
            continue
        if match["var"] is not None:
            record(match["var"], line)
        elif word in _SKIPPED_BLOCKS:
            skipping = _SKIPPED_BLOCKS[word]
        elif word == "for":
            loop = _FOR.match(tag)
            if loop is None:
                scopes.append({})
                continue
            iterated = resolve(loop["iterated"].split("|", 1)[0])
            names = [name.strip() for name in loop["names"].split(",") if name.strip()]
            if iterated is not None:
                written = loop["iterated"].split("|", 1)[0]
                found.append(Read((*iterated, ELEMENT), line, written, len(iterated) - written.count(".")))
                record(loop["iterated"], line)
            single = iterated is not None and len(names) == 1
            scopes.append({name: (*iterated, ELEMENT) if single else None for name in names})
        elif word == "with":
            scope: dict[str, tuple[str, ...] | None] = {}
            named = _WITH_AS.match(tag)
            pairs = [(named[2], named[1])] if named else [(k, v) for k, v in _WITH_KEYWORD.findall(tag)]
            for name, value in pairs:
                record(value, line)
                scope[name] = resolve(value.split("|", 1)[0]) if "." in value or value.isidentifier() else None
            scopes.append(scope)
        elif word in ("endfor", "endwith"):
            if scopes:
                scopes.pop()
        else:
            record(tag, line)
    return found


def find(project, name: str) -> Path | None:
    """The one template file of the project named ``name`` (``templates/<name>``); None when
    there is none or several (which one Django picks depends on the settings)."""
    if project is None or project.root is None:
        return None
    from verify.pipeline.file_tree import run_number

    matches = _templates_by_name(str(project.root), run_number()).get(tuple(name.split("/")), ())
    return project.root / matches[0] if len(matches) == 1 else None


@lru_cache(maxsize=4)
def _templates_by_name(root: str, run: int) -> dict[tuple[str, ...], list[str]]:
    """Every file under a ``templates`` folder of the project, by the name a view renders it by
    (the parts after ``templates``), listed once per run."""
    from verify.pipeline.file_tree import relative_files_under

    found: dict[tuple[str, ...], list[str]] = {}
    for relative in relative_files_under(Path(root)):
        parts = relative.split(os.sep)
        for index, part in enumerate(parts[:-1]):
            if part == "templates":
                found.setdefault(tuple(parts[index + 1:]), []).append(relative)
    return found


def read(project, path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_TEMPLATE_SIZE:
            return None
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    project.touched.add(str(path))  # the cached result of the view's file depends on it
    return text
