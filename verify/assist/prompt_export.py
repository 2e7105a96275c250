"""Cheatsheet prompts as assistant files: ``prompts/<id>.prompt.md`` and ``skills/<id>/SKILL.md``.

Both files start with YAML front matter (it must be the first thing in the file), followed by the
prompt text inside the kit's managed block. On refresh, :mod:`verify.assist.safe_write` replaces only the
managed block, and the front matter keys the kit writes are updated in place: keys the user added
(``model``, ``tools``...) and everything outside the block stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from verify.analysis.lines import lines_of
from verify.assist.cheatsheet import Cheatsheet, CheatsheetError, Prompt
from verify.assist.safe_write import CommentStyle, ManagedFile, PlannedWrite, plan_write
from verify.pipeline.file_tree import read_text


@dataclass(frozen=True)
class ExportedFile:
    relative: Path  # under the export directory
    front_matter: dict[str, object]
    body: str


def prompt_file(prompt: Prompt, cheatsheet: Cheatsheet, context: dict) -> ExportedFile:
    """VS Code / Visual Studio prompt file: run with /<id> in Copilot Chat."""
    body = cheatsheet.render(prompt.id, {**context, "target": "prompt-file", "file": "${file}"})
    front = {"name": prompt.id, "description": prompt.description, "argument-hint": prompt.argument_hint, "agent": prompt.agent}
    return ExportedFile(_prompt_file_path(prompt), front, body)


def skill_file(prompt: Prompt, cheatsheet: Cheatsheet, context: dict) -> ExportedFile:
    """Agent Skill, loaded only when invoked as /<id> (``disable-model-invocation``), like a prompt file."""
    body = cheatsheet.render(prompt.id, {**context, "target": "skill", "file": "<file>"})
    front = {
        "name": prompt.id,
        "description": prompt.description,
        "argument-hint": prompt.argument_hint,
        "disable-model-invocation": True,
    }
    return ExportedFile(_skill_path(prompt), front, f"# {prompt.title}\n\n{body}")


def _prompt_file_path(prompt: Prompt) -> Path:
    return Path("prompts") / f"{prompt.id}.prompt.md"


def _skill_path(prompt: Prompt) -> Path:
    return Path("skills") / prompt.id / "SKILL.md"


@dataclass(frozen=True)
class Export:
    files: list[ExportedFile]
    problems: list[CheatsheetError]  # prompts that could not be rendered; their files are left as they are
    kept: list[Path]  # those prompts' files, relative to the export directory


def exported_files(cheatsheet: Cheatsheet, context: dict) -> Export:
    """The files of every prompt that renders; a prompt that does not is reported and skipped."""
    export = Export([], [], [])
    for prompt in cheatsheet.prompts.values():
        try:
            files = [prompt_file(prompt, cheatsheet, context), skill_file(prompt, cheatsheet, context)]
            _refuse_marker_lines(prompt, files)
            export.files.extend(files)
        except CheatsheetError as problem:
            export.problems.append(problem)
            export.kept.extend([_prompt_file_path(prompt), _skill_path(prompt)])
    return export


def _refuse_marker_lines(prompt: Prompt, files: list[ExportedFile]) -> None:
    """A line of the prompt's text that reads as one of the kit's markers would end its block early."""
    markers = {CommentStyle.HTML.begin, CommentStyle.HTML.end}
    for file in files:
        if any(line.strip() in markers for line in lines_of(file.body)):
            raise CheatsheetError(prompt.source, prompt.body_line, f"{prompt.id}.body",
                                  f"a line of its text is the kit's marker ({' or '.join(sorted(markers))})")


def orphaned_files(directory: Path, export: Export) -> list[Path]:
    """Files an earlier export wrote (they hold the kit's block) for prompts no longer in the cheatsheet.

    They are reported, never deleted: the user may have added to them.
    """
    current = {directory / relative for relative in [*(file.relative for file in export.files), *export.kept]}
    candidates = [*directory.glob("prompts/*.prompt.md"), *directory.glob("skills/*/SKILL.md")]
    marker = CommentStyle.HTML.begin
    return sorted(
        path for path in candidates
        if path not in current and any(line.strip() == marker for line in lines_of(read_text(path)))
    )  # fmt: skip


def front_matter_lines(front: dict[str, object]) -> list[str]:
    import yaml

    return [yaml.safe_dump({key: value}, allow_unicode=True, width=1_000_000, sort_keys=False) for key, value in front.items()]


def generated_text(exported: ExportedFile) -> str:
    style = CommentStyle.HTML
    return "---\n" + "".join(front_matter_lines(exported.front_matter)) + f"---\n{style.begin}\n{exported.body}{style.end}\n"


def plan_export(exported: ExportedFile, directory: Path, inside: Path | None = None) -> PlannedWrite:
    """What writing ``exported`` under ``directory`` would change; raises safe_write.SafeWriteError
    (OutsideFolderError when the path leads out of ``inside``)."""
    path = directory / exported.relative
    return plan_write(ManagedFile.markdown(path, generated_text(exported), front_matter_keys=tuple(exported.front_matter)), inside)
