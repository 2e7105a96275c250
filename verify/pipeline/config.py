"""``[tool.django-async-kit]`` in pyproject.toml, validated: bad config is one clear error.

Every value is type-checked and every rule code must name a rule (or a prefix of one), so that a
typo is an error, not a check that silently turns rules off.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from verify.pipeline.reading import Unreadable, read_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ConfigError(Exception):
    pass


# Test code: blocking calls (DJA3xx) there block only the test's own event loop, so they are not
# reported by default. An entry ending in "/" names a folder at any depth; the others are globs
# matched against the path (relative to the configuration's folder) and the file name.
DEFAULT_TEST_PATHS = ("tests/", "test/", "test_*.py", "*_test.py", "tests.py", "conftest.py")
TEST_IGNORED = ("DJA3",)  # what test-paths turns off


@dataclass
class Config:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    test_paths: list[str] = field(default_factory=lambda: list(DEFAULT_TEST_PATHS))
    target_version: str | None = None
    path: Path | None = None
    extra: dict = field(default_factory=dict)  # keys other modules read (cache-dir, cheatsheet, blocking calls)
    max_file_size: int | None = None  # bytes; None: verify.analysis.limits.DEFAULT_MAX_FILE_BYTES
    requires_python: tuple[int, int] | None = None  # the lowest Python `[project] requires-python` admits

    def ignored_for(self, path: Path, root: Path) -> list[str]:
        """Codes turned off for ``path``: its ``per-file-ignores``, and DJA3xx in test code."""
        codes = ignored_codes(path, self.per_file_ignores, root)
        if is_test_path(path, self.test_paths, root):
            codes.extend(TEST_IGNORED)
        return codes


def find_pyproject(start: Path) -> Path | None:
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        path = candidate / "pyproject.toml"
        if path.is_file():
            return path
    return None


def load(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        data = tomllib.loads(read_text(path))
    except Unreadable as error:  # (a regular file of at most max-file-size bytes, UTF-8)
        raise ConfigError(str(error)) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: arrays or tables nested too deeply to read") from None
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits)
        raise ConfigError(f"{path}: cannot read it: an integer has too many digits") from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: `tool` must be a table ([tool.django-async-kit])")
    section = tool.get("django-async-kit")
    config = Config(path=path) if section is None else parse(section, path)
    config.requires_python = _lowest_python(data.get("project"))
    return config


def _lowest_python(project) -> tuple[int, int] | None:
    """The lower bound of ``requires-python`` (``>=3.14``, ``~=3.14``, ``==3.14.*``); another tool's
    key: read when it is clear, never an error."""
    requirement = project.get("requires-python") if isinstance(project, dict) else None
    match = re.search(r"(?:>=|~=|==)\s*3\.(\d{1,3})", requirement) if isinstance(requirement, str) else None
    return (3, int(match.group(1))) if match else None


# -- value checks: each returns the value or raises ConfigError naming the key and the file -------
def _strings(value, key: str, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: `{key}` must be a list of strings")
    return value


def _check_codes(codes: list[str], where: str) -> list[str]:
    """Upper-cased rule codes or prefixes; ``ConfigError`` for one that names no rule."""
    from verify.analysis.registry import unknown_code

    cleaned = [code.strip().upper() for code in codes]
    for code in cleaned:
        problem = unknown_code(code)
        if problem:
            raise ConfigError(f"{where}: {problem}")
    return cleaned


def _codes(value, key: str, where: str) -> list[str]:
    return _check_codes(_strings(value, key, where), f"{where}: `{key}`")


def _string(value, key: str, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: `{key}` must be a string")
    return value


def _table(value, key: str, where: str, check: Callable, shape: str) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: `{key}` must be a table of {shape}")
    return {name: check(item, f"{key}.{name}", where) for name, item in value.items()}


def _file_size(value, key: str, where: str) -> int:
    if type(value) is not int or not 0 < value < 1 << 40:
        raise ConfigError(f"{where}: `{key}` must be a number of bytes above 0, like 4000000")
    return value


def _target_version(value, key: str, where: str) -> str:
    from verify.project.target import version_problem

    problem = version_problem(value) if isinstance(value, str) else "must be a string like \"5.2\""
    if problem:
        raise ConfigError(f"{where}: `{key}` {problem}")
    return value


_CHECKS: dict[str, Callable] = {
    "select": _codes,
    "ignore": _codes,
    "extend-select": _codes,
    "exclude": _strings,
    "extend-exclude": _strings,
    "per-file-ignores": lambda value, key, where: _table(value, key, where, _codes, "glob = [codes]"),
    "test-paths": _strings,
    "target-version": _target_version,
    "cache-dir": _string,
    "cheatsheet": _string,
    "blocking-calls": lambda value, key, where: _table(value, key, where, _string, "\"qualified.name\" = \"suggested replacement\""),
    "allowed-calls": _strings,
    "max-file-size": _file_size,
    "user-loaders": _strings,
}


def parse(section: dict, path: Path) -> Config:
    where = f"{path} [tool.django-async-kit]"
    if not isinstance(section, dict):
        raise ConfigError(f"{where} must be a table")
    unknown = sorted(set(section) - set(_CHECKS))
    if unknown:
        raise ConfigError(f"{where}: unknown key `{unknown[0]}` (known: {', '.join(sorted(_CHECKS))})")
    values = {key: _CHECKS[key](value, key, where) for key, value in section.items()}
    config = Config(path=path)
    config.select = values.get("select", [])
    config.ignore = values.get("ignore", [])
    config.extend_select = values.get("extend-select", [])
    config.exclude = values.get("exclude", []) + values.get("extend-exclude", [])
    config.per_file_ignores = values.get("per-file-ignores", {})
    config.test_paths = values.get("test-paths", list(DEFAULT_TEST_PATHS))
    config.target_version = values.get("target-version")
    config.max_file_size = values.get("max-file-size")
    config.extra = {key: value for key, value in values.items() if key in ("cache-dir", "cheatsheet", "blocking-calls", "allowed-calls", "user-loaders")}
    return config


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(os.path.relpath(os.path.abspath(path), root)).as_posix()
    except ValueError:  # another drive (Windows)
        return path.as_posix()


def ignored_codes(path: Path, per_file: dict[str, list[str]], root: Path) -> list[str]:
    """Codes ``per-file-ignores`` turns off for ``path`` (globs relative to ``root``, or the file name)."""
    relative = _relative(path, root)
    codes: list[str] = []
    for pattern, ignored in per_file.items():
        if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(path.name, pattern):
            codes.extend(ignored)
    return codes


def is_test_path(path: Path, patterns: list[str], root: Path) -> bool:
    """Whether ``path`` is test code by ``test-paths`` (see DEFAULT_TEST_PATHS)."""
    if not patterns:
        return False
    relative = _relative(path, root)
    folders = relative.split("/")[:-1]
    for pattern in patterns:
        if pattern.endswith("/"):
            folder = pattern.rstrip("/")
            if "/" in folder:
                if fnmatch.fnmatch(relative, f"{folder}/*"):
                    return True
            elif any(fnmatch.fnmatch(part, folder) for part in folders):
                return True
        elif fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(path.name, pattern):
            return True
    return False
