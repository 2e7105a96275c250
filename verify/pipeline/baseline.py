"""A baseline: today's findings recorded in a file, so that later runs report only new ones.

``verify --write-baseline FILE`` records each finding by its path (relative to the baseline's
folder) and fingerprint (``verify.pipeline.fingerprint``); ``verify --baseline FILE`` leaves out
the findings recorded there. The line and message are stored for people reading the file; the
match ignores them, so a recorded finding stays matched when lines move.
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath

from verify.analysis.finding import Finding
from verify.pipeline.fingerprint import fingerprints

FORMAT = "django-async-kit baseline 1"


class BaselineError(Exception):
    """A baseline file that cannot be read or is not one: exit code 2."""


def _key_path(finding_path: str, folder: Path) -> str:
    return PurePosixPath(Path(os.path.relpath(os.path.abspath(finding_path), folder))).as_posix()


def write(file: Path, findings: list[Finding]) -> None:
    from verify.assist.safe_write import atomic_write

    folder = file.resolve().parent
    prints = fingerprints(findings)
    entries = [{"path": _key_path(finding.path, folder), "code": finding.code, "fingerprint": prints[finding],
                "line": finding.line, "message": finding.message} for finding in sorted(prints)]
    atomic_write(file, (json.dumps({"format": FORMAT, "findings": entries}, indent=2) + "\n").encode("utf-8"))


class Baseline:
    def __init__(self, file: Path, recorded: set[tuple[str, str]]):
        self.folder = file.resolve().parent
        self.recorded = recorded  # (path, fingerprint) pairs

    @classmethod
    def load(cls, file: Path) -> Baseline:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BaselineError(f"baseline file not found: {file} (write one with --write-baseline {file})") from None
        except OSError as error:
            raise BaselineError(f"cannot read baseline {file}: {error.strerror or error}") from None
        except (UnicodeDecodeError, ValueError) as error:
            raise BaselineError(f"baseline {file} is not JSON: {error}") from None
        entries = data.get("findings") if isinstance(data, dict) and data.get("format") == FORMAT else None
        if not isinstance(entries, list) or not all(isinstance(entry, dict) and isinstance(entry.get("path"), str)
                                                    and isinstance(entry.get("fingerprint"), str) for entry in entries):
            raise BaselineError(f"{file} is not a django-async-kit baseline (write one with --write-baseline {file})")
        return cls(file, {(entry["path"], entry["fingerprint"]) for entry in entries})

    def new_findings(self, findings: list[Finding]) -> tuple[list[Finding], int]:
        """The findings the baseline does not record, and how many it does."""
        prints = fingerprints(findings)
        kept = [finding for finding in findings if (_key_path(finding.path, self.folder), prints[finding]) not in self.recorded]
        return kept, len(findings) - len(kept)
