"""What a change introduced: the findings of ``verify --changed`` that belong to the change.

A finding belongs to it when it touches a changed line, lies in a function that contains a
changed line (its decorators included), or is in a new file. The DJA5xx comparisons of converted
views always do. The callers of a changed helper are checked again too (their file did not
change): one of their findings belongs to the change only when its flagged code names a function
the change edited. The rest are the files' older findings, which ``--all`` shows.
"""

from __future__ import annotations

import os
import re

from verify.analysis.finding import Finding
from verify.pipeline.changes import ChangedFile
from verify.pipeline.fingerprint import SourceMap

_IDENTIFIER = re.compile(r"[^\W\d]\w*")


class ChangeScope:
    def __init__(self, changed: list[ChangedFile]):
        # Resolved paths: git names the repository's real folder, a finding the path it was given.
        self.files = {os.path.realpath(item.path): item for item in changed if not item.deleted}
        self.maps = {path: SourceMap.of(path) for path in self.files}  # (the callers' files are read when needed)
        self.regions: dict[str, list[tuple[int, int]]] = {}
        self.edited_names: set[str] = set()
        for path, item in self.files.items():
            source = self.maps[path]
            if item.changed_lines is None:
                self.edited_names.update(scope.qualname.rsplit(".", 1)[-1] for scope in source.scopes if scope.is_function)
                continue
            spans = [(line, line) for line in item.changed_lines]
            for line in item.changed_lines | item.deletions:
                function = source.innermost(line, functions_only=True)
                if function is not None:
                    spans.append((function.start, function.end))
                    self.edited_names.add(function.qualname.rsplit(".", 1)[-1])
            self.regions[path] = spans

    def contains(self, finding: Finding) -> bool:
        path = os.path.realpath(finding.path)
        item = self.files.get(path)
        if item is None:
            return self._names_edited_function(finding)
        if item.changed_lines is None:
            return True
        return any(start <= finding.end_line and finding.line <= end for start, end in self.regions[path])

    def _names_edited_function(self, finding: Finding) -> bool:
        if not self.edited_names:
            return False
        path = os.path.realpath(finding.path)
        if path not in self.maps:
            self.maps[path] = SourceMap.of(finding.path)
        text = self.maps[path].flagged_text(finding)
        return not self.edited_names.isdisjoint(_IDENTIFIER.findall(text))


def findings_of_change(findings: list[Finding], comparisons: set[Finding], changed: list[ChangedFile]) -> tuple[list[Finding], int]:
    """The findings that belong to the change (``comparisons``, the DJA5xx ones, always do) and how many were left out."""
    scope = ChangeScope(changed)
    kept = [finding for finding in findings if finding in comparisons or scope.contains(finding)]
    return kept, len(findings) - len(kept)
