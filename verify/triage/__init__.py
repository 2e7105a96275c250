"""Triage: which views to convert to async, why, and with which prompt.

``triage(paths)`` finds the views under ``paths`` (:mod:`verify.triage.discovery`), reads what
each one does (:mod:`verify.triage.signals`) and weighs the benefit honestly
(:mod:`verify.triage.benefit`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from pathlib import Path

from verify.triage.benefit import RECOMMENDATIONS, Assessment, assess
from verify.triage.discovery import Project, View, find_views, views_in_module
from verify.triage.signals import SIGNALS, analyse

__all__ = ["SIGNALS", "Assessment", "View", "assess_view", "find_view", "sort_key", "triage"]


def triage(paths: list[Path], skipped: list[str] | None = None) -> list[Assessment]:
    """An assessment for every view under ``paths``, in report order; the files that could not
    be read or parsed are added to ``skipped``, each with the reason."""
    from verify.pipeline.runner import without_cycle_collection  # (the collector's passes over a large file's trees grow with it)

    project = Project()
    verifier = _Verifier()
    with without_cycle_collection():
        assessments = [assess(view, analyse(view, project), verifier.findings(view)) for view in find_views(paths, project)]
    if skipped is not None:
        skipped += project.skipped
    return sorted(assessments, key=sort_key)


def sort_key(assessment: Assessment) -> tuple:
    return (RECOMMENDATIONS.index(assessment.recommendation), -assessment.score, assessment.view.dotted)


def find_view(file: Path, name: str) -> View | None:
    """The view ``name`` (``func``, ``Class.method`` or ``Class``) defined in ``file``;
    ValueError saying why when the file cannot be read or parsed."""
    project = Project()
    module = project.module_for_file(file)
    if module is None:
        raise ValueError(project.skipped[0])
    candidates = views_in_module(module, {name.partition(".")[0]})
    matches = [v for v in candidates if v.qualname == name]
    if not matches and "." not in name:  # "OrderView" names the class: take its first handler
        matches = [v for v in candidates if v.qualname.partition(".")[0] == name]
    return matches[0] if matches else None


def assess_view(view: View) -> Assessment:
    return assess(view, analyse(view, Project()), _Verifier().findings(view))


class _Verifier:
    """The verifier's findings inside async views, each file checked once, for its project's Django version."""

    def __init__(self) -> None:
        self._by_file: dict[Path, tuple[list[int], list]] = {}  # file -> (the findings' lines, the findings), by line

    def findings(self, view: View) -> list:
        if not view.is_async:
            return []
        if view.file not in self._by_file:
            from verify.api import check_source
            from verify.project.target import find_root, target_version

            root = find_root(view.file)
            version, _ = target_version(root)
            source = view.module.text
            found = sorted(check_source(source, str(view.file), target_version=version, project_root=root), key=lambda f: f.line)
            self._by_file[view.file] = ([f.line for f in found], found)
        lines, found = self._by_file[view.file]
        # The view's lines by bisection: a file of thousands of views is not scanned once per view.
        return found[bisect_left(lines, view.line):bisect_right(lines, view.end_line)]
