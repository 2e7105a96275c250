"""Running the file checks: cached results first, then the rest serially or, for large sets,
in parallel worker processes. Results are the same either way (tests prove it)."""

from __future__ import annotations

import gc
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from verify.cache import Cache
from verify.django_api import Version
from verify.finding import Finding
from verify.models_index import index_for, model_files

# Below these, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 12
PARALLEL_MIN_BYTES = 200_000


@dataclass(frozen=True)
class Selection:
    """Which rules a file gets: ``--select``/``--ignore`` prefixes, with its per-file ignores. The
    rules themselves are looked up only when the file is analysed (a cached run imports none)."""

    select: tuple[str, ...]
    ignore: tuple[str, ...]

    def __str__(self) -> str:
        return f"select={','.join(self.select)};ignore={','.join(self.ignore)}"


@dataclass
class Job:
    display: str
    text: str | None  # None: not read yet (the cache knows its content hash); read if analysed
    selection: Selection
    content: str  # the text's hash

    def load(self) -> None:
        if self.text is None:
            from verify.file_tree import read_text

            self.text = read_text(Path(self.display))


@dataclass
class RunSettings:
    root: Path
    version: Version
    extra: dict = field(default_factory=dict)
    cache_dir: Path | None = None
    jobs: int = 0  # 0: one per core (at most 4); 1: serial


@contextmanager
def _without_cycle_collection():
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


def _analyze(jobs: list[Job], settings: RunSettings) -> list[tuple[list[Finding], set[str]]]:
    """Findings and the files each analysis read, in the order of ``jobs``."""
    with _without_cycle_collection():
        return _analyze_all(jobs, settings)


def _analyze_all(jobs: list[Job], settings: RunSettings) -> list[tuple[list[Finding], set[str]]]:
    from verify.api import check_file_source
    from verify.registry import select_rules
    from verify.summaries import Project

    models = index_for(settings.root)
    rules_by_selection = {selection: select_rules(list(selection.select), list(selection.ignore), settings.version)
                          for selection in {job.selection for job in jobs}}
    all_rules = {rule.code: rule for rules in rules_by_selection.values() for rule in rules}
    project = Project(settings.root, settings.version, models, sorted(all_rules.values(), key=lambda rule: rule.code))
    out = []
    model_paths = _model_paths(settings.root)  # part of every cache key already: not a dependency
    for job in jobs:
        rules = rules_by_selection[job.selection]
        project.touched = set()
        findings = check_file_source(job.display, job.text, rules, settings.version, models, {"extra": settings.extra}, project)
        deps = {os.path.abspath(path) for path in project.touched} - model_paths
        out.append((findings, deps - {os.path.abspath(job.display)}))
        project.trim()
    return out


def _model_paths(root: Path) -> set[str]:
    return {os.path.abspath(path) for path in model_files(root)}


def _worker(args: tuple[list[Job], RunSettings]):
    return _analyze(*args)


def _parallel(jobs: list[Job], settings: RunSettings, workers: int) -> list[tuple[list[Finding], set[str]]]:
    # Files of one package share helpers, whose summaries a worker computes once: each worker gets
    # a run of neighbouring files, about the same amount of text as the others.
    order = sorted(range(len(jobs)), key=lambda i: jobs[i].display)
    share = sum(len(job.text) for job in jobs) / workers
    batches: list[list[int]] = [[] for _ in range(workers)]
    done = 0
    for index in order:
        batch = min(int(done / share), workers - 1)
        batches[batch].append(index)
        done += len(jobs[index].text)
    import multiprocessing  # only large runs pay for it

    # This process analyses the first batch itself while forked workers take the others.
    context = multiprocessing.get_context("fork")
    with context.Pool(workers - 1) as pool:
        others = pool.map_async(_worker, [([jobs[i] for i in batch], settings) for batch in batches[1:]])
        results = [_analyze([jobs[i] for i in batches[0]], settings), *others.get()]
    out: list = [None] * len(jobs)
    for batch, result in zip(batches, results):
        for index, item in zip(batch, result):
            out[index] = item
    return out


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
    # Every analysis reads the model index: the model files' contents are part of every key.
    models = ",".join(f"{path}={hashes.file_hash(path)}" for path in sorted(_model_paths(settings.root)))
    return Cache(settings.cache_dir, f"{settings.version}\0{json.dumps(settings.extra, sort_keys=True, default=str)}\0{models}")


def run(jobs: list[Job], settings: RunSettings, cache: Cache | None = None) -> list[Finding]:
    """Findings of ``jobs``: from ``cache`` where it has them, else analysed (and added to it)."""
    findings: list[Finding] = []
    misses: list[tuple[Job, str, str]] = []
    for job in jobs:
        slot = cache.slot(f"{job.display}\0{job.selection}") if cache else ""
        cached = cache.get(slot, job.content) if cache else None
        if cached is None:
            job.load()
            misses.append((job, slot, job.content))
        else:
            findings.extend(cached)
    if misses:
        todo = [job for job, _slot, _content in misses]
        workers = worker_count(settings, todo)
        results = _parallel(todo, settings, workers) if workers > 1 else _analyze(todo, settings)
        for (job, slot, content), (found, deps) in zip(misses, results):
            findings.extend(found)
            if cache is not None:
                cache.put(slot, content, found, deps, os.path.abspath(job.display))
    return findings
