"""How far the kit goes on one repository: bounds that keep a hostile or generated file from
exhausting the stack, the memory or the time of a run (docs/limits.md).

Past a depth bound the analysis stops silently (no guess, no false positive): what lies deeper
is not checked. A file too deeply nested for Python's own parser is one DJA000 finding.
"""

from __future__ import annotations

# Nesting of the expressions and blocks the async walk descends into. Python's parser allows
# 200 levels of parentheses and 100 of indentation, but left-nested chains (`a.b().c()...`,
# `x + y + ...`, `elif` after `elif`) have no such limit.
MAX_NESTING = 100
# Depth of one expression's typing (`qs.filter().exclude()...`: one level per call or attribute).
MAX_TYPING_DEPTH = 100
# Sync helpers followed from async code, one calling the next (`view -> a() -> b() -> ...`).
MAX_HELPER_DEPTH = 12
# Subclasses of one class looked at for the overrides of a method its async code calls on `self`.
MAX_SUBCLASSES = 200
# The largest file read from the repository (Python sources, settings, requirements,
# pyproject.toml, instruction targets, cheatsheets); larger files are skipped with a note.
DEFAULT_MAX_FILE_BYTES = 4_000_000
