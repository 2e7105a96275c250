"""A finding: one problem at one place in one file."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum


class Severity(str, Enum):
    """How sure and how serious: errors break at runtime, warnings block or lose behaviour."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Edit:
    """Replace the text from ``start`` to ``end`` with ``text`` (an insertion when they are equal).
    Positions are ``ast``'s: (1-based line, 0-based UTF-8 byte column)."""

    start: tuple[int, int]
    end: tuple[int, int]
    text: str


@dataclass(frozen=True)
class Fix:
    """The edits that carry out a finding's hint. ``unsafe`` fixes change structure or behaviour
    a person should read (``reason`` says how); ``verify --fix`` applies them only with
    ``--unsafe-fixes``."""

    edits: tuple[Edit, ...]
    unsafe: bool = False
    reason: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Fix:
        edits = tuple(Edit(tuple(e["start"]), tuple(e["end"]), e["text"]) for e in data["edits"])
        return cls(edits, data.get("unsafe", False), data.get("reason", ""))


@dataclass(frozen=True, order=True)
class Finding:
    """Lines and columns are 1-based; ``end_*`` point one past the last character, as in ruff."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    # Other places the finding involves, as (line, column, what happens there): where an
    # un-awaited coroutine is used, when the finding is reported where it was made.
    related: tuple[tuple[int, int, str], ...] = ()
    fix: Fix | None = field(default=None, compare=False)  # what ``verify --fix`` can do about it

    def as_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        if not self.related:
            del data["related"]
        if self.fix is None:
            del data["fix"]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        related = tuple(tuple(place) for place in data.get("related", ()))
        fix = Fix.from_dict(data["fix"]) if data.get("fix") else None
        return cls(**{**data, "severity": Severity(data["severity"]), "related": related, "fix": fix})
