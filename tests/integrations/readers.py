"""The verifier's reports read the way their consumers read them: GitHub's runner parsing workflow
commands, and code scanning checking SARIF against the SARIF 2.1.0 schema."""

from __future__ import annotations

import json
import re

import jsonschema
from integration_support import REPO

SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text())

# ::error file=shop/views.py,line=8,...,title=DJA102 sync-orm-call::message
_ANNOTATION = re.compile(r"^::(?P<level>error|warning|notice) (?P<properties>[^:]*)::(?P<message>.*)$")


def _unescape(value: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(escaped, raw)
    return value


def parse_annotation(line: str) -> tuple[str, dict[str, str], str]:
    """What GitHub's runner reads from one workflow command: level, properties, message."""
    match = _ANNOTATION.match(line)
    assert match, f"not a workflow command: {line!r}"
    properties = dict(item.split("=", 1) for item in match["properties"].split(","))
    return match["level"], {key: _unescape(value) for key, value in properties.items()}, _unescape(match["message"])


def sarif_schema_errors(log: dict) -> list[str]:
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(log)]
