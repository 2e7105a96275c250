"""The built-in cheatsheet: schema-valid, editor-wired, and covering the prompts the kit promises."""

import json

import jsonschema
import yaml

from verify.assist import cheatsheet
from verify.triage import SIGNALS

BUILTIN = cheatsheet.builtin_dir() / "cheatsheet.yaml"
SCHEMA = cheatsheet.builtin_dir() / "cheatsheet.schema.json"


def test_the_yaml_names_its_schema_for_editors_and_validates_against_it():
    text = BUILTIN.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=./cheatsheet.schema.json"
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(yaml.safe_load(text), schema, cls=jsonschema.Draft202012Validator)


def test_when_accepts_exactly_the_signals_triage_reports():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert set(schema["$defs"]["prompt"]["properties"]["when"]["items"]["enum"]) == set(SIGNALS)


def test_the_ten_prompts_the_kit_promises_are_there():
    prompts = cheatsheet.load().prompts
    assert list(prompts) == [
        "convert-simple-view",
        "convert-external-api-view",
        "convert-business-logic-view",
        "write-async-tests",
        "fix-verify-findings",
        "should-this-be-async",
        "move-to-background-task",
        "convert-class-based-view",
        "convert-middleware",
        "configure-asgi-deployment",
    ]
    assert {prompt.agent for prompt in prompts.values()} == {"agent", "ask", "plan"}
    assert all(prompt.verify and prompt.tags for prompt in prompts.values())
