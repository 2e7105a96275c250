"""Cheatsheet prompts as assistant files: ``prompts/<id>.prompt.md`` and ``skills/<id>/SKILL.md``.

Both files start with YAML front matter (it must be the first thing in the file), followed by the
prompt text inside the kit's managed block. On refresh, :mod:`verify.safe_write` replaces only the
managed block, and the front matter keys the kit writes are updated in place: keys the user added
(``model``, ``tools``...) and everything outside the block stay as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from verify.cheatsheet import Cheatsheet, Prompt
from verify.file_tree import read_text
from verify.safe_write import CommentStyle, ManagedFile, PlannedWrite, plan_write

_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z0-9_-]+)\s*:")


@dataclass(frozen=True)
class ExportedFile:
    relative: Path  # under the export directory
    front_matter: dict[str, object]
    body: str


def prompt_file(prompt: Prompt, cheatsheet: Cheatsheet, context: dict) -> ExportedFile:
    """VS Code / Visual Studio prompt file: run with /<id> in Copilot Chat."""
    body = cheatsheet.render(prompt.id, {**context, "target": "prompt-file", "file": "${file}"})
    front = {"name": prompt.id, "description": prompt.description, "argument-hint": prompt.argument_hint, "agent": prompt.agent}
    return ExportedFile(Path("prompts") / f"{prompt.id}.prompt.md", front, body)


def skill_file(prompt: Prompt, cheatsheet: Cheatsheet, context: dict) -> ExportedFile:
    """Agent Skill, loaded only when invoked as /<id> (``disable-model-invocation``), like a prompt file."""
    body = cheatsheet.render(prompt.id, {**context, "target": "skill", "file": "<file>"})
    front = {
        "name": prompt.id,
        "description": prompt.description,
        "argument-hint": prompt.argument_hint,
        "disable-model-invocation": True,
    }
    return ExportedFile(Path("skills") / prompt.id / "SKILL.md", front, f"# {prompt.title}\n\n{body}")


def exported_files(cheatsheet: Cheatsheet, context: dict) -> list[ExportedFile]:
    files = []
    for prompt in cheatsheet.prompts.values():
        files += [prompt_file(prompt, cheatsheet, context), skill_file(prompt, cheatsheet, context)]
    return files


def orphaned_files(directory: Path, exported: list[ExportedFile]) -> list[Path]:
    """Files an earlier export wrote (they hold the kit's block) for prompts no longer in the cheatsheet.

    They are reported, never deleted: the user may have added to them.
    """
    current = {directory / file.relative for file in exported}
    candidates = [*directory.glob("prompts/*.prompt.md"), *directory.glob("skills/*/SKILL.md")]
    marker = CommentStyle.HTML.begin
    return sorted(
        path for path in candidates
        if path not in current and any(line.strip() == marker for line in read_text(path).splitlines())
    )  # fmt: skip


def front_matter_lines(front: dict[str, object]) -> list[str]:
    import yaml

    return [yaml.safe_dump({key: value}, allow_unicode=True, width=1_000_000, sort_keys=False) for key, value in front.items()]


def generated_text(exported: ExportedFile) -> str:
    style = CommentStyle.HTML
    return "---\n" + "".join(front_matter_lines(exported.front_matter)) + f"---\n{style.begin}\n{exported.body}{style.end}\n"


def plan_export(exported: ExportedFile, directory: Path) -> PlannedWrite:
    """What writing ``exported`` under ``directory`` would change; raises safe_write.SafeWriteError."""
    path = directory / exported.relative
    plan = plan_write(ManagedFile.markdown(path, generated_text(exported)))
    if plan.old_text is None:
        return plan
    return PlannedWrite(path, plan.old_text, _merge_front_matter(plan.new_text, exported.front_matter))


def _merge_front_matter(text: str, front: dict[str, object]) -> str:
    """``text`` with the kit's front matter keys set to ``front``'s values, other keys untouched."""
    newline = "\r\n" if "\r\n" in text else "\n"
    ours = {key: line.rstrip("\n") for key, line in zip(front, front_matter_lines(front))}
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return "---" + newline + "".join(line + newline for line in ours.values()) + "---" + newline + text
    try:
        close = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:  # an opening --- without a closing one: not front matter we can edit
        return text
    header, seen = lines[1:close], set()
    merged: list[str] = []
    index = 0
    while index < len(header):
        match = _TOP_LEVEL_KEY.match(header[index])
        end = index + 1
        while end < len(header) and _continues_value(header[end]):
            end += 1
        if match and match.group(1) in ours:
            key = match.group(1)
            if key not in seen:
                merged.append(ours[key] + newline)
            seen.add(key)
        else:
            merged.extend(header[index:end])
        index = end
    merged.extend(ours[key] + newline for key in ours if key not in seen)
    return lines[0] + "".join(merged) + "".join(lines[close:])


def _continues_value(line: str) -> bool:
    """An indented line or a block-sequence item belongs to the key above it; comments do not."""
    return line[:1] in (" ", "\t") and line.strip() != "" or line.startswith("- ")
