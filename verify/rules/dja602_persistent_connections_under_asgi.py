"""## What it does
Checks for persistent database connections (`CONN_MAX_AGE` above 0 or `None`) under ASGI.

The project counts as served over ASGI when its deployment files start an ASGI server
(uvicorn, Daphne, Hypercorn, a uvicorn worker for gunicorn), its settings name an
`ASGI_APPLICATION` or install Daphne, or it has async views and an ASGI entry point and no
deployment that runs only a WSGI server. `CONN_MAX_AGE` is read from `DATABASES` literals,
`DATABASES["default"]["CONN_MAX_AGE"] = ...`, `dj_database_url`'s `conn_max_age=` and the
default of an environment variable, following split settings.

## Why is this bad?
Django's async documentation says to disable persistent connections in async mode. Under ASGI
each request runs its ORM calls on a thread of its own, so a connection kept open for reuse is
never reused: connections pile up until the database refuses new ones. On PostgreSQL with
Django 5.1+ and psycopg 3, the `"pool"` option replaces them.

## Example
```python
# settings.py
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "CONN_MAX_AGE": 600,
    }
}
```

## Use instead
```python
# settings.py
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "CONN_MAX_AGE": 0,
        "OPTIONS": {"pool": True},
    }
}
```

## Fix safety
None: settings and deployment files are changed by hand.
"""

from verify.analysis.finding import Severity
from verify.analysis.registry import Rule
from verify.project.checks import project_check
from verify.project.settings_scan import conn_max_age

rule = Rule("DJA602", "persistent-connections-under-asgi", __doc__, min_version=(4, 1), severity=Severity.WARNING, scope="project")


@project_check(rule)
def check(ctx) -> None:
    if not ctx.served_over_asgi:
        return
    seen = set()
    for settings in ctx.settings:
        for alias, value in settings.conn_max_age.items():
            where = (value.path, value.line, value.column)
            persistent, text = conn_max_age(value, settings)
            if not persistent or where in seen:
                continue
            seen.add(where)
            pool = (" and the PostgreSQL connection pool (`\"OPTIONS\": {\"pool\": True}`, psycopg 3)"
                    if ctx.version >= (5, 1) else "")
            ctx.report(value.path, value.line, value.column,
                       f"`CONN_MAX_AGE` is {text} for database `{alias}` in a project served over ASGI: persistent "
                       "connections are not reused under ASGI (each request's ORM calls run on their own thread) and pile up",
                       hint=f"set `CONN_MAX_AGE` to 0{pool}", end_column=value.end_column)
