"""Which server runs a Django project, read from how the project is started.

The command that starts the server wins: a ``web:`` line of a Procfile, a compose file's
``command:``, a Dockerfile's ``CMD`` / ``ENTRYPOINT``, then other deployment files (entrypoint and
start scripts, systemd units, Kubernetes manifests). gunicorn counts as ASGI only with a uvicorn
worker (``-k uvicorn_worker.UvicornWorker`` on its command line, ``worker_class`` in its
configuration, ``GUNICORN_CMD_ARGS``). With no command: Daphne in ``INSTALLED_APPS`` (its
``runserver`` serves ASGI), then a server the project itself declares as a dependency. A lock
file's transitive closure never counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from verify.project.dependencies import Dependency
from verify.project.deployment_files import ProjectFiles

# Fact value -> how the instructions name it.
SERVERS: dict[str, str] = {
    "daphne": "daphne (ASGI)",
    "uvicorn": "uvicorn (ASGI)",
    "hypercorn": "hypercorn (ASGI)",
    "granian": "granian (ASGI)",
    "gunicorn-uvicorn": "gunicorn with uvicorn workers (ASGI)",
    "gunicorn": "gunicorn (WSGI)",
    "granian-wsgi": "granian (WSGI)",
    "uwsgi": "uWSGI (WSGI)",
    "waitress": "waitress (WSGI)",
    "mod_wsgi": "mod_wsgi (WSGI)",
}
ASGI_SERVERS = frozenset({"daphne", "uvicorn", "hypercorn", "granian", "gunicorn-uvicorn"})

_SERVER = re.compile(r"(?<![\w.-])(daphne|uvicorn|hypercorn|granian|gunicorn|uwsgi|waitress-serve|mod_wsgi-express)(?![\w.\[=<>~-])")
_ASGI_WORKER = re.compile(r"uvicorn_worker|UvicornWorker|uvicorn\.workers")
_WORKER_SETTING = re.compile(r"(worker_class|GUNICORN_CMD_ARGS|-k\b|--worker-class)")
# Lines that name a server without starting it: package installs, files copied into an image.
_NOT_A_COMMAND = re.compile(r"\b(pip3?|poetry|uv|pipx|apt-get|apt|apk|conda|yum|dnf)\b.*\b(install|add|sync)\b|^\s*(COPY|ADD)\b", re.IGNORECASE)
_DOCKERFILE = re.compile(r"^(Dockerfile.*|.+\.dockerfile|Containerfile)$")


def _priority(path: Path) -> int:
    name = path.name
    if name.startswith("Procfile"):
        return 0
    if re.match(r"^(docker-)?compose.*\.ya?ml$", name):
        return 1
    return 2 if _DOCKERFILE.match(name) else 3


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, text) with backslash continuations joined."""
    pending, start = "", 0
    for number, line in enumerate(text.splitlines(), 1):
        if not pending:
            start = number
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        yield start, pending + line
        pending = ""
    if pending:
        yield start, pending


def _commands(path: Path, text: str) -> Iterator[tuple[int, str]]:
    """(line, command) of the lines of a deployment file that may start a server."""
    dockerfile, procfile = _DOCKERFILE.match(path.name), path.name.startswith("Procfile")
    for number, line in _logical_lines(text):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "//", ";")) or _NOT_A_COMMAND.search(stripped):
            continue
        if dockerfile and not re.match(r"^(CMD|ENTRYPOINT)\b", stripped, re.IGNORECASE):
            continue
        if procfile and not stripped.startswith("web:"):
            continue  # release: and worker: lines run migrations and queues
        yield number, stripped


# What may stand before a server's name when it is the program a command runs: the start of the
# line, a shell separator, `exec`, a Dockerfile or Procfile keyword, a YAML key or list item, a
# runner (`poetry run`, `python -m`), a JSON list, environment assignments, or its folder.
_COMMAND_POSITION = re.compile(
    r"""(^|[;&|(]|\bexec|\bCMD|\bENTRYPOINT|\bweb:|\bcommand:|\bargs:|\bExecStart=|\brun|-m|\bnohup|=|\[|,|^-)\s*"""
    r"""(\w+=\S+\s+)*["']?(\S*/)?$""",
    re.IGNORECASE,
)


def _server(command: str, asgi_worker_configured: bool) -> str | None:
    match = next((m for m in _SERVER.finditer(command) if _COMMAND_POSITION.search(command[: m.start()])), None)
    if match is None:
        return None
    name = match.group(1)
    if name == "gunicorn":
        return "gunicorn-uvicorn" if _ASGI_WORKER.search(command) or asgi_worker_configured else "gunicorn"
    if name == "granian":
        return "granian-wsgi" if re.search(r"--interface[= ]+wsgi", command) else "granian"
    return {"waitress-serve": "waitress", "mod_wsgi-express": "mod_wsgi"}.get(name, name)


def _asgi_worker_configured(files: ProjectFiles) -> bool:
    """gunicorn's configuration files, environment files and deployment files set a uvicorn worker."""
    candidates = [p for p in files.python_files + files.text_files if p.name.startswith("gunicorn")]
    for path in dict.fromkeys(candidates + files.env_files + files.deployment_files):
        for line in files.text(path).splitlines():
            if _WORKER_SETTING.search(line) and _ASGI_WORKER.search(line) and not line.lstrip().startswith("#"):
                return True
    return False


def detect(files: ProjectFiles, deps: dict[str, Dependency], display: Callable[[Path], str],
           daphne_app: str | None = None) -> tuple[str | None, str]:
    """(server or None, where that came from). ``daphne_app``: where the settings put ``daphne``
    in ``INSTALLED_APPS``, if they do."""
    worker = _asgi_worker_configured(files)
    found = []
    for path in files.deployment_files:
        for number, command in _commands(path, files.text(path)):
            server = _server(command, worker)
            if server:
                found.append((_priority(path), display(path), number, server, command))
    if found:
        _, where, number, server, command = min(found)
        shown = command if len(command) <= 80 else command[:77] + "..."
        return server, f"{where}:{number}: {shown}"
    if daphne_app:
        return "daphne", f"{daphne_app} (daphne's runserver serves ASGI)"
    declared = {name: dep for name, dep in deps.items() if dep.direct}
    for name in ("daphne", "uvicorn", "hypercorn", "granian"):
        if name in declared:
            if name == "uvicorn" and "gunicorn" in declared:
                break  # uvicorn alone or as gunicorn's worker: no command says which
            return name, f"{declared[name].source} (declared; no start command found)"
    if "uvicorn-worker" in declared:
        return "gunicorn-uvicorn", f"{declared['uvicorn-worker'].source} (declared; no start command found)"
    if "gunicorn" in declared and "uvicorn" not in declared:
        return "gunicorn", f"{declared['gunicorn'].source} (declared; no start command found)"
    if "gunicorn" in declared:
        return None, "gunicorn and uvicorn declared, and no start command (Procfile, compose, Dockerfile, scripts) says which runs"
    return None, "no server command in Procfile, compose, Dockerfile or scripts, and no server declared"
