"""## What it does
Checks that a project with async views can actually be served over ASGI: it reports a project
with no ASGI entry point (no `get_asgi_application()`), and deployment files that only start a
WSGI server (gunicorn without a uvicorn worker, uWSGI, waitress, mod_wsgi, or only
`manage.py runserver`) when no deployment file starts an ASGI server.

Deployment files are Procfiles, Dockerfiles, compose files, systemd units, supervisord
configs, Kubernetes manifests and entrypoint scripts. `runserver` counts as ASGI when Daphne is
an installed app. An async view is an `async def` HTTP handler of a class, or a module-level
`async def` taking a request that something serves: a URLconf names it, a decorator registers or
wraps it, or it lives in a views module (a library's async helper that a middleware awaits is not
one).

## Why is this bad?
Under WSGI, Django runs every async view through `async_to_sync`, with a new event loop per
request: the views pay the async overhead and nothing runs concurrently. The async conversion
only pays off behind an ASGI server.

## Example
```text
# Procfile
web: gunicorn config.wsgi --workers 4
```

## Use instead
```text
# Procfile
web: gunicorn config.asgi:application -k uvicorn_worker.UvicornWorker --workers 4
```

## Fix safety
None: settings and deployment files are changed by hand.
"""

from verify.analysis.finding import Severity
from verify.analysis.lines import source_lines
from verify.analysis.registry import Rule
from verify.project.checks import project_check

rule = Rule("DJA605", "wsgi-only-deployment", __doc__, min_version=(4, 1), severity=Severity.WARNING, scope="project")


@project_check(rule)
def check(ctx) -> None:
    if ctx.files.first_async_view is None:
        return
    if ctx.asgi_server_lines or (ctx.files.asgi_entry_points and not ctx.wsgi_server_lines):
        return  # served over ASGI: nothing to report, and no need to list every async view
    views = ctx.files.async_views
    example = f"`{views[0].name}`" + (f" and {len(views) - 1} more" if len(views) > 1 else "")
    if not ctx.files.asgi_entry_points and not ctx.asgi_server_lines:
        path, line, column = (ctx.files.wsgi_entry_points or [(views[0].path, views[0].line, 1)])[0]
        ctx.report(path, line, column,
                   f"the project has async views ({example}) but no ASGI entry point: served over WSGI, each async view "
                   "runs in a new event loop per request and gains nothing",
                   hint="add an `asgi.py` with `application = get_asgi_application()` and serve it with an ASGI server (uvicorn, Daphne)")
    if ctx.asgi_server_lines:
        return
    for path, line, server in ctx.wsgi_server_lines:
        text = source_lines(ctx.files.text(path))[line - 1]
        column = len(text) - len(text.lstrip()) + 1
        what = "only `manage.py runserver`, a WSGI server," if server == "runserver" else f"{server}, a WSGI server,"
        ctx.report(path, line, column,
                   f"the deployment runs {what} while the project has async views ({example}): each async view runs "
                   "through `async_to_sync` in a new event loop per request",
                   hint="serve `asgi.py` with an ASGI server: `uvicorn config.asgi:application`, or gunicorn with "
                        "`-k uvicorn_worker.UvicornWorker`",
                   end_column=len(text) + 1)
