"""Recall and precision of the verifier on the hand-written evaluation corpus (tests/data/eval).

    python bench/bench_recall.py [--json] [--corpus tests/data/eval] [--target 6.1]

Annotation convention (written by hand, independently of the verifier's code):

- In ``views_buggy*.py`` files, every line holding a real bug ends with a comment
  ``# expect: CODE[, CODE ...]``. Each item may be followed by the word ``helper``:
  ``# expect: DJA106, DJA306 helper`` means the line has a direct DJA106 bug and a DJA306 bug
  hidden inside a sync project helper called from that line (another module, ``self.helper()``,
  a model method or property, a serializer...). Helper items form the "helper-hidden" subset.
- Every other file of the corpus (``views_correct*.py``, ``models.py``, helper modules, forms,
  tasks...) is correct code: any DJA1/DJA2/DJA3 finding in it is a false positive.
- Matching is by (file, code, statement): a finding counts for an expectation when it has the
  same file and code and its line falls inside the statement that holds the annotated line
  (the whole simple statement, or the header of a compound statement such as ``for``/``with``).
  A multi-line call may therefore be reported on any of its lines. One more allowance: a DJA101
  annotated on ``name = coroutine_call(...)`` also matches a DJA101 reported later in the same
  function on a line that uses ``name`` (the same un-awaited coroutine, reported where it is
  consumed).

Families: DJA1xx+DJA2xx ("db"), DJA3xx ("blocking"), and the helper-hidden subset (any code).
Findings on buggy files that match no expectation are listed as "extra": each is either a
missing annotation or a false positive, and must be triaged by hand.

Only DJA1, DJA2 and DJA3 are selected, plus the DJA4xx codes the corpus annotates (the others are
informational); the cache is off.

A second corpus, tests/data/conversions (``--corpus tests/data/conversions``), is a runnable
project whose every annotated bug is confirmed at runtime (its confirm_runtime.py).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
try:  # the installed (editable) package, or another checkout put first on PYTHONPATH
    from verify.api import check_paths
except ImportError:  # pragma: no cover
    sys.path.insert(0, str(ROOT))
    from verify.api import check_paths

DEFAULT_CORPUS = ROOT / "tests" / "data" / "eval"
EXPECT_RE = re.compile(r"#\s*expect:\s*(?P<items>[^#]*)")
ITEM_RE = re.compile(r"^(?P<code>DJA\d{3})(?P<helper>\s+helper)?$")


def is_buggy_file(path: Path) -> bool:
    return path.name.startswith("views_buggy")


def statement_spans(source: str) -> dict[int, tuple[int, int]]:
    """Map each line to the (first, last) line of the innermost statement (or compound header)."""
    tree = ast.parse(source)
    spans: dict[int, tuple[int, int]] = {}

    def visit(body):
        for stmt in body:
            first = stmt.lineno
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                first = min([first] + [d.lineno for d in stmt.decorator_list])
            children = [
                getattr(stmt, name)
                for name in ("body", "orelse", "finalbody", "handlers")
                if isinstance(getattr(stmt, name, None), list) and getattr(stmt, name)
            ]
            if isinstance(stmt, ast.Match):
                children = [case.body for case in stmt.cases]
            if children:
                header_end = min(child[0].lineno for child in children) - 1
                header_end = max(header_end, first)
                for line in range(first, header_end + 1):
                    spans[line] = (first, header_end)
                for child in children:
                    if child and isinstance(child[0], ast.ExceptHandler):
                        for handler in child:
                            spans.setdefault(handler.lineno, (handler.lineno, handler.lineno))
                            visit(handler.body)
                    else:
                        visit(child)
            else:
                for line in range(first, (stmt.end_lineno or first) + 1):
                    spans[line] = (first, stmt.end_lineno or first)

    visit(tree.body)
    return spans


def stored_coroutines(source: str) -> dict[int, tuple[str, int]]:
    """Line of each ``name = call(...)`` inside a function -> (name, last line of the function)."""
    tree = ast.parse(source)
    result: dict[int, tuple[str, int]] = {}
    for func in ast.walk(tree):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(func):
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Call)
            ):
                result[node.lineno] = (node.targets[0].id, func.end_lineno or node.lineno)
    return result


def load_expectations(corpus: Path):
    """[(file, line, code, helper, span)] for every annotated bug."""
    expectations = []
    spans_by_file = {}
    for path in sorted(corpus.rglob("*.py")):
        source = path.read_text()
        spans = statement_spans(source)
        stored = stored_coroutines(source)
        lines = source.splitlines()
        spans_by_file[path.resolve()] = spans
        for lineno, text in enumerate(source.splitlines(), start=1):
            match = EXPECT_RE.search(text)
            if not match:
                continue
            if not is_buggy_file(path):
                raise SystemExit(f"{path}:{lineno}: expect comment outside a views_buggy file")
            for raw in match.group("items").split(","):
                raw = raw.strip()
                item = ITEM_RE.match(raw)
                if not item:
                    raise SystemExit(f"{path}:{lineno}: bad expect item {raw!r}")
                expectations.append(
                    {
                        "file": path.resolve(),
                        "line": lineno,
                        "code": item.group("code"),
                        "helper": bool(item.group("helper")),
                        "span": spans.get(lineno, (lineno, lineno)),
                        "uses": _uses(item.group("code"), lineno, stored, lines),
                    }
                )
    return expectations, spans_by_file


def _uses(code: str, lineno: int, stored, lines) -> list[int]:
    """Later lines of the same function that use the coroutine stored on ``lineno`` (DJA101 only)."""
    if code != "DJA101" or lineno not in stored:
        return []
    name, last = stored[lineno]
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    return [n for n in range(lineno + 1, last + 1) if pattern.search(lines[n - 1].split("#")[0])]


def verifier_state() -> dict:
    """Which verifier was measured: its module path, the commit and whether verify/ had local edits."""
    import subprocess

    import verify

    where = Path(verify.__file__).resolve().parent
    state = {"path": str(where)}
    try:
        state["commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=where, capture_output=True, text=True, check=True
        ).stdout.strip()
        state["uncommitted_changes"] = bool(
            subprocess.run(["git", "status", "--porcelain", "--", "."], cwd=where, capture_output=True, text=True).stdout.strip()
        )
    except (OSError, subprocess.CalledProcessError):
        pass
    return state


def family(code: str) -> str:
    return {"DJA3": "blocking", "DJA4": "pitfalls"}.get(code[:4], "db")


def run(corpus: Path, target: str) -> dict:
    expectations, _ = load_expectations(corpus)
    # DJA4xx are informational, except the ones the corpus annotates as real bugs.
    annotated_dja4 = sorted({e["code"] for e in expectations if e["code"].startswith("DJA4")})
    select = ["DJA1", "DJA2", "DJA3", *annotated_dja4]
    report = check_paths([str(corpus)], select=select, target=target, cache=False, use_config=False)
    findings = []
    for f in report.findings:
        path = Path(f.path)
        if not path.is_absolute():
            path = (Path.cwd() / path)
        findings.append({"file": path.resolve(), "line": f.line, "code": f.code, "message": f.message})

    used = set()
    matched = []
    missed = []
    for exp in expectations:
        hit = None
        for i, f in enumerate(findings):
            if i in used or f["file"] != exp["file"] or f["code"] != exp["code"]:
                continue
            if exp["span"][0] <= f["line"] <= exp["span"][1] or f["line"] in exp["uses"]:
                hit = i
                break
        if hit is None:
            missed.append(exp)
        else:
            used.add(hit)
            matched.append(exp)

    false_positives = []
    extras = []
    for i, f in enumerate(findings):
        if i in used:
            continue
        # A second finding of an already matched (file, statement, code) is a duplicate, not new.
        if any(
            e["file"] == f["file"] and e["code"] == f["code"] and e["span"][0] <= f["line"] <= e["span"][1]
            for e in matched
        ):
            continue
        (extras if is_buggy_file(f["file"]) else false_positives).append(f)

    def rel(p: Path) -> str:
        try:
            return str(p.relative_to(ROOT))
        except ValueError:
            return str(p)

    def stats(selected):
        total = len(selected)
        found = sum(1 for e in selected if e in matched)
        return {"expected": total, "found": found, "recall": round(found / total, 4) if total else None}

    db = [e for e in expectations if family(e["code"]) == "db" and not e["helper"]]
    blocking = [e for e in expectations if family(e["code"]) == "blocking" and not e["helper"]]
    pitfalls = [e for e in expectations if family(e["code"]) == "pitfalls" and not e["helper"]]
    helper = [e for e in expectations if e["helper"]]
    per_code = defaultdict(lambda: {"expected": 0, "found": 0})
    for e in expectations:
        per_code[e["code"]]["expected"] += 1
        per_code[e["code"]]["found"] += e in matched
    correct_files = [p for p in corpus.rglob("*.py") if not is_buggy_file(p)]
    return {
        "verifier": verifier_state(),
        "target": target,
        "corpus": rel(corpus.resolve()),
        "files": len(list(corpus.rglob("*.py"))),
        "correct_files": len(correct_files),
        "db": stats(db),
        "blocking": stats(blocking),
        "pitfalls": stats(pitfalls),
        "helper": stats(helper),
        "all": stats(expectations),
        "per_code": dict(sorted(per_code.items())),
        "false_positives": [
            {"file": rel(f["file"]), "line": f["line"], "code": f["code"], "message": f["message"]} for f in false_positives
        ],
        "extra_on_buggy": [
            {"file": rel(f["file"]), "line": f["line"], "code": f["code"], "message": f["message"]} for f in extras
        ],
        "missed": [
            {"file": rel(e["file"]), "line": e["line"], "code": e["code"], "helper": e["helper"]} for e in missed
        ],
    }


def readme_table(result: dict) -> str:
    """The table of a recorded run in docs/benchmarks.md (a test keeps it in step with recall.json)."""
    rows = ["| bugs | found | recall |", "| --- | ---: | ---: |"]
    for key, label in (("db", "DJA1xx + DJA2xx in the view"), ("blocking", "DJA3xx blocking calls"),
                       ("pitfalls", "DJA4xx async pitfalls (views Django or DRF cannot run)"),
                       ("helper", "hidden in sync helpers (any code)")):
        part = result.get(key)
        if not part or not part["expected"]:
            continue
        rows.append(f"| {label} | {part['found']} / {part['expected']} | {part['recall']:.0%} |")
    rows.append("")
    rows.append(f"Findings on the {result['correct_files']} files of correct code: {len(result['false_positives'])}.")
    return "\n".join(rows) + "\n"


def result_name(corpus: Path) -> str:
    """bench/results/ file of a corpus's recorded run."""
    return "recall.json" if corpus.resolve() == DEFAULT_CORPUS.resolve() else f"recall-{corpus.resolve().name}.json"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--target", default="6.1")
    parser.add_argument("--json", action="store_true",
                        help="also write bench/results/recall.json (recall-<corpus folder>.json for another corpus)")
    args = parser.parse_args(argv)
    result = run(args.corpus, args.target)
    print(f"verifier: {result['verifier']}")
    for name, label in (("db", "DJA1xx+DJA2xx (direct)"), ("blocking", "DJA3xx (direct)"),
                        ("pitfalls", "DJA4xx (direct)"), ("helper", "helper-hidden (any code)"), ("all", "all annotated bugs")):
        s = result[name]
        print(f"{label:28} {s['found']:4}/{s['expected']:<4} recall {s['recall']}")
    print(f"false positives on correct files: {len(result['false_positives'])} ({result['correct_files']} files)")
    for f in result["false_positives"]:
        print(f"  FP    {f['file']}:{f['line']}: {f['code']} {f['message']}")
    print(f"extra findings on buggy files: {len(result['extra_on_buggy'])}")
    for f in result["extra_on_buggy"]:
        print(f"  EXTRA {f['file']}:{f['line']}: {f['code']} {f['message']}")
    print(f"missed: {len(result['missed'])}")
    for m in result["missed"]:
        print(f"  MISS  {m['file']}:{m['line']}: {m['code']}{' (helper)' if m['helper'] else ''}")
    if args.json:
        out = HERE / "results" / result_name(args.corpus)
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
