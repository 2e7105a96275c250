"""The verifier's Python API: what the CLI, the instruction tests and other tools call.

``check_source`` checks one piece of code; ``check_paths`` checks files and folders the way the
``verify`` command does and returns a :class:`Report`.
"""

from __future__ import annotations

import os
import symtable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from verify import config as config_module
from verify import file_tree, reading
from verify.cache import DEFAULT_DIR as DEFAULT_CACHE_DIR
from verify.cache import Cache, digest
from verify.config import ignored_codes
from verify.discovery import collect, display_path
from verify.django_api import Version
from verify.finding import Finding
from verify.project import find_root, project_roots, target_version
from verify.runner import Job, RunSettings, Selection, open_cache
from verify.runner import run as run_jobs

if TYPE_CHECKING:  # the analysis is imported only when a file needs it: a cached run never does
    from verify.models_index import ModelIndex
    from verify.registry import Rule
    from verify.summaries import Project


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # input problems: exit code 2
    skipped: list[str] = field(default_factory=list)  # files a folder holds that were not read, and why
    files: int = 0
    version: Version = (6, 1)
    version_source: str = ""

    def summary(self) -> dict:
        by_code: dict[str, int] = {}
        for finding in self.findings:
            by_code[finding.code] = by_code.get(finding.code, 0) + 1
        return {"files": self.files, "findings": len(self.findings), "by_code": dict(sorted(by_code.items())),
                "errors": self.errors, "django_version": f"{self.version[0]}.{self.version[1]}"}


def _syntax_finding(path: str, error: SyntaxError) -> Finding:
    from verify.registry import get_rule

    rule = get_rule("DJA000")
    line = error.lineno or 1
    column = error.offset or 1
    if isinstance(error, file_tree.TooDeeplyNested):
        return Finding(path, line, column, line, column + 1, rule.code, rule.name, f"{error.msg} (docs/limits.md)",
                       "split the deepest expression or function: nothing else in this file was checked")
    return Finding(path, line, column, line, column + 1, rule.code, rule.name, f"syntax error: {error.msg}",
                   "fix the syntax: nothing else in this file was checked")


# Up to this many files, files without async code are still checked for syntax errors; above it
# they are not parsed at all (parsing would dominate the run, and they cannot have other findings).
SYNTAX_CHECK_ALL_MAX_FILES = 200


def needs_analysis(source: str) -> bool:
    """Only async code can have findings (besides a syntax error)."""
    return "async def" in source


def syntax_findings(path: str, source: str) -> list[Finding]:
    """A syntax error in a file without async code: compiled to a symbol table only, which is
    cheaper than building its AST."""
    try:
        symtable.symtable(source, path, "exec")
    except SyntaxError as error:
        return [_syntax_finding(path, error)]
    except (RecursionError, MemoryError):
        return [_syntax_finding(path, file_tree.TooDeeplyNested(path))]
    except ValueError as error:  # source with NUL bytes
        return [_syntax_finding(path, SyntaxError(str(error)))]
    return []


def check_file_source(path: str, source: str, rules: list[Rule], version: Version, models: ModelIndex,
                      options: dict | None = None, project: Project | None = None) -> list[Finding]:
    if not needs_analysis(source):
        return syntax_findings(path, source)  # like a syntax error in async code: always reported
    from verify.context import FileContext, module_name_of
    from verify.engine import check_tree

    try:
        tree = file_tree.parse(path, source)
    except SyntaxError as error:
        return [_syntax_finding(path, error)]
    except ValueError as error:  # source with NUL bytes
        return [_syntax_finding(path, SyntaxError(str(error)))]
    try:
        context = FileContext.build(path, source, tree, version, models, options)
        if project is not None:
            project.add_module(module_name_of(path), path, context)
        return check_tree(context, rules)
    except RecursionError:  # the last line of defence: the analysis bounds its depths (verify.limits)
        return [_syntax_finding(path, file_tree.TooDeeplyNested(path))]


def check_source(source: str, path: str = "views.py", *, target_version: Version = (6, 1), select: list[str] | None = None,
                 ignore: list[str] | None = None, project_root: str | Path | None = None, models_source: str | None = None) -> list[Finding]:
    """Findings for one source string. Models come from ``models_source``, else from the
    project at ``project_root``, else from model classes defined in ``source`` itself."""
    from verify.models_index import build_index, index_for
    from verify.registry import select_rules
    from verify.summaries import Project

    if models_source is not None:
        models = build_index([models_source, source])
    elif project_root is not None:
        models = index_for(Path(project_root).resolve())
    else:
        models = build_index([source])
    rules = select_rules(select or [], ignore or [], target_version)
    root = Path(project_root).resolve() if project_root is not None else None
    project = Project(root, target_version, models, select_rules([], [], target_version))
    return check_file_source(path, source, rules, target_version, models, project=project)


def read_source(path: Path) -> str:
    """The file's text; ``ValueError`` (:class:`reading.Unreadable`) with a clear reason when it
    is not a regular file within the size limit, or not readable Python text."""
    return reading.read_python(path)


def check_paths(paths: list[str] | None = None, *, select: list[str] | None = None, ignore: list[str] | None = None,
                target: str | None = None, config_path: Path | None = None, use_config: bool = True,
                cache: bool = True, cache_dir: Path | None = None, jobs: int = 0, with_dependents: bool = False) -> Report:
    """Check files and folders as ``django-async-kit verify`` does.

    Results are cached in ``cache_dir`` (default: ``cache-dir`` from the configuration, else
    ``.django-async-kit-cache`` next to the configuration or project root); ``jobs`` is the number
    of worker processes (0: automatic, 1: serial). ``with_dependents`` also checks the files whose
    cached analysis read one of ``paths`` (the callers of a changed helper: ``verify --changed``).

    Raises ``config.ConfigError`` for bad configuration and ``discovery.PathError`` for a missing path.
    """
    paths = paths or ["."]
    file_tree.new_run()
    first = Path(paths[0])
    pyproject = config_path or (config_module.find_pyproject(first if first.exists() else Path.cwd()) if use_config else None)
    cfg = config_module.load(pyproject)
    with reading.size_limit(cfg.max_file_size):
        return _check_paths(paths, cfg, select, ignore, target, cache, cache_dir, jobs, with_dependents)


def _check_paths(paths: list[str], cfg, select, ignore, target, cache, cache_dir, jobs, with_dependents) -> Report:
    first = Path(paths[0])
    root = find_root(first if first.exists() else Path.cwd())
    config_root = cfg.path.parent.resolve() if cfg.path else root
    version, source = target_version(root, target or cfg.target_version)
    report = Report(version=version, version_source=source)
    files = collect(paths, cfg.exclude, config_root, report.skipped)
    named = {os.path.abspath(path) for path in paths}
    settings = RunSettings(root, version, cfg.extra, None, jobs)
    results = None
    if cache:
        configured = cfg.extra.get("cache-dir")
        settings.cache_dir = cache_dir or (config_root / configured if configured else config_root / DEFAULT_CACHE_DIR)
        results = open_cache(settings)
        if with_dependents:
            callers = results.dependents({os.path.abspath(path) for path in files})
            files += [Path(os.path.relpath(path)) for path in sorted(callers) if os.path.isfile(path)]
    base_select = tuple(select if select is not None else cfg.select)
    base_ignore = tuple((ignore or []) + cfg.ignore)
    jobs_to_run: list[Job] = []
    large = len(files) > SYNTAX_CHECK_ALL_MAX_FILES
    for path in files:
        try:
            key = os.path.abspath(path)
            stat = os.stat(path) if results is not None else None
            if stat is not None:
                reading.check_size(path, stat.st_size)  # (the cache may know a file it is no longer allowed to read)
            known = results.known_content(key, stat) if results is not None else None
            if known is None or known[1] is None:  # (a dependency's record does not say whether it has async code)
                text = read_source(path)
                content, analysable = digest(text), needs_analysis(text)
                file_tree.remember_text(path, text)
                if results is not None:
                    results.record_content(key, stat, content, analysable)
            else:
                text, (content, analysable) = None, known  # unchanged since the cache saw it: read only if it must be analysed
        except reading.TooLarge as error:
            (report.errors if key in named else report.skipped).append(str(error))  # found in a folder: skipped with a note
            continue
        except (OSError, ValueError) as error:
            report.errors.append(str(error) if isinstance(error, ValueError) else f"cannot read {path}: {error.strerror or error}")
            continue
        report.files += 1
        if not analysable and large:
            continue
        extra_ignore = tuple(ignored_codes(path, cfg.per_file_ignores, config_root))
        jobs_to_run.append(Job(display_path(path), text, Selection(base_select, base_ignore + extra_ignore), content))

    def project_pass() -> list[Finding]:  # a project folder: its settings, requirements and deployment files
        return [finding for project_root in project_roots(paths)
                for finding in _project_findings(project_root, Selection(base_select, base_ignore), version, cfg, config_root, results)]

    report.findings.extend(run_jobs(jobs_to_run, settings, results, meanwhile=project_pass))
    if results is not None:
        results.save()
    report.findings.sort()
    return report


def _project_findings(root: Path, selection: Selection, version: Version, cfg, config_root: Path, results: Cache | None) -> list[Finding]:
    """The project pass, from the cache while the project's files are the same ones (by path) and
    the ones it read are unchanged."""
    listing = digest("\n".join(file_tree.relative_files_under(root)))
    slot = f"project\0{root}\0{os.getcwd()}\0{selection}\0{cfg.per_file_ignores}" if results is not None else ""
    cached = results.get(results.slot(slot), listing) if results is not None else None
    if cached is not None:
        return cached
    from verify.project_checks import check_project
    from verify.project_files import ProjectFiles
    from verify.registry import select_rules

    files = ProjectFiles(root)
    findings = check_project(root, select_rules(list(selection.select), list(selection.ignore), version), version, display_path,
                             lambda path: ignored_codes(path, cfg.per_file_ignores, config_root), files)
    if results is not None:
        results.put(results.slot(slot), listing, findings, {os.path.abspath(path) for path in files.read_paths}, str(root))
    return findings
