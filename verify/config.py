"""``[tool.django-async-kit]`` in pyproject.toml, validated: bad config is one clear error."""

from __future__ import annotations

import fnmatch
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from verify.reading import Unreadable, read_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ConfigError(Exception):
    pass


# key -> expected type; other commands (prompts, blocking calls) read their own keys from ``extra``.
_LIST_KEYS = ("select", "ignore", "exclude", "extend-exclude")
_KNOWN = {*_LIST_KEYS, "per-file-ignores", "target-version", "cache-dir", "cheatsheet",
          "blocking-calls", "allowed-calls", "max-file-size"}


@dataclass
class Config:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    target_version: str | None = None
    path: Path | None = None
    extra: dict = field(default_factory=dict)
    max_file_size: int | None = None  # bytes; None: verify.limits.DEFAULT_MAX_FILE_BYTES


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
    except Unreadable as error:
        raise ConfigError(str(error)) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    section = data.get("tool", {}).get("django-async-kit")
    if section is None:
        return Config(path=path)
    return parse(section, path)


def _codes(value, key: str, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: `{key}` must be a list of strings")
    return [v.strip().upper() if key in ("select", "ignore") else v for v in value]


def parse(section: dict, path: Path) -> Config:
    where = f"{path} [tool.django-async-kit]"
    if not isinstance(section, dict):
        raise ConfigError(f"{where} must be a table")
    unknown = sorted(set(section) - _KNOWN)
    if unknown:
        raise ConfigError(f"{where}: unknown key `{unknown[0]}` (known: {', '.join(sorted(_KNOWN))})")
    config = Config(path=path)
    for key in ("select", "ignore"):
        if key in section:
            codes = _codes(section[key], key, where)
            for code in codes:
                if not code.startswith("DJA"):
                    raise ConfigError(f"{where}: `{key}` has `{code}`, which is not a DJA code or prefix")
            setattr(config, key, codes)
    config.exclude = _codes(section.get("exclude", []), "exclude", where) + _codes(section.get("extend-exclude", []), "extend-exclude", where)
    per_file = section.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise ConfigError(f"{where}: `per-file-ignores` must be a table of glob = [codes]")
    config.per_file_ignores = {glob: _codes(codes, f"per-file-ignores.{glob}", where) for glob, codes in per_file.items()}
    config.per_file_ignores = {glob: [c.upper() for c in codes] for glob, codes in config.per_file_ignores.items()}
    version = section.get("target-version")
    if version is not None:
        from verify.project import parse_version

        if not isinstance(version, str) or parse_version(version) is None:
            raise ConfigError(f"{where}: `target-version` must be a string like \"5.2\"")
        config.target_version = version
    blocking_calls = section.get("blocking-calls", {})
    if not isinstance(blocking_calls, dict) or not all(isinstance(v, str) for v in blocking_calls.values()):
        raise ConfigError(f"{where}: `blocking-calls` must be a table of \"qualified.name\" = \"suggested replacement\"")
    _codes(section.get("allowed-calls", []), "allowed-calls", where)
    size = section.get("max-file-size")
    if size is not None:
        if type(size) is not int or not 0 < size < 1 << 40:
            raise ConfigError(f"{where}: `max-file-size` must be a number of bytes above 0, like 4000000")
        config.max_file_size = size
    config.extra = {k: v for k, v in section.items()
                    if k not in {"select", "ignore", "exclude", "extend-exclude", "per-file-ignores", "target-version", "max-file-size"}}
    return config


def ignored_codes(path: Path, per_file: dict[str, list[str]], root: Path) -> list[str]:
    """Codes ``per-file-ignores`` turns off for ``path`` (globs relative to ``root``, or the file name)."""
    try:
        relative = Path(os.path.relpath(os.path.abspath(path), root)).as_posix()
    except ValueError:
        relative = path.as_posix()
    codes: list[str] = []
    for pattern, ignored in per_file.items():
        if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(path.name, pattern):
            codes.extend(ignored)
    return codes
