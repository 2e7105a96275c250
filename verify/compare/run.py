"""``verify --changed`` and ``verify --compare``: every rule on the changed files, plus the DJA5xx
comparison of each function converted from ``def`` to ``async def`` with its old version.
``--changed`` then keeps to what the change introduced (``verify.compare.scope``) unless ``--all``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from verify import api
from verify.analysis.engine import noqa_lines
from verify.analysis.finding import Finding
from verify.analysis.registry import Rule, select_rules
from verify.compare.functions import ParsedFile, converted_pairs
from verify.compare.registry import (
    FILE_CHECKS,
    PAIR_CHECKS,
    SCOPE,
    FileChange,
    Reporter,
)
from verify.pipeline import config as config_module
from verify.compare.scope import findings_of_change
from verify.pipeline.changes import ChangedFile, changed_files, default_base, repository_root
from verify.pipeline.discovery import display_path, excluded
from verify.pipeline.file_tree import skipped_folder
from verify.project.target import find_root


def check_changed(base: str | None = None, *, start: Path | None = None, everything: bool = False, **options) -> api.Report:
    """The findings of the change against ``base`` (default: ``changes.default_base``); with
    ``everything``, all findings of the changed files. Raises ``changes.ChangesError`` outside a
    repository or for an unknown ``base``."""
    start = start or Path.cwd()
    root = repository_root(start)
    base = base or default_base(start)
    cfg = _config(root, options.get("config_path"), options.get("use_config", True))
    config_root = cfg.path.parent.resolve() if cfg.path else root
    # The files a folder walk would skip (migrations, virtualenvs, `exclude`) are skipped here too.
    changed = [item for item in changed_files(start, base)
               if not any(map(skipped_folder, item.path.relative_to(root).parts[:-1])) and not excluded(item.path, cfg.exclude, config_root)]
    report, comparisons = _check(changed, root, **options)
    if not everything:
        report.findings, report.left_out = findings_of_change(report.findings, comparisons, changed)
    return report


def check_compare(old_path: Path, new_path: Path, **options) -> api.Report:
    """Raises ``ValueError`` when either file cannot be read."""
    old_source = api.read_source(old_path)
    api.read_source(new_path)  # unreadable: a usage error now, not a crash in the comparison
    root = find_root(new_path)
    return _check([ChangedFile(new_path.resolve(), str(old_path), old_source)], root, **options)[0]


def _check(changed: list[ChangedFile], root: Path, *, select: list[str] | None = None, ignore: list[str] | None = None,
           extend_select: list[str] | None = None, target: str | None = None, config_path: Path | None = None,
           use_config: bool = True) -> tuple[api.Report, set[Finding]]:
    """The report and, of its findings, the DJA5xx comparisons."""
    present = [str(item.path) for item in changed if not item.deleted]  # absolute: check_paths makes the display paths
    if present:
        # with_dependents: the callers of a changed helper are checked again too
        report = api.check_paths(present, select=select, ignore=ignore, extend_select=extend_select, target=target,
                                 config_path=config_path, use_config=use_config, with_dependents=True)
    else:
        report = api.Report()
    cfg = _config(root, config_path, use_config)
    config_root = cfg.path.parent.resolve() if cfg.path else root
    chosen = select if select is not None else cfg.select
    old_sources = {item.path.resolve(): item.old_source for item in changed if item.old_source is not None}
    comparisons: set[Finding] = set()
    for item in changed:
        if item.old_source is None:
            continue  # a new file: nothing to compare with
        extra_ignore = cfg.ignored_for(item.path, config_root)
        # select_rules imports every rule module, which registers each DJA5xx comparison.
        rules = [rule for rule in select_rules(chosen, (ignore or []) + cfg.ignore + extra_ignore, report.version,
                                               (extend_select or []) + cfg.extend_select) if rule.scope == SCOPE]
        if rules:  # the report's display paths, made here (the comparison knows files by absolute path)
            comparisons.update(replace(finding, path=display_path(Path(finding.path)))
                               for finding in compare_file(item, root, rules, report.version, old_sources))
    report.findings = sorted(set(report.findings) | comparisons)
    return report, comparisons


def _config(root: Path, config_path: Path | None, use_config: bool) -> config_module.Config:
    return config_module.load(config_path or (config_module.find_pyproject(root) if use_config else None))


def compare_file(item: ChangedFile, root: Path, rules: list[Rule], version: tuple[int, int],
                 old_sources: dict[Path, str]) -> list[Finding]:
    """The DJA5xx findings of one changed file, at absolute paths."""
    new_source = "" if item.deleted else api.read_source(item.path)
    old = ParsedFile.parse(f"{item.old_path} (old)", item.old_source or "", version)
    new = ParsedFile.parse(str(item.path), new_source, version)
    if old is None or new is None:
        return []  # DJA000 reports a syntax error in the new version; an unparsable old one gives nothing to compare
    reporter = Reporter()
    codes = {rule.code for rule in rules}
    for pair in converted_pairs(old, new):
        for code, check in PAIR_CHECKS.items():
            if code in codes:
                check(pair, reporter)
    change = FileChange(old, new, root, item.path, old_sources, item.moved_from)
    for code, check in FILE_CHECKS.items():
        if code in codes:
            check(change, reporter)
    return _without_noqa(reporter.findings)


def _without_noqa(findings: list[Finding]) -> list[Finding]:
    sources: dict[str, dict] = {}
    kept = []
    for finding in findings:
        if finding.path not in sources:
            try:
                sources[finding.path] = noqa_lines(api.read_source(Path(finding.path)))
            except ValueError:
                sources[finding.path] = {}
        codes = sources[finding.path].get(finding.line, set())
        if codes is None or finding.code in codes:
            continue
        kept.append(finding)
    return kept


def check_arguments(args) -> api.Report:
    """The report for ``verify --changed [--base REV]`` or ``verify --compare OLD NEW``; bad input is a ``UsageError``."""
    from verify.cli import UsageError
    from verify.pipeline.changes import ChangesError

    if args.base and not args.changed:
        raise UsageError("--base goes with --changed")
    if args.all and not args.changed:
        raise UsageError("--all goes with --changed")
    if args.changed and args.compare:
        raise UsageError("use either --changed or --compare, not both")
    if args.paths:
        raise UsageError("--changed and --compare take no PATH: they choose the files themselves")
    options = {"select": args.select, "ignore": args.ignore, "extend_select": args.extend_select, "target": args.target_version,
               "config_path": Path(args.config) if args.config else None, "use_config": not args.no_config}
    try:
        if args.changed:
            return check_changed(args.base, everything=args.all, **options)
        old, new = (Path(name) for name in args.compare)
        return check_compare(old, new, **options)
    except (ChangesError, ValueError) as error:
        raise UsageError(str(error)) from None
