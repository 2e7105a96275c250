"""A broken user cheatsheet is one line naming the file, the line and the field, and exit code 2."""

import pytest

from tests.prompts.conftest import VALID_PROMPT
from verify.cli import main


def error_of(capsys, path) -> str:
    assert main(["prompts", "list", "--cheatsheet", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    return lines[0].removeprefix("django-async-kit: error: ")


def with_prompt(prompt_text: str) -> str:
    return "version: 1\nprompts:\n" + prompt_text


@pytest.mark.parametrize(
    "text, line, field, problem",
    [
        (with_prompt(VALID_PROMPT.replace("    agent: agent\n", "    agent: chat\n")), 7, "prompts[0].agent", "'chat' is not one of ['ask', 'agent', 'plan']"),
        (with_prompt(VALID_PROMPT.replace('      - "django-async-kit verify {{ file }}"\n', "").replace("    verify:\n", "")), 3, "prompts[0].verify", "required field is missing"),
        (with_prompt(VALID_PROMPT.replace("    tags: [team]\n", "    tags: [team]\n    model: gpt-5\n")), 14, "prompts[0].model", "unknown field"),
        (with_prompt(VALID_PROMPT.replace("when: [external-http]", "when: [slow-view]")), 6, "prompts[0].when[0]", "'slow-view' is not one of"),
        (with_prompt(VALID_PROMPT.replace("id: my-prompt", "id: My Prompt")), 3, "prompts[0].id", "'My Prompt' does not match"),
        (with_prompt(VALID_PROMPT + VALID_PROMPT), 14, "prompts[1].id", "duplicate id 'my-prompt' (first on line 3)"),
        ("version: 2\n" + with_prompt(VALID_PROMPT).removeprefix("version: 1\n"), 1, "version", "1 was expected"),
    ],
    ids=["bad-enum", "missing-field", "unknown-field", "unknown-signal", "bad-id", "duplicate-id", "bad-version"],
)
def test_schema_errors_name_file_line_and_field(user_cheatsheet, capsys, text, line, field, problem):
    path = user_cheatsheet(text)
    message = error_of(capsys, path)
    assert message.startswith(f"{path}:{line}: {field}: {problem}")


def test_yaml_syntax_errors_give_the_line(user_cheatsheet, capsys):
    path = user_cheatsheet("version: 1\nprompts:\n  - id: [unclosed\n    title: x\n")
    assert error_of(capsys, path).startswith(f"{path}:4: (yaml): ")


def test_jinja_errors_give_the_line_inside_the_body(user_cheatsheet, capsys):
    body = VALID_PROMPT.replace("      Convert {{ file }} for Django {{ django }}.\n", "      First line.\n      {% if view %}never closed\n")
    path = user_cheatsheet(with_prompt(body))
    # The body starts on line 10; the unclosed {% if %} is on its second line.
    assert error_of(capsys, path).startswith(f"{path}:11: my-prompt.body: Jinja2: Unexpected end of template.")


def test_including_an_unknown_partial_is_an_error(user_cheatsheet, capsys):
    body = VALID_PROMPT.replace("Convert {{ file }}", 'Intro.\n      {% include "subject" %}\n      {% include "nope" %}')
    path = user_cheatsheet(with_prompt(body))
    assert error_of(capsys, path).startswith(f"{path}:12: my-prompt.body: includes 'nope', which is not a partial (known: ")


def test_several_problems_are_counted(user_cheatsheet, capsys):
    text = with_prompt(VALID_PROMPT.replace("agent: agent", "agent: chat").replace("tags: [team]", "tags: [Team]"))
    path = user_cheatsheet(text)
    assert error_of(capsys, path) == f"{path}:7: prompts[0].agent: 'chat' is not one of ['ask', 'agent', 'plan'] (and 1 more problem)"


def test_a_missing_cheatsheet_file_is_a_usage_error(tmp_path, capsys):
    assert error_of(capsys, tmp_path / "missing.yaml") == f"{tmp_path / 'missing.yaml'}:1: (file): no such file"
