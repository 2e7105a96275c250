"""The verifier's Python API: what the CLI, the instruction tests and other tools call.

``check_source`` checks one piece of code; ``check_paths`` checks files and folders the way the
``verify`` command does and returns a :class:`Report`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from verify.analysis.check_file import check_file_source, needs_analysis
from verify.analysis.django_api import Version
from verify.analysis import newer_syntax
from verify.analysis.finding import Finding, Severity
from verify.analysis.registry import is_enabled
from verify.pipeline import config as config_module
from verify.pipeline import file_tree, reading
from verify.pipeline.cache import DEFAULT_DIR as DEFAULT_CACHE_DIR
from verify.pipeline.cache import Cache, digest
from verify.pipeline.discovery import SourceFile, collect, display_path
from verify.pipeline.runner import Job, RunSettings, Selection, open_cache
from verify.pipeline.runner import run as run_jobs
from verify.project.target import find_root, project_roots, target_version


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # input problems: exit code 2
    skipped: list[str] = field(default_factory=list)  # files a folder holds that were not read, and why
    files: int = 0
    version: Version = (6, 1)
    version_source: str = ""
    left_out: int | None = None  # `verify --changed`: older findings of the changed files, not the change's
    in_baseline: int | None = None  # `verify --baseline`: findings the baseline records

    def summary(self) -> dict:
        by_code: dict[str, int] = {}
        for finding in self.findings:
            by_code[finding.code] = by_code.get(finding.code, 0) + 1
        summary = {"files": self.files, "findings": len(self.findings), "by_code": dict(sorted(by_code.items())),
                   "errors": self.errors, "django_version": f"{self.version[0]}.{self.version[1]}"}
        # Only in the runs that leave findings out: `--changed` without `--all`, `--baseline`.
        if self.left_out is not None:
            summary["left_out"] = self.left_out
        if self.in_baseline is not None:
            summary["in_baseline"] = self.in_baseline
        return summary


# Up to this many files, files without async code are still checked for syntax errors; above it
# they are not parsed at all (parsing would dominate the run, and they cannot have other findings).
SYNTAX_CHECK_ALL_MAX_FILES = 200


def check_source(source: str, path: str = "views.py", *, target_version: Version = (6, 1), select: list[str] | None = None,
                 ignore: list[str] | None = None, project_root: str | Path | None = None, models_source: str | None = None,
                 served_by_wsgi: bool | None = None) -> list[Finding]:
    """Findings for one source string. Models come from ``models_source``, else from the
    project at ``project_root``, else from model classes defined in ``source`` itself.
    ``served_by_wsgi`` says how the code is deployed (DJA407 advises only under WSGI); by
    default it is read from the deployment files of the project at ``project_root``."""
    from verify.analysis.models_index import build_index, index_for
    from verify.analysis.registry import select_rules
    from verify.analysis.summaries import Project

    if models_source is not None:
        models = build_index([models_source, source])
    elif project_root is not None:
        models = index_for(Path(project_root).resolve())
    else:
        models = build_index([source], [path])  # with its path: the models' own methods (`__str__`) are followed
    rules = select_rules(select or [], ignore or [], target_version)
    root = Path(project_root).resolve() if project_root is not None else None
    project = Project(root, target_version, models, select_rules([], [], target_version))
    if served_by_wsgi is None:
        served_by_wsgi = bool(root) and any(r.code == WSGI_ADVICE for r in rules) and _served_by_wsgi(root, target_version)
    options = {"served_by_wsgi": served_by_wsgi}
    return check_file_source(path, source, rules, target_version, models, options, project)


WSGI_ADVICE = "DJA407"  # the rule that needs to know whether the project is served by WSGI


def _served_by_wsgi(root: Path, version: Version) -> bool:
    from verify.project.checks import served_by_wsgi

    return served_by_wsgi(root, version)


def read_source(path: Path) -> str:
    """The file's text; ``ValueError`` (:class:`reading.Unreadable`) with a clear reason when it
    is not a regular file within the size limit, or not readable Python text."""
    return reading.read_python(path)


def check_paths(paths: list[str] | None = None, *, select: list[str] | None = None, ignore: list[str] | None = None,
                extend_select: list[str] | None = None, target: str | None = None, config_path: Path | None = None, use_config: bool = True,
                cache: bool = True, cache_dir: Path | None = None, jobs: int = 0, with_dependents: bool = False) -> Report:
    """Check files and folders as ``django-async-kit verify`` does.

    Results are cached in ``cache_dir`` (default: ``cache-dir`` from the configuration, else
    ``.django-async-kit-cache`` next to the configuration or project root); ``jobs`` is the number
    of worker processes (0: automatic, 1: serial). ``with_dependents`` also checks the files whose
    cached analysis read one of ``paths`` (the callers of a changed helper: ``verify --changed``).

    Raises ``config.ConfigError`` for bad configuration and ``discovery.PathError`` for a missing path.
    """
    paths = paths or ["."]
    if reading.overlay_active():  # `verify --diff`'s fixed text, not on disk: the cache and worker processes know only the files
        cache, jobs = False, 1
    file_tree.new_run()
    first = Path(paths[0])
    pyproject = config_path or (config_module.find_pyproject(first if first.exists() else Path.cwd()) if use_config else None)
    cfg = config_module.load(pyproject)
    with reading.size_limit(cfg.max_file_size):
        return _check_paths(paths, cfg, select=select, ignore=ignore, extend_select=extend_select, target=target,
                            cache=cache, cache_dir=cache_dir, jobs=jobs, with_dependents=with_dependents)


def _check_paths(paths: list[str], cfg: config_module.Config, *, select: list[str] | None, ignore: list[str] | None,
                 extend_select: list[str] | None, target: str | None, cache: bool, cache_dir: Path | None, jobs: int,
                 with_dependents: bool) -> Report:
    """:func:`check_paths` with the configuration loaded (and its ``max-file-size`` in force)."""
    first = Path(paths[0])
    root = find_root(first if first.exists() else Path.cwd())
    config_root = cfg.path.parent.resolve() if cfg.path else root
    version, source = target_version(root, target or cfg.target_version)
    report = Report(version=version, version_source=source)
    files = collect(paths, cfg.exclude, config_root, report.skipped)
    named = {os.path.abspath(path) for path in paths}
    settings = RunSettings(root, version, cfg.extra, None, jobs)
    base_select = tuple(select if select is not None else cfg.select)
    base_ignore = tuple((ignore or []) + cfg.ignore)
    base_extend = tuple((extend_select or []) + cfg.extend_select)
    if is_enabled(WSGI_ADVICE, Severity.INFO, base_select, base_ignore, base_extend):  # opt-in: only then read the deployment
        settings.served_by_wsgi = _served_by_wsgi(root, version)
    results = None
    if cache:
        configured = cfg.extra.get("cache-dir")
        settings.cache_dir = cache_dir or (config_root / configured if configured else config_root / DEFAULT_CACHE_DIR)
        results = open_cache(settings)
        if with_dependents:
            callers = results.dependents({str(file.path) for file in files})
            files += [SourceFile.of(Path(path)) for path in sorted(callers) if os.path.isfile(path)]
    jobs_to_run: list[Job] = []
    large = len(files) > SYNTAX_CHECK_ALL_MAX_FILES
    for file in files:
        key = str(file.path)
        try:
            stat = os.stat(key) if results is not None else None
            if stat is not None:
                reading.check_size(file.display, stat.st_size)  # (the cache may know a file it is no longer allowed to read)
            known = results.known_content(key, stat) if results is not None else None
            if known is None or known[1] is None:  # (a dependency's record does not say whether it has async code)
                text = reading.read_python(file.path, name=file.display)
                content, analysable = digest(text), needs_analysis(text)
                file_tree.remember_text(file.path, text)
                if results is not None:
                    results.record_content(key, stat, content, analysable)
            else:
                text, (content, analysable) = None, known  # unchanged since the cache saw it: read only if it must be analysed
        except reading.TooLarge as error:
            (report.errors if key in named else report.skipped).append(str(error))  # found in a folder: skipped with a note
            continue
        except (OSError, ValueError) as error:
            report.errors.append(str(error) if isinstance(error, ValueError) else f"cannot read {file.display}: {error.strerror or error}")
            continue
        report.files += 1
        if not analysable and large:
            continue
        extra_ignore = tuple(cfg.ignored_for(file.path, config_root))
        jobs_to_run.append(Job(file, text, Selection(base_select, base_ignore + extra_ignore, base_extend), content))

    def project_pass() -> list[Finding]:  # a project folder: its settings, requirements and deployment files
        return [finding for project_root in project_roots(paths)
                for finding in _project_findings(project_root, Selection(base_select, base_ignore, base_extend), version, cfg, config_root, results)]

    in_files, in_project = run_jobs(jobs_to_run, settings, results, meanwhile=project_pass)
    if results is not None:
        results.save()
    # The report's paths: made here, once; inside, the engine and the cache know files by absolute path.
    shown = {str(file.path): file.display for file in files}
    found = [replace(finding, path=shown[finding.path]) for finding in in_files]
    found += [replace(finding, path=display_path(Path(finding.path))) for finding in in_project]
    found = [newer_syntax.for_project(finding, cfg.requires_python) for finding in found]
    unchecked = [finding for finding in found if newer_syntax.required(finding)]
    if unchecked:  # said once for all of them, as an input error: these files were not checked at all
        report.errors.append(newer_syntax.unchecked_error(unchecked))
    report.findings = sorted(finding for finding in found if not newer_syntax.required(finding))
    return report


def _project_findings(root: Path, selection: Selection, version: Version, cfg, config_root: Path, results: Cache | None) -> list[Finding]:
    """The project pass, from the cache while the project's files are the same ones (by path) and
    the ones it read are unchanged."""
    listing = digest("\n".join(file_tree.relative_files_under(root)))
    slot = f"project\0{root}\0{selection}\0{cfg.per_file_ignores}\0{cfg.test_paths}" if results is not None else ""
    cached = results.get(results.slot(slot), listing) if results is not None else None
    if cached is not None:
        return cached
    from verify.project.checks import check_project
    from verify.project.deployment_files import ProjectFiles

    files = ProjectFiles(root)
    findings = check_project(root, selection.rules(version), version, str, lambda path: cfg.ignored_for(path, config_root), files)
    if results is not None:
        results.put(results.slot(slot), listing, findings, {os.path.abspath(path) for path in files.read_paths}, str(root))
    return findings
