"""Regenerate the repository's generated documentation: ``python -m verify.docgen`` (``make docs``).

* ``docs/rules.md`` from the rule registry;
* the README's rule table, between ``<!-- rules-table:begin -->`` and ``<!-- rules-table:end -->``;
* the README's copy-paste snippets, between ``<!-- snippet:begin docs/snippets/NAME -->`` and
  ``<!-- snippet:end -->``, copied verbatim from ``docs/snippets/`` (the files the tests run).

``--check`` writes nothing and exits 1, naming the stale files, when anything is out of date.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from verify.rules_doc import RULES_DOC_PATH, rules_markdown, rules_table

_RULES_TABLE = re.compile(r"(<!-- rules-table:begin -->\n).*?(<!-- rules-table:end -->)", re.DOTALL)
_SNIPPET = re.compile(r"(<!-- snippet:begin (?P<path>\S+) -->\n).*?(<!-- snippet:end -->)", re.DOTALL)
_FENCE_LANGUAGE = {".yaml": "yaml", ".yml": "yaml", ".toml": "toml"}


def _fenced(path: Path) -> str:
    body = path.read_text(encoding="utf-8")
    return f"```{_FENCE_LANGUAGE.get(path.suffix, 'text')}\n{body.rstrip()}\n```\n"


def readme_text(readme: str, root: Path) -> str:
    """The README with its generated blocks brought up to date."""
    table = rules_table(link_prefix=RULES_DOC_PATH)
    readme = _RULES_TABLE.sub(lambda m: f"{m.group(1)}{table}\n{m.group(2)}", readme)

    def snippet(match: re.Match) -> str:
        return f"{match.group(1)}{_fenced(root / match.group('path'))}{match.group(3)}"

    return _SNIPPET.sub(snippet, readme)


def generated_files(root: Path) -> dict[Path, str]:
    """Every generated file and the text it should have."""
    readme = root / "README.md"
    return {
        root / RULES_DOC_PATH: rules_markdown(),
        readme: readme_text(readme.read_text(encoding="utf-8"), root),
    }


def stale_files(root: Path) -> list[Path]:
    return [path for path, text in generated_files(root).items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m verify.docgen", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the repository (default: .)")
    parser.add_argument("--check", action="store_true", help="only report stale files (exit 1 if any)")
    args = parser.parse_args(argv)
    stale = stale_files(args.root)
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(args.root)} (run `make docs`)", file=sys.stderr)
        return 1 if stale else 0
    for path, text in generated_files(args.root).items():
        if path in stale:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(args.root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
