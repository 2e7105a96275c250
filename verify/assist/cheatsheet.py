"""The prompt cheatsheet: load it, validate it with line numbers, and render its prompts.

The built-in cheatsheet is ``prompts/cheatsheet.yaml`` (installed as ``verify/prompts`` in the
wheel, read from the repository in an editable install). A user cheatsheet adds prompts and
partials, and replaces built-in ones with the same id or name. Every problem is reported as
``file:line: field: message``, with the line taken from the YAML node the field came from.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from verify.pipeline import reading

CHEATSHEET_FILE = "cheatsheet.yaml"
SCHEMA_FILE = "cheatsheet.schema.json"
MAX_REPORTED_PROBLEMS = 100  # a file of 200,000 wrong items is not worth listing them all
_FENCE = re.compile(r"^\s*```")
AGENTS_THAT_RUN_COMMANDS = ("agent",)  # ask and plan modes are read-only


class CheatsheetError(Exception):
    """A cheatsheet that cannot be used; the message is ``file:line: field: problem``."""

    def __init__(self, file: Path, line: int, field_path: str, problem: str, more: int = 0, at_least: bool = False):
        self.file, self.line, self.field, self.problem = file, line, field_path, problem
        suffix = f" (and {'at least ' if at_least else ''}{more} more problem{'s' if more > 1 else ''})" if more else ""
        super().__init__(f"{file}:{line}: {field_path}: {problem}{suffix}")


@dataclass(frozen=True)
class Prompt:
    id: str
    title: str
    description: str
    when: tuple[str, ...]
    agent: str
    argument_hint: str
    body: str
    verify: tuple[str, ...]
    tags: tuple[str, ...]
    source: Path  # the cheatsheet file it came from
    body_line: int  # the line of the body's first text line in ``source``
    verify_lines: tuple[int, ...] = ()  # the line of each ``verify`` command in ``source``


@dataclass
class Cheatsheet:
    prompts: dict[str, Prompt] = field(default_factory=dict)
    partials: dict[str, str] = field(default_factory=dict)
    # Prompts whose templates do not compile: they cannot be rendered, the others still can.
    problems: dict[str, CheatsheetError] = field(default_factory=dict)
    # Built on first render, after every partial is in place.
    _jinja: object = field(default=None, repr=False, compare=False)
    _compiled: dict = field(default_factory=dict, repr=False, compare=False)

    def get(self, prompt_id: str) -> Prompt | None:
        return self.prompts.get(prompt_id)

    def render(self, prompt_id: str, context: dict) -> str:
        """The prompt's body followed by its ``verify`` commands, filled from ``context``. A command
        that renders empty (the project's test command when it is unknown) is left out; read-only
        modes (``ask``, ``plan``) cannot run commands, so theirs are offered to the user.

        Raises CheatsheetError, naming the line, when a template fails (an undefined name, an
        unsafe attribute, a partial that includes itself...).
        """
        if prompt_id in self.problems:
            raise self.problems[prompt_id]
        prompt = self.prompts[prompt_id]
        body = self._render(prompt, "body", prompt.body, prompt.body_line, context)
        commands = [
            self._render(prompt, "verify", command, line, context).strip()
            for command, line in zip(prompt.verify, prompt.verify_lines or [prompt.body_line] * len(prompt.verify))
        ]
        commands = [command for command in commands if command]
        text = body.strip()
        if commands:
            lead = "When you are done, run:" if prompt.agent in AGENTS_THAT_RUN_COMMANDS else "Commands for the user to confirm the answer:"
            text += f"\n\n## Verify\n\n{lead}\n\n" + "".join(f"- `{c}`\n" for c in commands)
        return _squeeze_blank_lines(text)

    def _render(self, prompt: Prompt, field_name: str, source: str, line: int, context: dict) -> str:
        from verify.assist import templating

        try:
            return self._template(source).render(context)
        except Exception as error:  # the template is the repository's code: whatever it raises is its error
            problem, at = templating.failure(error)
            at = line + (at - 1 if at and field_name == "body" else 0)
            raise CheatsheetError(prompt.source, at, f"{prompt.id}.{field_name}", problem) from None

    def _template(self, source: str):
        if source not in self._compiled:
            self._compiled[source] = self._environment().from_string(source)
        return self._compiled[source]

    def _environment(self):
        import jinja2

        from verify.assist import templating

        if self._jinja is None:
            self._jinja = templating.environment(jinja2.DictLoader(self.partials))
        return self._jinja


def _squeeze_blank_lines(text: str) -> str:
    """At most one blank line in a row, except inside fenced code (a view's own blank lines stay)."""
    lines, in_code, blank = [], False, False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_code = not in_code
        if not in_code and not line.strip():
            if blank or not lines:
                continue
            blank = True
            lines.append("")
            continue
        blank = False
        lines.append(line.rstrip() if not in_code else line)
    return "\n".join(lines).rstrip() + "\n"


def builtin_dir() -> Path:
    """Where the built-in cheatsheet lives: inside the installed package, else the source checkout."""
    package = Path(__file__).resolve().parent.parent  # verify/
    packaged = package / "prompts"
    return packaged if (packaged / CHEATSHEET_FILE).is_file() else package.parent / "prompts"


def load(extra: Path | None = None) -> Cheatsheet:
    """The built-in cheatsheet, with ``extra`` (a user's cheatsheet) merged over it."""
    cheatsheet = Cheatsheet()
    for path in [builtin_dir() / CHEATSHEET_FILE, *([extra] if extra else [])]:
        partials, prompts = _read(path)
        cheatsheet.partials.update(partials)
        cheatsheet.prompts.update((prompt.id, prompt) for prompt in prompts)
    _check_templates(cheatsheet)
    return cheatsheet


def _read(path: Path) -> tuple[dict[str, str], list[Prompt]]:
    import yaml

    try:
        text = reading.read_text(path)
    except reading.Unreadable as error:
        reason = "no such file" if not os.path.lexists(path) else str(error)
        raise CheatsheetError(path, 1, "(file)", reason) from None
    _refuse_control_characters(path, text)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)  # the C parser when PyYAML has it
    try:
        root = loader.get_single_node()
        _refuse_aliases(path, text, root)
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise CheatsheetError(path, mark.line + 1 if mark else 1, "(yaml)", str(error.problem or error)) from None
    except yaml.YAMLError as error:
        raise CheatsheetError(path, 1, "(yaml)", " ".join(str(error).split())) from None
    finally:
        loader.dispose()
    _validate(path, data, root)
    _refuse_escaped_control_characters(path, data, root)

    prompts, seen = [], {}
    for index, item in enumerate(data["prompts"]):
        if item["id"] in seen:
            line = _line_of(root, ["prompts", index, "id"])
            raise CheatsheetError(path, line, f"prompts[{index}].id", f"duplicate id {item['id']!r} (first on line {seen[item['id']]})")
        seen[item["id"]] = _line_of(root, ["prompts", index, "id"])
        body_node = _node_at(root, ["prompts", index, "body"])
        # A block scalar (body: |) starts on the line after its indicator.
        body_line = body_node.start_mark.line + (2 if body_node.style in ("|", ">") else 1)
        verify_lines = tuple(_line_of(root, ["prompts", index, "verify", n]) for n in range(len(item["verify"])))
        prompts.append(
            Prompt(
                id=item["id"], title=item["title"], description=item["description"], when=tuple(item["when"]),
                agent=item["agent"], argument_hint=item["argument_hint"], body=item["body"],
                verify=tuple(item["verify"]), tags=tuple(item["tags"]), source=path, body_line=body_line,
                verify_lines=verify_lines,
            )
        )  # fmt: skip
    return data.get("partials", {}), prompts


# C0 and C1 control characters other than tab and line breaks: in a title they would drive the
# terminal that lists it, and no prompt needs them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _control_problem(text: str) -> str | None:
    match = _CONTROL.search(text)
    return f"control character U+{ord(match.group()):04X} is not allowed" if match else None


def _refuse_control_characters(path: Path, text: str) -> None:
    problem = _control_problem(text)
    if problem:
        line = text.count("\n", 0, _CONTROL.search(text).start()) + 1
        raise CheatsheetError(path, line, "(file)", problem)


def _refuse_escaped_control_characters(path: Path, data, root, location: tuple = ()) -> None:
    """Control characters written as escapes in quoted strings (``"\\e[2J"``)."""
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        problem = _control_problem(data) if isinstance(data, str) else None
        if problem:
            raise CheatsheetError(path, _line_of(root, list(location)), _field_path(list(location)), problem)
        return
    for key, value in items:
        _refuse_escaped_control_characters(path, value, root, (*location, key))


def _refuse_aliases(path: Path, text: str, root) -> None:
    """A cheatsheet needs no anchors and aliases, and a few nested aliases expand to billions of
    strings ("billion laughs"). An alias makes a node appear twice in the composed tree."""
    import yaml

    seen: set[int] = set()
    pending = [root] if root is not None else []
    while pending:
        node = pending.pop()
        if id(node) in seen:
            alias = next(event for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
                         if isinstance(event, yaml.AliasEvent))
            raise CheatsheetError(path, alias.start_mark.line + 1, "(yaml)",
                                  "anchors and aliases (&name, *name) are not allowed in a cheatsheet")
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            pending.extend(item for pair in node.value for item in pair)


def schema() -> dict:
    return json.loads((builtin_dir() / SCHEMA_FILE).read_text(encoding="utf-8"))


def _validate(path: Path, data, root) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    problems = []
    errors = list(itertools.islice(validator.iter_errors(data), MAX_REPORTED_PROBLEMS + 1))
    for error in errors[:MAX_REPORTED_PROBLEMS]:
        location = list(error.absolute_path)
        problem = error.message
        if error.validator == "required":
            missing = re.search(r"'([^']+)' is a required property", error.message)
            location.append(missing.group(1) if missing else "?")
            problem = "required field is missing"
            line = _line_of(root, location[:-1])
        elif error.validator == "additionalProperties":
            extra = re.findall(r"'([^']+)'", error.message)
            unexpected = next((name for name in extra if isinstance(error.instance, dict) and name in error.instance), "?")
            location.append(unexpected)
            problem = "unknown field"
            line = _line_of(root, location)
        else:
            line = _line_of(root, location)
        problems.append((line, _field_path(location), problem))
    if problems:
        problems.sort()
        line, field_path, problem = problems[0]
        raise CheatsheetError(path, line, field_path, problem, more=len(problems) - 1, at_least=len(errors) > len(problems))


def _check_templates(cheatsheet: Cheatsheet) -> None:
    """Every body and verify command compiles, and every include names a partial; a prompt that
    does not goes into ``cheatsheet.problems``."""
    import jinja2
    from jinja2 import nodes

    environment = cheatsheet._environment()
    for prompt in cheatsheet.prompts.values():
        try:
            for field_name, template, line in [
                ("body", prompt.body, prompt.body_line),
                *(("verify", command, line) for command, line in zip(prompt.verify, prompt.verify_lines)),
            ]:
                try:
                    parsed = environment.parse(template)
                except jinja2.TemplateSyntaxError as error:
                    at = line + (error.lineno - 1 if field_name == "body" else 0)
                    raise CheatsheetError(prompt.source, at, f"{prompt.id}.{field_name}", f"Jinja2: {error.message}") from None
                for include in parsed.find_all(nodes.Include):
                    name = include.template.value if isinstance(include.template, nodes.Const) else None
                    if name not in cheatsheet.partials:
                        raise CheatsheetError(
                            prompt.source, line + include.lineno - 1, f"{prompt.id}.{field_name}",
                            f"includes {name!r}, which is not a partial (known: {', '.join(sorted(cheatsheet.partials))})",
                        )  # fmt: skip
        except CheatsheetError as problem:
            cheatsheet.problems[prompt.id] = problem


def _field_path(location: list) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _node_at(root, location: list):
    """The YAML node at ``location`` (keys and indexes), or the deepest node that exists."""
    import yaml

    node = root
    for part in location:
        if isinstance(node, yaml.MappingNode):
            match = next((value for key, value in node.value if key.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            match = node.value[part]
        else:
            match = None
        if match is None:
            return node
        node = match
    return node


def _line_of(root, location: list) -> int:
    """1-based line of the field at ``location``: the key's line for a mapping entry."""
    import yaml

    if root is None:
        return 1
    if location and not isinstance(location[-1], int):
        parent = _node_at(root, location[:-1])
        if isinstance(parent, yaml.MappingNode):
            for key, _ in parent.value:
                if key.value == location[-1]:
                    return key.start_mark.line + 1
    return _node_at(root, location).start_mark.line + 1
