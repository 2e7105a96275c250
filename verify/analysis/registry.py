"""The rule registry: rules are data (code, name, versions, docs) plus small visitor functions.

A rule module creates one :class:`Rule` and registers visitors for the AST node types it
cares about, in the style of django-upgrade's fixers::

    rule = Rule("DJA102", "sync-orm-call", __doc__, min_version=(4, 1))

    @rule.visits(ast.Call)
    def check(node, ctx):
        ...
        ctx.report(node, "message", hint="...")

The engine walks each file once and hands every node to the visitors of the enabled rules.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from verify.analysis.finding import Severity

Version = tuple[int, int]
Visitor = Callable[[ast.AST, "object"], None]

_REGISTRY: dict[str, Rule] = {}
_SECTION = re.compile(r"^## (.+)$", re.MULTILINE)


@dataclass
class Rule:
    code: str
    name: str
    doc: str
    min_version: Version | None = None
    max_version: Version | None = None  # exclusive: the first version where the rule no longer applies
    severity: Severity = Severity.ERROR
    # "async": visitors see nodes in async context only; "module": every node; "project": settings files.
    scope: str = "async"
    # The rule can only fire in a file containing one of these strings: files without any are
    # not walked for it (a cheap prefilter, e.g. ("thread_sensitive",)). Empty: always run.
    triggers: tuple[str, ...] = ()
    visitors: dict[type, list[Visitor]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"DJA\d{3}", self.code):
            raise ValueError(f"bad rule code {self.code!r}")
        if self.code in _REGISTRY:
            raise ValueError(f"rule {self.code} registered twice")
        _REGISTRY[self.code] = self

    def visits(self, *node_types: type) -> Callable[[Visitor], Visitor]:
        def decorator(func: Visitor) -> Visitor:
            for node_type in node_types:
                self.visitors.setdefault(node_type, []).append(func)
            return func

        return decorator

    def applies_to(self, version: Version) -> bool:
        if self.min_version and version < self.min_version:
            return False
        return not (self.max_version and version >= self.max_version)

    @property
    def versions(self) -> str:
        low = ".".join(map(str, self.min_version)) if self.min_version else "4.1"
        if self.max_version:
            return f"{low} to before {'.'.join(map(str, self.max_version))}"
        return f"{low}+"

    def section(self, title: str) -> str:
        """Text of one ``## Title`` section of the rule's docstring."""
        parts = _SECTION.split(self.doc)
        for heading, body in zip(parts[1::2], parts[2::2]):
            if heading.strip().lower() == title.lower():
                return body.strip()
        return ""

    @property
    def summary(self) -> str:
        """First sentence of "What it does"."""
        text = self.section("What it does").split("\n\n")[0].replace("\n", " ")
        sentence = re.split(r"(?<=[.:])\s", text, maxsplit=1)[0]
        return sentence.rstrip(":.") + "."


def all_rules() -> list[Rule]:
    from verify import rules  # noqa: F401  (importing the package registers every rule)

    return sorted(_REGISTRY.values(), key=lambda rule: rule.code)


def get_rule(code: str) -> Rule | None:
    return {rule.code: rule for rule in all_rules()}.get(code.upper())


def known_codes() -> frozenset[str]:
    """Every rule's code, from the rule modules' file names (``dja102_sync_orm_call.py``): cheap
    enough for option checking, which must not import the rules (a cached run imports none)."""
    global _KNOWN_CODES
    if _KNOWN_CODES is None:
        folder = Path(__file__).parents[1] / "rules"
        _KNOWN_CODES = frozenset(f"DJA{match.group(1)}" for name in os.listdir(folder) if (match := _RULE_MODULE.fullmatch(name)))
    return _KNOWN_CODES


_RULE_MODULE = re.compile(r"dja(\d{3})_\w+\.py")
_KNOWN_CODES: frozenset[str] | None = None
_LOOK_ALIKE_DIGITS = str.maketrans("OoIl", "0011")


def unknown_code(code: str) -> str | None:
    """Why ``code`` selects no rule, naming the closest known code; None for a code or a prefix of one."""
    if not code:
        return "an empty rule code (rule codes look like DJA1 or DJA102)"
    known = known_codes()
    if any(rule_code.startswith(code) for rule_code in known):
        return None
    if not code.startswith("DJA"):
        return f"`{code}` is not a DJA code or prefix (rule codes look like DJA1 or DJA102)"
    import difflib

    # A letter typed for the digit it looks like (DJA1O7) is the likeliest typo: try that first.
    digits = code[:3] + code[3:].translate(_LOOK_ALIKE_DIGITS)
    closest = [digits] if digits in known else difflib.get_close_matches(code, sorted(known), n=1, cutoff=0.75)
    return f"unknown rule code `{code}`" + (f" (did you mean {closest[0]}?)" if closest else " (rule codes look like DJA1 or DJA102)")


def is_enabled(code: str, severity: Severity, select: Sequence[str], ignore: Sequence[str], extend_select: Sequence[str] = ()) -> bool:
    """Whether ``select``/``ignore``/``extend_select`` code prefixes enable a rule. With no
    ``select``, every rule but the advice (severity info) rules is on; an advice rule is on only
    when an entry of ``select`` or ``extend_select`` names it or a prefix of it."""
    if any(code.startswith(prefix) for prefix in ignore):
        return False
    if any(code.startswith(prefix) for prefix in extend_select):
        return True
    if select:
        return any(code.startswith(prefix) for prefix in select)
    return severity is not Severity.INFO


def select_rules(select: Sequence[str], ignore: Sequence[str], version: Version, extend_select: Sequence[str] = ()) -> list[Rule]:
    """Rules enabled by code prefixes (``DJA1``, ``DJA102``; see :func:`is_enabled`) and applicable to the Django version."""
    return [rule for rule in all_rules()
            if is_enabled(rule.code, rule.severity, select, ignore, extend_select) and rule.applies_to(version)]


def iter_visitors(rules: list[Rule]) -> Iterator[tuple[type, Rule, Visitor]]:
    for rule in rules:
        for node_type, funcs in rule.visitors.items():
            for func in funcs:
                yield node_type, rule, func
