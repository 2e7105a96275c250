"""Running the file checks: cached results first, then the rest serially or, for large sets,
in parallel worker processes. Results are the same either way (tests prove it)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from verify.cache import Cache, digest
from verify.django_api import Version
from verify.finding import Finding
from verify.models_index import index_for, model_files

# Below these, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 12
PARALLEL_MIN_BYTES = 200_000


@dataclass
class Job:
    display: str
    text: str
    codes: tuple[str, ...]  # the rules enabled for this file


@dataclass
class RunSettings:
    root: Path
    version: Version
    extra: dict = field(default_factory=dict)
    cache_dir: Path | None = None
    jobs: int = 0  # 0: one per core (at most 4); 1: serial


def _analyze(jobs: list[Job], settings: RunSettings) -> list[tuple[list[Finding], set[str]]]:
    """Findings and the files each analysis read, in the order of ``jobs``."""
    from verify.api import check_file_source
    from verify.registry import get_rule
    from verify.summaries import Project

    models = index_for(settings.root)
    all_codes = tuple(sorted({code for job in jobs for code in job.codes}))
    project = Project(settings.root, settings.version, models, [get_rule(code) for code in all_codes])
    out = []
    rules_by_codes: dict[tuple[str, ...], list] = {}
    for job in jobs:
        rules = rules_by_codes.setdefault(job.codes, [get_rule(code) for code in job.codes])
        project.touched = set()
        findings = check_file_source(job.display, job.text, rules, settings.version, models, {"extra": settings.extra}, project)
        deps = {os.path.abspath(path) for path in project.touched} - _model_paths(settings.root)  # model files are in the key
        out.append((findings, deps - {os.path.abspath(job.display)}))
    return out


def _model_paths(root: Path) -> set[str]:
    return {os.path.abspath(path) for path in model_files(root)}


def _worker(args: tuple[list[Job], RunSettings]):
    return _analyze(*args)


def _parallel(jobs: list[Job], settings: RunSettings, workers: int) -> list[tuple[list[Finding], set[str]]]:
    # Largest files first, dealt round-robin, so the workers finish together.
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i].text))
    batches = [order[w::workers] for w in range(workers)]
    import multiprocessing  # only large runs pay for it

    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        results = pool.map(_worker, [([jobs[i] for i in batch], settings) for batch in batches])
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
    cache = Cache(settings.cache_dir, "")
    # Every analysis reads the model index: the model files' contents are part of every key.
    models = ",".join(f"{path}={cache.file_hash(path)}" for path in sorted(_model_paths(settings.root)))
    return Cache(settings.cache_dir, f"{settings.version}\0{json.dumps(settings.extra, sort_keys=True, default=str)}\0{models}")


def run(jobs: list[Job], settings: RunSettings) -> list[Finding]:
    cache = open_cache(settings)
    findings: list[Finding] = []
    misses: list[tuple[Job, str | None]] = []
    for job in jobs:
        key = cache.key(f"{job.display}\0{','.join(job.codes)}", digest(job.text)) if cache else None
        cached = cache.get(key) if cache else None
        if cached is None:
            misses.append((job, key))
        else:
            findings.extend(cached)
    if misses:
        todo = [job for job, _ in misses]
        workers = worker_count(settings, todo)
        results = _parallel(todo, settings, workers) if workers > 1 else _analyze(todo, settings)
        for (job, key), (found, deps) in zip(misses, results):
            findings.extend(found)
            if cache is not None:
                cache.put(key, found, deps, os.path.abspath(job.display))
    return findings
