"""Running the file checks: cached results first, then the rest serially or, for large sets, in
this process and forked workers that take chunks of neighbouring files from one queue. Results
are the same either way (tests prove it)."""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from verify.analysis.django_api import Version
from verify.analysis.finding import Finding
from verify.analysis.models_index import DEFINES_MODELS, index_for, model_files
from verify.analysis.project_text import offered_names
from verify.pipeline.cache import Cache
from verify.pipeline.discovery import SourceFile

# Below these, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 12
PARALLEL_MIN_BYTES = 200_000


@dataclass(frozen=True)
class Selection:
    """Which rules a file gets: ``--select``/``--ignore``/``--extend-select`` prefixes, with its
    per-file ignores. The rules themselves are looked up only when the file is analysed (a cached
    run imports none)."""

    select: tuple[str, ...]
    ignore: tuple[str, ...]
    extend_select: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"select={','.join(self.select)};ignore={','.join(self.ignore)};extend={','.join(self.extend_select)}"

    def rules(self, version: Version) -> list:
        from verify.analysis.registry import select_rules

        return select_rules(self.select, self.ignore, version, self.extend_select)


@dataclass
class Job:
    file: SourceFile  # the analysis, its findings and the cache know it by ``file.path`` only
    text: str | None  # None: not read yet (the cache knows its content hash); read if analysed
    selection: Selection
    content: str  # the text's hash

    def __post_init__(self) -> None:
        if not isinstance(self.file, SourceFile):  # one path representation inside the engine
            raise TypeError(f"Job.file must be a SourceFile, not {type(self.file).__name__}")

    def load(self) -> None:
        if self.text is None:
            from verify.pipeline.file_tree import read_text

            self.text = read_text(self.file.path)


@dataclass
class RunSettings:
    root: Path
    version: Version
    extra: dict = field(default_factory=dict)
    cache_dir: Path | None = None
    jobs: int = 0  # 0: one per core (at most 4); 1: serial
    served_by_wsgi: bool = False  # the project's deployment runs a WSGI server (DJA407 advises only then)

    @property
    def options(self) -> dict:
        """What every file's analysis is told about the run (FileContext.options)."""
        return {"extra": self.extra, "served_by_wsgi": self.served_by_wsgi}


@contextmanager
def without_cycle_collection():
    """The analysis keeps every checked module's tree alive for the helpers later files call, and
    its garbage has almost no reference cycles: the collector's passes over millions of live nodes
    took about 40% of a large run. Reference counting still frees everything else."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Analyzer:
    """One process's analysis state, shared by every file it checks: the model index, the rules,
    and the project's parsed modules and helper summaries."""

    def __init__(self, settings: RunSettings, selections: set[Selection]):
        from verify.analysis.summaries import Project

        self.settings = settings
        self.models = index_for(settings.root)
        self.rules = {selection: selection.rules(settings.version) for selection in selections}
        every_rule = {rule.code: rule for rules in self.rules.values() for rule in rules}
        self.project = Project(settings.root, settings.version, self.models, sorted(every_rule.values(), key=lambda rule: rule.code))
        self.model_paths = _model_paths(settings.root)  # part of every cache key already: not a dependency

    def analyze(self, job: Job) -> tuple[list[Finding], set[str], set[str]]:
        """The file's findings (at its absolute path), the other files its analysis read
        (absolute paths: the analysis knows every module by one), and the function names it
        asked the rest of the project about (verify.analysis.evidence)."""
        from verify.analysis.check_file import check_file_source

        project = self.project
        project.touched = set()
        project.asked = set()
        path = str(job.file.path)
        findings = check_file_source(path, job.text, self.rules[job.selection], self.settings.version, self.models,
                                     self.settings.options, project)
        deps = project.touched - self.model_paths
        project.trim()
        return findings, deps - {path}, project.asked


def _analyze(jobs: list[Job], settings: RunSettings) -> list[tuple[list[Finding], set[str], set[str]]]:
    """Findings, the files each analysis read and the names it asked about, in the order of ``jobs``."""
    with without_cycle_collection():
        analyzer = _Analyzer(settings, {job.selection for job in jobs})
        return [analyzer.analyze(job) for job in jobs]


def _model_paths(root: Path) -> set[str]:
    return {os.path.abspath(path) for path in model_files(root)}


# What a parallel run shares with the worker processes it forks (set before the fork): the chunks
# of jobs, the counter of the next chunk to take, the settings and the rule selections.
_SHARED: tuple | None = None


def _take_chunks() -> list[tuple[int, list[tuple[list[Finding], set[str], set[str]]]]]:
    """Analyse chunks, taking the next one left until there is none: (chunk index, results)."""
    chunks, counter, settings, selections = _SHARED
    done = []
    with without_cycle_collection():
        analyzer = _Analyzer(settings, selections)
        while True:
            with counter.get_lock():
                index = counter.value
                counter.value += 1
            if index >= len(chunks):
                return done
            done.append((index, [analyzer.analyze(job) for job in chunks[index]]))


def _parallel(jobs: list[Job], settings: RunSettings, workers: int, meanwhile: Callable[[], list[Finding]]):
    """Results of ``jobs`` (in their order) from this process and forked workers, and what
    ``meanwhile`` returns, run here while the workers start."""
    global _SHARED
    # Chunks of neighbouring files (one package shares helpers, whose summaries a process computes
    # once), small enough that whoever is free takes the next: the processes finish together.
    order = sorted(range(len(jobs)), key=lambda i: jobs[i].file.path)
    size = max(1, len(order) // (workers * 4))
    chunks = [order[start:start + size] for start in range(0, len(order), size)]
    import multiprocessing  # only large runs pay for it

    context = multiprocessing.get_context("fork")
    models = index_for(settings.root)
    if models.defines_models:  # almost every run of a project with models reads them: build once, before the fork
        models.load()
    _SHARED = ([[jobs[i] for i in chunk] for chunk in chunks], context.Value("i", 0), settings, {job.selection for job in jobs})
    try:
        with context.Pool(workers - 1) as pool:
            others = [pool.apply_async(_take_chunks) for _ in range(workers - 1)]
            extra = meanwhile()
            taken = _take_chunks() + [item for other in others for item in other.get()]
    finally:
        _SHARED = None
    out: list = [None] * len(jobs)
    for index, results in taken:
        for position, item in zip(chunks[index], results):
            out[position] = item
    return out, extra


def worker_count(settings: RunSettings, jobs: list[Job]) -> int:
    if settings.jobs == 1 or not hasattr(os, "fork"):  # worker processes are forked (POSIX)
        return 1
    wanted = settings.jobs or min(os.cpu_count() or 1, 4)
    big = len(jobs) >= PARALLEL_MIN_FILES or sum(len(job.text) for job in jobs) >= PARALLEL_MIN_BYTES
    return min(wanted, len(jobs)) if big else 1


def open_cache(settings: RunSettings) -> Cache | None:
    if settings.cache_dir is None:
        return None
    hashes = Cache(settings.cache_dir, "")
    for path, record in hashes.model_headers().items():  # which unchanged files define models, unread
        if isinstance(record, list) and len(record) == 3:
            DEFINES_MODELS.setdefault(path, record)
    # Every analysis reads the model index: the model files' contents are part of every key.
    models = ",".join(f"{path}={hashes.file_hash(path)}" for path in sorted(_model_paths(settings.root)))
    # The Python version decides what parses (newer syntax); the options decide what is reported.
    options = json.dumps(settings.options, sort_keys=True, default=str)
    from verify.analysis.blocking import HTTP_CLIENT_FACT, async_http_client  # imported by analysis only, not by a warm run

    facts = {HTTP_CLIENT_FACT: lambda: async_http_client(settings.root)}
    cache = Cache(settings.cache_dir, f"{settings.version}\0{sys.version_info[:2]}\0{options}\0{models}", facts)
    under_root = str(settings.root) + os.sep
    cache.record_model_headers({path: record for path, record in DEFINES_MODELS.items() if path.startswith(under_root)})
    return cache


def run(jobs: list[Job], settings: RunSettings, cache: Cache | None = None,
        meanwhile: Callable[[], list[Finding]] = list) -> tuple[list[Finding], list[Finding]]:
    """Findings of ``jobs`` (at their files' absolute paths): from ``cache`` where it has them,
    else analysed (and added to it); and what ``meanwhile`` returns, which a parallel run does
    while its workers start."""
    findings: list[Finding] = []
    misses: list[tuple[Job, str, str]] = []
    hits: list[tuple[Job, str, list[Finding]]] = []
    for job in jobs:
        slot = cache.slot(f"{job.file.path}\0{job.selection}") if cache else ""
        cached = cache.get(slot, job.content) if cache else None
        if cached is None:
            job.load()
            misses.append((job, slot, job.content))
        else:
            hits.append((job, slot, cached))
    stale = _stale_by_evidence(cache, misses, hits) if cache is not None and misses and hits else set()
    for job, slot, cached in hits:
        if slot in stale:
            job.load()
            misses.append((job, slot, job.content))
        else:
            findings.extend(cached)
    todo = [job for job, _slot, _content in misses]
    workers = worker_count(settings, todo)
    if workers > 1:
        results, extra = _parallel(todo, settings, workers, meanwhile)
    else:
        results = _analyze(todo, settings) if todo else []
        extra = meanwhile()
    for (job, slot, content), (found, deps, asked) in zip(misses, results):
        findings.extend(found)
        if cache is not None:
            cache.put(slot, content, found, deps, str(job.file.path), asked, offered_names(job.text))
    return findings, extra


def _stale_by_evidence(cache: Cache, misses: list[tuple[Job, str, str]], hits: list[tuple[Job, str, list[Finding]]]) -> set[str]:
    """Slots of cached results that asked about a function whose evidence a changed file now
    gives or no longer gives (it awaits or wraps a function of that name anew, or no more): their
    other dependencies cannot show it, as the changed file was not one of them."""
    changed: set[str] = set()
    for job, slot, _content in misses:
        changed |= offered_names(job.text) ^ cache.offered(slot)
    return {slot for _job, slot, _cached in hits if cache.asked(slot) & changed} if changed else set()
