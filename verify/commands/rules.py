"""``django-async-kit rules`` (the table) and ``django-async-kit rule CODE`` (one rule's docs)."""

from __future__ import annotations

from verify.cli import UsageError

HELP = {"rules": "list every rule", "rule": "show one rule's documentation"}


def add_arguments(parser, name: str) -> None:
    if name == "rule":
        parser.add_argument("code", help="a rule code, e.g. DJA101")
    else:
        parser.add_argument("--format", choices=["text", "json"], default="text")


def run(args) -> int:
    from verify.analysis.registry import all_rules, get_rule

    if args.command == "rule":
        rule = get_rule(args.code)
        if rule is None:
            raise UsageError(f"unknown rule {args.code!r}; `django-async-kit rules` lists them")
        print(f"# {rule.code} {rule.name}\n\nDjango versions: {rule.versions}. Severity: {rule.severity.value}.\n\n{rule.doc.strip()}")
        return 0
    rules = all_rules()
    if args.format == "json":
        import json

        print(json.dumps([{"code": r.code, "name": r.name, "summary": r.summary, "versions": r.versions, "severity": r.severity.value,
                           "default": _on_by_default(r)} for r in rules], indent=2))
        return 0
    width = max(len(r.name) for r in rules)
    for rule in rules:
        advice = "" if _on_by_default(rule) else " (advice: off by default, on with --select or --extend-select)"
        print(f"{rule.code}  {rule.name:<{width}}  {rule.summary}{advice}")
    return 0


def _on_by_default(rule) -> bool:
    from verify.analysis.registry import is_enabled

    return is_enabled(rule.code, rule.severity, (), ())
