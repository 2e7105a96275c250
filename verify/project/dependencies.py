"""The packages a project depends on and their versions, read statically from its lock files,
requirement files, ``pyproject.toml``, ``setup.cfg``/``setup.py`` and project virtualenvs.

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

Version = tuple[int, int]

PROJECT_VENVS = (".venv", "venv", "env")


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


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


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
    return sorted(root.glob("requirements*.txt")) + sorted(root.glob("requirements/*.txt"))


def _declared_in_requirements(path: Path, root: Path, seen: set[Path]) -> Iterator[tuple[str, str, str]]:
    if path in seen or not path.is_file():
        return
    seen.add(path)
    for line in read_file(path).splitlines():
        stripped = line.strip()
        include = re.match(r"^(?:-r|-c|--requirement|--constraint)\s*=?\s*(\S+)", stripped)
        if include:
            yield from _declared_in_requirements((path.parent / include.group(1)).resolve(), root, seen)
            continue
        parsed = _requirement(stripped)
        if parsed:
            yield parsed[0], parsed[1], f"{relative_path(path, root)}: {stripped}"


def _declared_in_pyproject(data: dict) -> Iterator[tuple[str, str, str]]:
    project = data.get("project", {})
    strings = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        strings += extra
    for group in data.get("dependency-groups", {}).values():
        strings += [item for item in group if isinstance(item, str)]
    for text in strings:
        parsed = _requirement(text)
        if parsed:
            yield parsed[0], parsed[1], f"pyproject.toml: {text}"
    poetry = data.get("tool", {}).get("poetry", {})
    tables = [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})]
    tables += [group.get("dependencies", {}) for group in poetry.get("group", {}).values()]
    for table in tables:
        for name, spec in table.items():
            spec = spec.get("version", "") if isinstance(spec, dict) else str(spec)
            if name.lower() != "python":
                yield normalize(name), spec, f"pyproject.toml: {name} = {spec!r}"


def _declared_in_setup_files(root: Path, base: Path) -> Iterator[tuple[str, str, str]]:
    """``install_requires`` of setup.cfg, and the requirement strings of setup.py's
    ``install_requires=[...]`` (read as literals, never run)."""
    setup_cfg = root / "setup.cfg"
    if setup_cfg.is_file():
        parser = load_ini(setup_cfg)
        for line in parser.get("options", "install_requires", fallback="").splitlines():
            parsed = _requirement(line)
            if parsed:
                yield parsed[0], parsed[1], f"{relative_path(setup_cfg, base)}: {line.strip()}"
    tree = (root / "setup.py").is_file() and parse_python(root / "setup.py")
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.keyword) and node.arg == "install_requires" and isinstance(node.value, ast.List):
            for item in node.value.elts:
                parsed = isinstance(item, ast.Constant) and isinstance(item.value, str) and _requirement(item.value)
                if parsed:
                    yield parsed[0], parsed[1], f"{relative_path(root / 'setup.py', base)}: {item.value}"


def _locked(root: Path) -> Iterator[tuple[str, str, str]]:
    """(name, exact version, source) from every lock file in the project root."""
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


def _installed_in(site_packages: Path) -> Iterator[tuple[str, str]]:
    for dist_info in site_packages.glob("*.dist-info"):
        match = re.match(r"^(.+?)-(\d[^-]*)\.dist-info$", dist_info.name)
        if match:
            yield normalize(match.group(1)), match.group(2)


def detect_dependencies(dirs: list[Path]) -> dict[str, Dependency]:
    """Every package declared, locked or installed in a virtualenv in ``dirs`` (nearest first)."""
    found: dict[str, Dependency] = {}

    def add(name: str, version: Version | None, source: str) -> None:
        current = found.get(name)
        if current is None or (current.version is None and version is not None):
            found[name] = Dependency(version, source)

    base = dirs[-1]  # sources are named relative to the outermost folder, the repository root
    for root in dirs:
        for name, version, source in _locked(root):
            add(name, parse_version(version), f"{relative_path(root / source, base)}: {name} {version}")
    for root in dirs:
        seen: set[Path] = set()
        for path in _requirements_files(root):
            for name, spec, source in _declared_in_requirements(path.resolve(), base, seen):
                add(name, lowest_version(spec), source)
        if (root / "pyproject.toml").is_file():
            where = relative_path(root / "pyproject.toml", base)
            for name, spec, source in _declared_in_pyproject(load_toml(root / "pyproject.toml")):
                add(name, lowest_version(spec), source.replace("pyproject.toml", where, 1))
        for name, spec, source in _declared_in_setup_files(root, base):
            add(name, lowest_version(spec), source)
    for root in dirs:
        for venv in PROJECT_VENVS:
            for site_packages in (root / venv).glob("lib/python3*/site-packages"):
                for name, version in _installed_in(site_packages):
                    add(name, parse_version(version), f"installed in {relative_path(root / venv, base)}/: {name} {version}")
    return found


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
