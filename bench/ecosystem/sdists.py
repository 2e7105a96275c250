"""Pinned source distributions: download once into a cache outside the repository, check the
sha256, unpack without letting any member land outside the cache."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

SIMPLE_INDEX = "https://pypi.org/simple"


class SdistError(Exception):
    """A download, checksum or archive problem: one line for the user, exit code 2."""


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    url: str
    sha256: str
    paths: tuple[str, ...] = field(default=(".",))  # what a user would check, relative to the sdist's root
    about: str = ""


def load_projects(path: Path) -> list[Project]:
    try:
        entries = tomllib.loads(path.read_text())["project"]
    except (OSError, tomllib.TOMLDecodeError, KeyError) as error:
        raise SdistError(f"cannot read the project list {path}: {error}") from None
    try:
        return [Project(e["name"], e["version"], e["url"], e["sha256"].lower(), tuple(e.get("paths", ["."])), e.get("about", ""))
                for e in entries]
    except KeyError as error:
        raise SdistError(f"{path}: a project lacks {error}") from None


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "django-async-kit" / "ecosystem"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(project: Project, cache: Path) -> Path:
    """The archive in the cache, downloaded if missing; its sha256 is checked on every run."""
    archive = cache / "sdists" / Path(urllib.parse.urlparse(project.url).path).name
    if not archive.exists():
        archive.parent.mkdir(parents=True, exist_ok=True)
        partial = archive.with_name(archive.name + ".part")
        try:
            with urllib.request.urlopen(project.url, timeout=120) as response, partial.open("wb") as out:
                shutil.copyfileobj(response, out)
        except (urllib.error.URLError, OSError) as error:
            partial.unlink(missing_ok=True)
            raise SdistError(f"{project.name} {project.version}: cannot download {project.url}: {error}") from None
        partial.replace(archive)
    actual = _sha256(archive)
    if actual != project.sha256:
        archive.unlink()  # a corrupt or substituted file must not be trusted on the next run either
        raise SdistError(f"{project.name} {project.version}: sha256 mismatch for {archive.name}: "
                         f"expected {project.sha256}, got {actual} (file removed)")
    return archive


def _safe_members(archive: tarfile.TarFile, into: Path, label: str) -> list[tarfile.TarInfo]:
    """Regular files and folders only, each inside ``into``: links, devices and any name with
    ``..`` or an absolute path are refused."""
    members = []
    for member in archive.getmembers():
        target = (into / member.name).resolve()
        if member.name.startswith("/") or ".." in Path(member.name).parts or not target.is_relative_to(into.resolve()):
            raise SdistError(f"{label}: refusing archive member {member.name!r}: it points outside the unpack folder")
        if member.isfile() or member.isdir():
            members.append(member)
    return members


def unpack(project: Project, archive: Path, cache: Path) -> Path:
    """The sdist's root folder (its single top folder), unpacked once under ``cache/src``."""
    label = f"{project.name} {project.version}"
    destination = cache / "src" / f"{project.name}-{project.version}"
    if not destination.exists():
        destination.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=destination.parent))
        try:
            try:
                with tarfile.open(archive) as tar:
                    tar.extractall(staging, members=_safe_members(tar, staging, label), filter="data")
            except (tarfile.TarError, OSError) as error:
                raise SdistError(f"{label}: cannot unpack {archive.name}: {error}") from None
            staging.replace(destination)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    tops = [child for child in destination.iterdir()]
    if len(tops) != 1 or not tops[0].is_dir():
        raise SdistError(f"{label}: {archive.name} does not hold a single top folder")
    return tops[0]


def fetch(project: Project, cache: Path) -> Path:
    return unpack(project, download(project, cache), cache)


def pin(requirement: str, index: str = SIMPLE_INDEX) -> str:
    """A project-list entry for ``NAME==VERSION``: its sdist's URL and sha256 from the index."""
    name, _, version = requirement.partition("==")
    if not version:
        raise SdistError(f"give NAME==VERSION, not {requirement!r}")
    page = f"{index.rstrip('/')}/{name}/"
    request = urllib.request.Request(page, headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            files = json.load(response)["files"]
    except (urllib.error.URLError, OSError, ValueError, KeyError) as error:
        raise SdistError(f"cannot read {page}: {error}") from None
    normalized = name.lower().replace("-", "_")
    for entry in files:
        stem = entry["filename"].lower().replace("-", "_")
        if stem == f"{normalized}_{version}.tar.gz":
            url = urllib.parse.urljoin(page, entry["url"])
            return f'[[project]]\nname = "{name}"\nversion = "{version}"\nurl = "{url}"\nsha256 = "{entry["hashes"]["sha256"]}"\n'
    raise SdistError(f"{name} {version}: no .tar.gz sdist on {page}")
