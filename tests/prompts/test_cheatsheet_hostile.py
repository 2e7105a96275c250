"""A cheatsheet from a repository the user just cloned: it runs no code, and every problem in it is one
line and exit code 2, fast, while the prompts that are fine still export."""

import time

import pytest

from tests.prompts.conftest import VALID_PROMPT
from verify.cli import main

ESCAPE = "{{ cycler.__init__.__globals__.os.system('touch PWNED') }}"


def project_with_cheatsheet(tmp_path, monkeypatch, body: str = "Convert {{ file }}.", extra: str = "") -> None:
    """A repository whose pyproject.toml names its own cheatsheet, as the working directory."""
    prompt = VALID_PROMPT.replace("Convert {{ file }} for Django {{ django }}.", body.replace("\n", "\n      "))
    (tmp_path / "pyproject.toml").write_text('[tool.django-async-kit]\ncheatsheet = "p.yaml"\n')
    (tmp_path / "p.yaml").write_text("version: 1\n" + extra + "prompts:\n" + prompt, encoding="utf-8")
    monkeypatch.chdir(tmp_path)


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    return err.removeprefix("django-async-kit: error: ").rstrip("\n")


@pytest.mark.parametrize(
    "command",
    [
        ["prompts", "show", "my-prompt"],
        ["prompts", "export", "--dry-run"],
        ["prompts", "export", "--check"],
    ],
    ids=["show", "export-dry-run", "export-check"],
)
def test_a_template_cannot_run_a_command(tmp_path, monkeypatch, capsys, command):
    project_with_cheatsheet(tmp_path, monkeypatch, body=ESCAPE)
    assert main([*command, "--django-version", "5.2"]) == 2
    assert not (tmp_path / "PWNED").exists()
    message = one_error_line(capsys)
    assert message.startswith(f"{tmp_path / 'p.yaml'}:10: my-prompt.body: ")
    assert "unsafe" in message


def test_a_verify_command_cannot_run_a_command_either(tmp_path, monkeypatch, capsys):
    project_with_cheatsheet(tmp_path, monkeypatch)
    cheatsheet = tmp_path / "p.yaml"
    cheatsheet.write_text(cheatsheet.read_text().replace("django-async-kit verify {{ file }}", ESCAPE))
    assert main(["prompts", "show", "my-prompt", "--django-version", "5.2"]) == 2
    assert not (tmp_path / "PWNED").exists()
    assert one_error_line(capsys).startswith(f"{cheatsheet}:12: my-prompt.verify: ")


@pytest.mark.parametrize(
    "body, problem",
    [
        ("Convert {{ nope }}.", "'nope' is undefined"),
        ("Convert {{ 1/0 }}.", "division by zero"),
        ("Convert {{ file.missing_attribute }}.", "has no attribute 'missing_attribute'"),
        ('{% include "loop" %}', "includes itself"),
    ],
    ids=["undefined", "division-by-zero", "missing-attribute", "self-include"],
)
def test_a_template_that_fails_to_render_is_one_line(tmp_path, monkeypatch, capsys, body, problem):
    partials = 'partials:\n  loop: |\n    again {% include "loop" %}\n'
    project_with_cheatsheet(tmp_path, monkeypatch, body=body, extra=partials)
    assert main(["prompts", "show", "my-prompt", "--django-version", "5.2"]) == 2
    message = one_error_line(capsys)
    assert message.startswith(f"{tmp_path / 'p.yaml'}:13: my-prompt.body: "), message
    assert problem in message


def test_a_broken_replacement_of_a_built_in_prompt_does_not_stop_the_others(tmp_path, monkeypatch, capsys):
    project_with_cheatsheet(tmp_path, monkeypatch, body="Convert {{ nope }}.")
    cheatsheet = tmp_path / "p.yaml"
    cheatsheet.write_text(cheatsheet.read_text().replace("id: my-prompt", "id: convert-simple-view"))
    assert main(["prompts", "export", "--django-version", "5.2", "--http-client", "httpx2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{cheatsheet}:10: convert-simple-view.body: " in err and "'nope' is undefined" in err
    exported = sorted(path.name for path in (tmp_path / ".github" / "prompts").iterdir())
    assert len(exported) == 9 and "convert-simple-view.prompt.md" not in exported
    assert (tmp_path / ".github" / "skills" / "convert-external-api-view" / "SKILL.md").is_file()
    # The same in CI: the others are up to date, the broken one is an input error.
    assert main(["prompts", "export", "--check", "--django-version", "5.2", "--http-client", "httpx2"]) == 2
    captured = capsys.readouterr()
    assert "'nope' is undefined" in captured.err and "18 files up to date" in captured.out


def test_yaml_aliases_are_refused_at_once(tmp_path, monkeypatch, capsys):
    """The "billion laughs": nine levels of nine aliases expand to 10**9 strings."""
    levels = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    project_with_cheatsheet(tmp_path, monkeypatch)
    cheatsheet = tmp_path / "p.yaml"
    cheatsheet.write_text("\n".join(levels) + "\n" + cheatsheet.read_text())
    started = time.perf_counter()
    assert main(["prompts", "list"]) == 2
    assert time.perf_counter() - started < 2
    assert one_error_line(capsys) == f"{cheatsheet}:2: (yaml): anchors and aliases (&name, *name) are not allowed in a cheatsheet"


@pytest.mark.parametrize(
    "text, line",
    [
        ("version: 1\nprompts: []\n\x07\n", 3),
        ('version: 1\nprompts:\n' + VALID_PROMPT.replace("title: My prompt", 'title: "My \\e[2J prompt"'), 4),
    ],
    ids=["raw-bell", "escaped-terminal-sequence"],
)
def test_control_characters_are_one_line(tmp_path, monkeypatch, capsys, text, line):
    project_with_cheatsheet(tmp_path, monkeypatch)
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    assert main(["prompts", "list"]) == 2
    message = one_error_line(capsys)
    assert message.startswith(f"{tmp_path / 'p.yaml'}:{line}: ")
    assert "control character" in message


def test_the_kits_own_instruction_templates_render_in_the_sandbox_too():
    from jinja2.sandbox import SecurityError

    from verify.assist.instructions import _environment

    with pytest.raises(SecurityError):
        _environment().from_string(ESCAPE).render()


def test_export_writes_nothing_through_a_link_out_of_the_project(tmp_path, monkeypatch, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    project = tmp_path / "project"
    (project / ".github").mkdir(parents=True)
    (project / ".github" / "prompts").symlink_to(outside, target_is_directory=True)
    monkeypatch.chdir(project)
    assert main(["prompts", "export", "--django-version", "5.2", "--http-client", "httpx2"]) == 2
    assert "outside" in one_error_line(capsys)
    assert list(outside.iterdir()) == [] and not (project / ".github" / "skills").exists()


def test_a_cheatsheet_of_many_wrong_items_is_one_line_at_once(tmp_path, monkeypatch, capsys):
    project_with_cheatsheet(tmp_path, monkeypatch)
    (tmp_path / "p.yaml").write_text("version: 1\nprompts: [" + ", ".join(["x"] * 200_000) + "]\n")
    started = time.process_time()
    assert main(["prompts", "list"]) == 2
    assert time.process_time() - started < 3
    assert one_error_line(capsys).endswith("prompts[0]: 'x' is not of type 'object' (and at least 99 more problems)")


def test_a_prompt_whose_text_holds_a_marker_line_is_refused_and_the_others_exported(tmp_path, monkeypatch, capsys):
    project_with_cheatsheet(tmp_path, monkeypatch, body="Before.\n{{ '<!-- django-async-kit:' ~ 'end -->' }}\nAfter.")
    assert main(["prompts", "export", "--django-version", "5.2", "--http-client", "httpx2"]) == 2
    assert "my-prompt.body: a line of its text is the kit's marker" in one_error_line(capsys)
    assert not (tmp_path / ".github" / "prompts" / "my-prompt.prompt.md").exists()
    assert len(list((tmp_path / ".github" / "prompts").iterdir())) == 10


@pytest.mark.parametrize("body", ['{{ "x" * 10**9 }}', "{{ [1] * 10**9 }}", "{{ 7 ** 999999999 }}", "{{ lipsum(10**7) }}"])
def test_an_expression_cannot_ask_for_gigabytes(tmp_path, monkeypatch, capsys, body):
    project_with_cheatsheet(tmp_path, monkeypatch, body=body)
    started = time.process_time()
    assert main(["prompts", "show", "my-prompt", "--django-version", "5.2"]) == 2
    assert time.process_time() - started < 2
    message = one_error_line(capsys)
    assert any(problem in message for problem in ("more than 100,000 items", "larger than 1000", "'lipsum' is undefined"))
