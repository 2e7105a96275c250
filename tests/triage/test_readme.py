"""docs/prompts.md (triage and prompts) shows real output of the commands they show."""

import re
from pathlib import Path

from verify.cli import main

REPO = Path(__file__).resolve().parents[2]


def console_output(command: str) -> str:
    """The output printed under ``$ command`` in a console block of docs/prompts.md."""
    readme = REPO.joinpath("docs", "prompts.md").read_text(encoding="utf-8")
    start = readme.index(f"$ {command}\n") + len(command) + 3
    return readme[start : readme.index("```", start)]


def without_line_numbers(text: str) -> str:
    # The sample project's line numbers move as it is edited; the verdicts and reasons must not.
    return re.sub(r"(?m)^(    .*)$", lambda m: re.sub(r"\d+", "N", m.group(1)), text)


def test_triage_output_is_real(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    command = "django-async-kit triage sample_project/shop/views_legacy.py"
    assert main(command.split()[1:]) == 0
    assert without_line_numbers(capsys.readouterr().out) == without_line_numbers(console_output(command))


def test_prompts_list_output_is_real(capsys):
    assert main(["prompts", "list"]) == 0
    assert capsys.readouterr().out == console_output("django-async-kit prompts list")
