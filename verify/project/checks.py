"""The project-level pass: rules with ``scope="project"`` look at a whole Django project (its
settings, requirements and deployment files) instead of one Python file.

A project rule module creates its :class:`~verify.analysis.registry.Rule` with ``scope="project"`` and
registers one check with :func:`project_check`; the check gets a :class:`ProjectContext` and
reports findings at a file and line (a ``MIDDLEWARE`` entry, a requirement line). The file walk
never sees these rules: they have no AST visitors. ``# noqa`` comments on the reported line
suppress findings as in Python files, in any file with ``#`` comments.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

from verify.analysis.django_api import Version
from verify.analysis.engine import noqa_lines
from verify.analysis.finding import Finding, Severity
from verify.analysis.registry import Rule
from verify.project.deployment_files import ProjectFiles
from verify.project.settings_scan import Settings, SettingsFinder

ProjectCheck = Callable[["ProjectContext"], None]
_CHECKS: dict[str, ProjectCheck] = {}

# Text that shows an ASGI server runs the project.
ASGI_SERVERS = ("uvicorn", "daphne", "hypercorn", "UvicornWorker", "uvicorn_worker", "granian")


def project_check(rule: Rule) -> Callable[[ProjectCheck], ProjectCheck]:
    """Register ``func`` as the check of a ``scope="project"`` rule."""
    if rule.scope != "project":
        raise ValueError(f"{rule.code}: project checks need scope='project'")

    def decorator(func: ProjectCheck) -> ProjectCheck:
        _CHECKS[rule.code] = func
        return func

    return decorator


class ProjectContext:
    """What a project check sees: the project's files, its settings, and ``report``."""

    def __init__(self, root: Path, version: Version, display: Callable[[Path], str], files: ProjectFiles | None = None):
        self.root = root
        self.version = version
        self.display = display
        self.files = files or ProjectFiles(root)
        self.findings: list[tuple[Path, Finding]] = []
        self.rule: Rule | None = None

    @cached_property
    def finder(self) -> SettingsFinder:
        return SettingsFinder(self.files)

    @cached_property
    def settings(self) -> list[Settings]:
        return self.finder.settings_modules()

    @cached_property
    def is_django_project(self) -> bool:
        """A ``manage.py``, a named settings module or a WSGI/ASGI entry point: not just a folder of views."""
        files = self.files
        if any(path.name == "manage.py" for path in files.python_files):
            return True
        if any(self.finder.resolve(name) for name in self.finder.named_modules()):
            return True
        return bool(files.wsgi_entry_points or files.asgi_entry_points)

    @cached_property
    def has_async_views(self) -> bool:
        return self.files.first_async_view is not None

    @cached_property
    def asgi_server_lines(self) -> list[tuple[Path, int]]:
        """Lines of deployment and environment files that start or configure an ASGI server."""
        found = []
        for path in self.files.deployment_files + self.files.env_files:
            for number, line in enumerate(self.files.text(path).splitlines(), 1):
                if not _comment(line) and any(server in line for server in ASGI_SERVERS) and ("granian" not in line or "asgi" in line):
                    found.append((path, number))
        return found

    @cached_property
    def runserver_is_asgi(self) -> bool:
        """Daphne (Channels) replaces ``runserver`` with an ASGI server when it is an installed app."""
        return any("daphne" in s.strings("INSTALLED_APPS") for s in self.settings)

    @cached_property
    def served_over_asgi(self) -> bool:
        """Deployment files run an ASGI server, settings name an ASGI application or Daphne, or the
        project has async views and an ASGI entry point and no WSGI-only deployment."""
        if self.asgi_server_lines or self.runserver_is_asgi:
            return True
        if any("ASGI_APPLICATION" in s.names for s in self.settings):
            return True
        return self.has_async_views and bool(self.files.asgi_entry_points) and not self.wsgi_server_lines

    @cached_property
    def wsgi_server_lines(self) -> list[tuple[Path, int, str]]:
        """(file, line, server) for each command that starts a WSGI-only server."""
        found = []
        for path in self.files.deployment_files:
            for number, line in enumerate(self.files.text(path).splitlines(), 1):
                if _comment(line):
                    continue
                server = wsgi_server(line, self.runserver_is_asgi)
                if server:
                    found.append((path, number, server))
        return found

    def report(self, path: Path, line: int, column: int, message: str, hint: str = "", *, end_column: int | None = None,
               severity: Severity | None = None) -> None:
        rule = self.rule
        assert rule is not None
        self.findings.append((path, Finding(
            path=self.display(path), line=line, column=column, end_line=line,
            end_column=end_column or column + 1, code=rule.code, name=rule.name, message=message, hint=hint,
            severity=severity or rule.severity,
        )))


_WSGI_COMMANDS = (
    ("gunicorn", r"\bgunicorn\b"), ("uWSGI", r"\buwsgi\b"), ("waitress", r"waitress-serve"),
    ("mod_wsgi", r"mod_wsgi-express"), ("runserver", r"\brunserver\b"),
)


# Lines that name a server without starting it: package installs, files copied into an image.
_NOT_A_COMMAND = re.compile(r"\b(pip3?|poetry|uv|pipx|apt-get|apt|apk|conda|yum|dnf)\b.*\b(install|add|sync)\b|^\s*(COPY|ADD)\b", re.IGNORECASE)


def wsgi_server(line: str, runserver_is_asgi: bool) -> str | None:
    """The WSGI-only server a command line starts, if any."""
    if any(server in line for server in ASGI_SERVERS) or _NOT_A_COMMAND.search(line):
        return None
    for server, pattern in _WSGI_COMMANDS:
        if re.search(pattern, line, re.IGNORECASE):
            if server == "runserver" and runserver_is_asgi:
                return None
            if server == "gunicorn" and re.search(r"\bgunicorn\b\s*[=<>~!\[]", line):  # a requirement, not a command
                return None
            return server
    return None


def _comment(line: str) -> bool:
    return line.lstrip().startswith(("#", "//", ";"))


def served_by_wsgi(root: Path, version: Version) -> bool:
    """Whether the project at ``root`` is known to be served by a WSGI server: deployment files
    start one and none starts an ASGI server, or it has a WSGI entry point and no ASGI one.
    Unknown (no Django project, no deployment files) is not WSGI."""
    ctx = ProjectContext(root, version, str)
    if not ctx.is_django_project or ctx.served_over_asgi:
        return False
    return bool(ctx.wsgi_server_lines) or bool(ctx.files.wsgi_entry_points and not ctx.files.asgi_entry_points)


def check_project(root: Path, rules: list[Rule], version: Version, display: Callable[[Path], str],
                  ignored_for: Callable[[Path], list[str]] = lambda path: [], files: ProjectFiles | None = None) -> list[Finding]:
    """Findings of the enabled project rules on the project at ``root`` (whose files are ``files``,
    when the caller wants to know which of them the checks read)."""
    enabled = [rule for rule in rules if rule.scope == "project" and rule.code in _CHECKS]
    if not enabled:
        return []
    ctx = ProjectContext(root, version, display, files)
    if not ctx.is_django_project:
        return []
    for rule in enabled:
        ctx.rule = rule
        _CHECKS[rule.code](ctx)
    findings = []
    for path, finding in ctx.findings:
        codes = noqa_lines(ctx.files.text(path)).get(finding.line, set())
        if codes is None or finding.code in codes:
            continue
        if any(finding.code.startswith(prefix) for prefix in ignored_for(path)):
            continue
        findings.append(finding)
    return sorted(set(findings))
