"""A finding: one problem at one place in one file."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum


class Severity(str, Enum):
    """How sure and how serious: errors break at runtime, warnings block or lose behaviour."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


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

    def as_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        if not self.related:
            del data["related"]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        related = tuple(tuple(place) for place in data.get("related", ()))
        return cls(**{**data, "severity": Severity(data["severity"]), "related": related})
