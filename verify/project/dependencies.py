"""The packages a project depends on and their versions, read statically from its lock files,
requirement files, ``pyproject.toml``, ``Pipfile``, ``setup.cfg``/``setup.py`` and project
virtualenvs. Each package says whether the project itself asks for it (``direct``) or only a lock
file or virtualenv holds it, as a dependency of a dependency.

``verify`` reads the Django version from here on every run, so this module imports little.
"""

from __future__ import annotations

import ast
import configparser
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from verify.pipeline import reading

from verify.pipeline.file_tree import parse_source
from verify.project.installed import distributions, normalize, project_site_packages

Version = tuple[int, int]


def parse_version(text: str) -> Version | None:
    match = re.match(r"^\s*v?(\d+)(?:\.(\d+))?", text)
    return (int(match.group(1)), int(match.group(2) or 0)) if match else None


def lowest_version(spec: str) -> Version | None:
    """The lowest version a requirement spec admits (``>=4.2,<5`` → 4.2; ``^5.2`` → 5.2; ``<5`` → None)."""
    for clause in spec.split(","):
        clause = clause.strip().strip("\"'")
        match = re.match(r"^(===|==|~=|>=|\^|~|>)?\s*v?(\d+(?:\.\d+)*)", clause)
        if match and (match.group(1) or re.match(r"^\d", clause)):
            return parse_version(match.group(2))
    return None


# --- dependencies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Dependency:
    version: Version | None
    source: str
    direct: bool = True  # the project asks for it (not only a dependency of a dependency)


_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*?)\s*(?:;.*)?$")


def _requirement(line: str) -> tuple[str, str] | None:
    line = line.split(" #", 1)[0].strip()
    if not line or line.startswith(("#", "-", "git+", "http:", "https:", "file:")):
        return None
    match = _REQUIREMENT.match(line)
    if not match:
        return None
    spec = match.group(2)
    return normalize(match.group(1)), "" if spec.startswith("@") else spec


def read_file(path: Path) -> str:
    try:
        return reading.read_text(path)
    except reading.Unreadable as error:
        raise OSError(str(error)) from None


def load_ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(read_file(path))
    except configparser.Error as error:
        raise OSError(f"{path}: invalid INI: {error}".replace("\n", " ")) from None
    return parser


def load_toml(path: Path) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(read_file(path))
    except tomllib.TOMLDecodeError as error:
        raise OSError(f"{path}: invalid TOML: {error}") from None


def _requirements_files(root: Path) -> list[Path]:
    return [path for pattern in ("requirements*.txt", "requirements*.in", "requirements/*.txt", "requirements/*.in")
            for path in sorted(root.glob(pattern))]


# A pip-compile / uv pip compile annotation: which requirement pulled the package in.
_VIA = re.compile(r"^\s*#\s+(?:via\s+)?(\S.*)$")


def _declared_in_requirements(path: Path, root: Path, seen: set[Path]) -> Iterator[tuple[str, str, str]]:
    """Requirements the file names, following ``-r`` / ``-c``. A compiled file (``# via``
    annotations) lists every package of the closure: only those ``via -r`` a source file count."""
    if path in seen or not path.is_file():
        return
    seen.add(path)
    lines = read_file(path).splitlines()
    compiled = any(re.match(r"^\s*#\s+via\b", line) for line in lines)
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        include = re.match(r"^(?:-r|-c|--requirement|--constraint)\s*=?\s*(\S+)", stripped)
        if include:
            yield from _declared_in_requirements((path.parent / include.group(1)).resolve(), root, seen)
            continue
        parsed = _requirement(stripped)
        if parsed and (not compiled or _via_a_source_file(lines, number)):
            yield parsed[0], parsed[1], f"{relative_path(path, root)}:{number}: {stripped}"


def _via_a_source_file(lines: list[str], number: int) -> bool:
    """Whether the ``# via`` block under line ``number`` (1-based) names a requirement file."""
    for line in lines[number:]:
        match = _VIA.match(line)
        if not match:
            return False
        if match.group(1).startswith(("-r ", "-c ")):
            return True
    return False


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line holding ``needle`` (0 when none does)."""
    return next((number for number, line in enumerate(text.splitlines(), 1) if needle in line), 0)


def _declared_in_pyproject(path: Path, base: Path) -> Iterator[tuple[str, str, str]]:
    """PEP 621 dependencies and extras, PEP 735 groups, and Poetry's dependency tables."""
    text, data = read_file(path), load_toml(path)
    where = relative_path(path, base)
    project = data.get("project", {})
    strings = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        strings += extra
    for group in data.get("dependency-groups", {}).values():
        strings += [item for item in group if isinstance(item, str)]
    for requirement in strings:
        parsed = _requirement(requirement)
        if parsed:
            yield parsed[0], parsed[1], f"{where}:{line_of(text, requirement)}: {requirement}"
    poetry = data.get("tool", {}).get("poetry", {})
    tables = [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})]
    tables += [group.get("dependencies", {}) for group in poetry.get("group", {}).values()]
    for table in tables:
        yield from _declared_in_table(table, text, where)


def _declared_in_table(table: dict, text: str, where: str) -> Iterator[tuple[str, str, str]]:
    """``name = "spec"`` / ``name = {version = "spec"}`` entries (Poetry, Pipfile)."""
    for name, spec in table.items():
        spec = spec.get("version", "") if isinstance(spec, dict) else str(spec)
        if name.lower() != "python":
            line = next((n for n, l in enumerate(text.splitlines(), 1) if re.match(rf"^\s*\"?{re.escape(name)}\"?\s*=", l)), 0)
            yield normalize(name), spec, f"{where}:{line}: {name} = {spec!r}"


def _declared_in_pipfile(path: Path, base: Path) -> Iterator[tuple[str, str, str]]:
    text, data = read_file(path), load_toml(path)
    for section in ("packages", "dev-packages"):
        yield from _declared_in_table(data.get(section, {}), text, relative_path(path, base))


def _declared_in_setup_files(root: Path, base: Path) -> Iterator[tuple[str, str, str]]:
    """``install_requires`` of setup.cfg, and the requirement strings of setup.py's
    ``install_requires=[...]`` (read as literals, never run)."""
    setup_cfg = root / "setup.cfg"
    if setup_cfg.is_file():
        parser = load_ini(setup_cfg)
        text = read_file(setup_cfg)
        for line in parser.get("options", "install_requires", fallback="").splitlines():
            parsed = _requirement(line)
            if parsed:
                yield parsed[0], parsed[1], f"{relative_path(setup_cfg, base)}:{line_of(text, line.strip())}: {line.strip()}"
    tree = (root / "setup.py").is_file() and parse_python(root / "setup.py")
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.keyword) and node.arg == "install_requires" and isinstance(node.value, ast.List):
            for item in node.value.elts:
                parsed = isinstance(item, ast.Constant) and isinstance(item.value, str) and _requirement(item.value)
                if parsed:
                    yield parsed[0], parsed[1], f"{relative_path(root / 'setup.py', base)}:{item.lineno}: {item.value}"


def _declared(root: Path, base: Path) -> Iterator[tuple[str, str, str]]:
    """(name, spec, source) of every requirement the project itself writes down in ``root``."""
    seen: set[Path] = set()
    for path in _requirements_files(root):
        yield from _declared_in_requirements(path.resolve(), base, seen)
    if (root / "pyproject.toml").is_file():
        yield from _declared_in_pyproject(root / "pyproject.toml", base)
    if (root / "Pipfile").is_file():
        yield from _declared_in_pipfile(root / "Pipfile", base)
    yield from _declared_in_setup_files(root, base)


def _locked(root: Path) -> Iterator[tuple[str, str, str]]:
    """(name, exact version, lock file name) of every package in the lock files of ``root``:
    the whole closure, dependencies of dependencies included."""
    for name in ("uv.lock", "poetry.lock"):
        path = root / name
        if path.is_file():
            for package in load_toml(path).get("package", []):
                yield normalize(package.get("name", "")), package.get("version", ""), name
    for path in sorted(root.glob("pylock*.toml")):
        for package in load_toml(path).get("packages", []):
            yield normalize(package.get("name", "")), package.get("version", ""), path.name
    pipfile_lock = root / "Pipfile.lock"
    if pipfile_lock.is_file():
        try:
            data = json.loads(read_file(pipfile_lock))
        except json.JSONDecodeError as error:
            raise OSError(f"{pipfile_lock}: invalid JSON: {error}") from None
        for section in ("default", "develop"):
            for package, info in data.get(section, {}).items():
                yield normalize(package), str(info.get("version", "")).lstrip("="), "Pipfile.lock"


def _uv_lock_direct(root: Path) -> Iterator[str]:
    """The names the project's own entries of ``uv.lock`` depend on: its dependencies, extras and
    dependency groups. The project (and each workspace member) is the entry whose source is the
    project folder (``editable`` or ``virtual``); every other entry is a dependency's."""
    path = root / "uv.lock"
    if not path.is_file():
        return
    for package in load_toml(path).get("package", []):
        source = package.get("source", {})
        if not ("editable" in source or "virtual" in source):
            continue
        lists = [package.get("dependencies", [])]
        lists += list(package.get("optional-dependencies", {}).values()) + list(package.get("dev-dependencies", {}).values())
        for entries in lists:
            yield from (normalize(entry["name"]) for entry in entries if isinstance(entry, dict) and "name" in entry)


def detect_dependencies(dirs: list[Path]) -> dict[str, Dependency]:
    """Every package declared, locked or installed in a virtualenv in ``dirs`` (nearest first).

    A package is ``direct`` when the project itself asks for it: declared in a requirement file,
    ``pyproject.toml``, ``Pipfile`` or ``setup.cfg``/``setup.py``, or listed by the project's own
    entry of ``uv.lock``. Lock files and virtualenvs hold the transitive closure too: they give
    exact versions, never a reason to think the project uses a package.
    """
    found: dict[str, Dependency] = {}
    base = dirs[-1]  # sources are named relative to the outermost folder, the repository root

    def add(name: str, version: Version | None, source: str, direct: bool) -> None:
        current = found.get(name)
        if current is None:
            found[name] = Dependency(version, source, direct)
        elif direct and not current.direct:  # the declaration says why; the lock says which version
            if current.version is not None:
                found[name] = Dependency(current.version, f"{current.source} (declared: {source})", True)
            else:
                found[name] = Dependency(version, source, True)
        elif current.version is None and version is not None:
            found[name] = Dependency(version, current.source, current.direct)

    for root in dirs:
        for name, version, lock in _locked(root):
            add(name, parse_version(version), f"{relative_path(root / lock, base)}: {name} {version}", False)
    for root in dirs:
        for name, spec, source in _declared(root, base):
            add(name, lowest_version(spec), source, True)
    for name in {name for root in dirs for name in _uv_lock_direct(root)}:
        if name in found and not found[name].direct:
            found[name] = Dependency(found[name].version, found[name].source, True)
    for root in dirs:
        for venv, site_packages in project_site_packages(root):
            for name, version in distributions(site_packages):
                add(name, parse_version(version), f"installed in {relative_path(venv, base)}/: {name} {version}", False)
    return found


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``.git``, or None outside a repository."""
    start = Path(start).resolve()
    return next((folder for folder in (start, *start.parents) if (folder / ".git").exists()), None)


def search_dirs(project_dir: Path, top: Path | None = None) -> list[Path]:
    """``project_dir`` and its ancestors up to ``top`` (default: the repository root): the
    dependency, lock and pytest files of a monorepo often sit above the Django project."""
    project_dir = Path(project_dir).resolve()
    top = Path(top).resolve() if top is not None else repository_root(project_dir)
    dirs = [project_dir]
    if top is not None and top in project_dir.parents:
        dirs += [parent for parent in project_dir.parents if parent == top or top in parent.parents]
    return dirs


def parse_python(path: Path) -> ast.Module | None:
    try:
        return parse_source(read_file(path), path)
    except SyntaxError:
        return None


def relative_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
