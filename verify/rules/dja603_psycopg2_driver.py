"""## What it does
Checks requirement and lock files for `psycopg2` as the PostgreSQL driver of an async project.

`psycopg2` or `psycopg2-binary` is reported in a project with async views or served over ASGI,
unless psycopg 3 (`psycopg`) is there too (Django prefers psycopg 3 when both are installed).

Read: `requirements*.txt` / `.in`, `pyproject.toml`, `setup.cfg`, `setup.py`, `Pipfile`, and
`uv.lock`, `poetry.lock`, `Pipfile.lock`, `pdm.lock`, `pylock.toml` when no manifest names it.

## Why is this bad?
psycopg2 is in maintenance mode. Django's PostgreSQL connection pool (the `"pool"` option,
Django 5.1+), which replaces persistent connections under ASGI, needs psycopg 3, and psycopg 3
is where async support lives.

## Example
```text
# requirements.txt
Django>=5.2
psycopg2-binary>=2.9
```

## Use instead
```text
# requirements.txt
Django>=5.2
psycopg[binary,pool]>=3.2
```

## Fix safety
None: settings and deployment files are changed by hand.
"""

import re

from verify.analysis.finding import Severity
from verify.analysis.registry import Rule
from verify.project.checks import project_check

rule = Rule("DJA603", "psycopg2-driver", __doc__, min_version=(4, 1), severity=Severity.WARNING, scope="project")

# A requirement naming psycopg2 at the start of a line or inside a quoted list item / TOML key.
_PSYCOPG2 = re.compile(r"""(?:^|["'\s])(?P<name>psycopg2(?:-binary)?)(?=\s*(?:[\[=<>~!;"',]|$)|\s*=\s*)""", re.IGNORECASE | re.MULTILINE)
_PSYCOPG3 = re.compile(r"""(?:^|["'\s])psycopg(?:\[[^\]]*\])?(?=\s*(?:[=<>~!;"',]|$)|\s*=\s*)""", re.IGNORECASE | re.MULTILINE)
_LOCK_NAME = re.compile(r"""(?:name\s*=\s*"|^\s*")(?P<name>psycopg2(?:-binary)?)"(?=\s*(?:\n|:))""", re.IGNORECASE | re.MULTILINE)
_LOCK_PSYCOPG3 = re.compile(r"""(?:name\s*=\s*"|^\s*")psycopg"(?=\s*(?:\n|:))""", re.IGNORECASE | re.MULTILINE)


@project_check(rule)
def check(ctx) -> None:
    if not (ctx.has_async_views or ctx.served_over_asgi):
        return
    files = ctx.files
    manifests = [(path, files.text(path)) for path in files.manifests]
    locks = [(path, files.text(path)) for path in files.lock_files]
    if any(_PSYCOPG3.search(_requirements_only(text)) for _, text in manifests) or any(_LOCK_PSYCOPG3.search(text) for _, text in locks):
        return
    found = [(path, text, match) for path, text in manifests for match in _PSYCOPG2.finditer(_requirements_only(text))]
    if not found:
        found = [(path, text, match) for path, text in locks for match in _LOCK_NAME.finditer(text)]
    for path, text, match in found:
        start = match.start("name")
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        ctx.report(path, line, column,
                   f"`{match.group('name')}` is the PostgreSQL driver: Django's connection pool (5.1+), which replaces "
                   "persistent connections under ASGI, needs psycopg 3",
                   hint="replace it with `psycopg[binary,pool]` (psycopg 3); Django picks psycopg 3 automatically",
                   end_column=column + len(match.group("name")))


def _requirements_only(text: str) -> str:
    """The text with comments blanked out (same length, so offsets still point at the file)."""
    return re.sub(r"#[^\n]*", lambda m: " " * len(m.group()), text)
