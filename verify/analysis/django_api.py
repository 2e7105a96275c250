"""Django's real async surface, with the version that added each API (checked against the
Django 4.1-6.1 sources; see docs/rules.md and the fact sheet the kit was built from).

This table is the single source for the rules, the instruction templates and the prompt tests:
an API that is not listed here does not exist.
"""

from __future__ import annotations

Version = tuple[int, int]

KNOWN_VERSIONS: tuple[Version, ...] = ((4, 1), (4, 2), (5, 0), (5, 1), (5, 2), (6, 0), (6, 1))
NEWEST: Version = KNOWN_VERSIONS[-1]

# QuerySet (and Manager / related manager proxy) coroutine methods: async name -> sync twin. All 4.1.
QUERYSET_ASYNC: dict[str, str] = {
    "aget": "get",
    "acreate": "create",
    "aget_or_create": "get_or_create",
    "aupdate_or_create": "update_or_create",
    "abulk_create": "bulk_create",
    "abulk_update": "bulk_update",
    "acount": "count",
    "ain_bulk": "in_bulk",
    "alatest": "latest",
    "aearliest": "earliest",
    "afirst": "first",
    "alast": "last",
    "aaggregate": "aggregate",
    "aexists": "exists",
    "acontains": "contains",
    "aupdate": "update",
    "adelete": "delete",
    "aexplain": "explain",
}
# `aiterator` is an async generator: `async for x in qs.aiterator()`, never awaited.
QUERYSET_ASYNC_GENERATORS = {"aiterator": "iterator"}

# Sync methods that run a query (their twin is QUERYSET_ASYNC's key).
SYNC_QUERY_METHODS: dict[str, str] = {sync: name for name, sync in QUERYSET_ASYNC.items()}
SYNC_QUERY_METHODS["iterator"] = "aiterator"

# Methods that return a new lazy QuerySet: fine in async code.
QUERYSET_CHAIN_METHODS = frozenset(
    {
        "all", "filter", "exclude", "order_by", "reverse", "distinct", "values", "values_list",
        "dates", "datetimes", "none", "union", "intersection", "difference", "select_related",
        "prefetch_related", "extra", "defer", "only", "using", "select_for_update", "raw",
        "annotate", "alias", "complex_filter", "fetch_mode", "get_queryset",
    }
)

# Model instance methods.
MODEL_ASYNC: dict[str, tuple[str, Version]] = {
    "asave": ("save", (4, 2)),
    "adelete": ("delete", (4, 2)),
    "arefresh_from_db": ("refresh_from_db", (4, 2)),
}
MODEL_SYNC_QUERY_METHODS = {sync: name for name, (sync, _) in MODEL_ASYNC.items()}

# Related managers (reverse FK, many-to-many): writes with their async twins.
RELATED_MANAGER_ASYNC: dict[str, tuple[str, Version]] = {
    "aadd": ("add", (4, 2)),
    "aremove": ("remove", (4, 2)),
    "aclear": ("clear", (4, 2)),
    "aset": ("set", (4, 2)),
}
RELATED_MANAGER_SYNC_METHODS = {sync: name for name, (sync, _) in RELATED_MANAGER_ASYNC.items()}

# User model / AnonymousUser methods.
USER_ASYNC: dict[str, tuple[str, Version]] = {
    "acheck_password": ("check_password", (5, 0)),
    "ahas_perm": ("has_perm", (5, 2)),
    "ahas_perms": ("has_perms", (5, 2)),
    "ahas_module_perms": ("has_module_perms", (5, 2)),
    "aget_all_permissions": ("get_all_permissions", (5, 2)),
    "aget_user_permissions": ("get_user_permissions", (5, 2)),
    "aget_group_permissions": ("get_group_permissions", (5, 2)),
}
USER_MANAGER_ASYNC: dict[str, tuple[str, Version]] = {
    "acreate_user": ("create_user", (5, 2)),
    "acreate_superuser": ("create_superuser", (5, 2)),
    "aget_by_natural_key": ("get_by_natural_key", (5, 2)),
}

# Module-level coroutine functions: qualified name -> (sync twin, version added).
FUNCTION_ASYNC: dict[str, tuple[str, Version]] = {
    "django.shortcuts.aget_object_or_404": ("get_object_or_404", (5, 0)),
    "django.shortcuts.aget_list_or_404": ("get_list_or_404", (5, 0)),
    "django.contrib.auth.aauthenticate": ("authenticate", (5, 0)),
    "django.contrib.auth.alogin": ("login", (5, 0)),
    "django.contrib.auth.alogout": ("logout", (5, 0)),
    "django.contrib.auth.aget_user": ("get_user", (5, 0)),
    "django.contrib.auth.aupdate_session_auth_hash": ("update_session_auth_hash", (5, 0)),
    "django.contrib.auth.hashers.acheck_password": ("check_password", (5, 0)),
    "django.db.models.aprefetch_related_objects": ("prefetch_related_objects", (5, 0)),
}

# request.auser() (AuthenticationMiddleware).
REQUEST_AUSER: Version = (5, 0)

# Session methods (SessionBase and every built-in engine), all 5.1.
SESSION_ASYNC_VERSION: Version = (5, 1)
SESSION_ASYNC: dict[str, str] = {
    "aget": "get", "aset": "__setitem__", "asetdefault": "setdefault", "apop": "pop",
    "aupdate": "update", "ahas_key": "__contains__", "akeys": "keys", "avalues": "values",
    "aitems": "items", "aflush": "flush", "acycle_key": "cycle_key", "asave": "save",
    "aload": "load", "aexists": "exists", "acreate": "create", "adelete": "delete",
    "aclear_expired": "clear_expired", "aset_expiry": "set_expiry",
    "aget_expiry_age": "get_expiry_age", "aget_expiry_date": "get_expiry_date",
    "aget_expire_at_browser_close": "get_expire_at_browser_close",
    "aset_test_cookie": "set_test_cookie", "atest_cookie_worked": "test_cookie_worked",
    "adelete_test_cookie": "delete_test_cookie",
}
SESSION_SYNC_METHODS = frozenset(
    {
        "get", "pop", "setdefault", "update", "has_key", "keys", "values", "items", "flush",
        "cycle_key", "save", "load", "exists", "create", "delete", "set_expiry",
        "get_expiry_age", "get_expiry_date", "get_expire_at_browser_close", "set_test_cookie",
        "test_cookie_worked", "delete_test_cookie", "clear_expired",
    }
)

# Cache (BaseCache), 4.0: thread-hopping wrappers, still the right call from async code.
CACHE_ASYNC = frozenset(
    {
        "aadd", "aget", "aset", "atouch", "adelete", "aget_many", "aget_or_set", "ahas_key",
        "aincr", "adecr", "aset_many", "adelete_many", "aclear", "aincr_version",
        "adecr_version", "aclose",
    }
)

# Pagination: AsyncPaginator / AsyncPage, 6.0.
ASYNC_PAGINATOR_VERSION: Version = (6, 0)
ASYNC_PAGINATOR_METHODS = frozenset(
    {"acount", "anum_pages", "apage_range", "apage", "aget_page", "avalidate_number"}
)
# Of those, the async generators: iterated with `async for`, never awaited (core/paginator.py).
ASYNC_PAGINATOR_GENERATORS = frozenset({"aget_elided_page_range"})

# django.tasks, 6.0.
TASKS_VERSION: Version = (6, 0)
TASK_ASYNC = {"aenqueue": "enqueue", "aget_result": "get_result", "acall": "call"}

# Signals: Signal.asend / asend_robust, 5.0.
SIGNAL_ASYNC: dict[str, tuple[str, Version]] = {"asend": ("send", (5, 0)), "asend_robust": ("send_robust", (5, 0))}

# Names people (and AI assistants) invent. None of them exists in any Django version.
NONEXISTENT_QUERYSET_METHODS = frozenset(
    {
        "afilter", "aall", "aexclude", "aorder_by", "avalues", "avalues_list", "aselect_related",
        "aprefetch_related", "aannotate", "adistinct", "anone", "aonly", "adefer", "afetch_mode",
        "areverse", "ausing", "araw", "aunion", "aget_queryset", "aselect_for_update",
    }
)
NONEXISTENT_MODEL_METHODS = frozenset(
    {"afull_clean", "aclean", "avalidate_unique", "aclean_fields", "avalidate_constraints", "aset_password"}
)
NONEXISTENT_FUNCTIONS: dict[str, str] = {
    "asend_mail": "Django has no async email API: `await sync_to_async(send_mail)(...)` or a task",
    "asend_mass_mail": "Django has no async email API: `await sync_to_async(send_mass_mail)(...)` or a task",
    "amail_admins": "Django has no async email API: `await sync_to_async(mail_admins)(...)`",
    "arender": "Django has no async render: evaluate QuerySets first, then call `render()`, or return a `TemplateResponse`",
    "arender_to_string": "Django has no async template rendering: evaluate QuerySets first, then `render_to_string()`",
    "amake_password": "Django has no `amake_password`: `await sync_to_async(make_password, thread_sensitive=False)(...)`",
    "aatomic": "Django has no async transactions: put the block in a sync function run with `sync_to_async`",
    "aredirect": "`redirect()` makes no query: call it directly",
}


def all_async_names() -> set[str]:
    """Every real async API name, for checking that shipped text names nothing invented."""
    names = set(QUERYSET_ASYNC) | set(QUERYSET_ASYNC_GENERATORS) | set(MODEL_ASYNC) | set(RELATED_MANAGER_ASYNC)
    names |= set(USER_ASYNC) | set(USER_MANAGER_ASYNC) | set(SESSION_ASYNC) | set(CACHE_ASYNC)
    names |= ASYNC_PAGINATOR_METHODS | ASYNC_PAGINATOR_GENERATORS | set(TASK_ASYNC) | set(SIGNAL_ASYNC) | {"auser", "arefresh"}
    names |= {qualified.rsplit(".", 1)[1] for qualified in FUNCTION_ASYNC}
    names |= {"aget_object_list", "ahas_next", "ahas_previous", "ahas_other_pages", "anext_page_number",
              "aprevious_page_number", "astart_index", "aend_index", "alogin", "aforce_login", "alogout", "asession"}
    return names


def added_in(name: str) -> Version | None:
    """The Django version that added an async API name (None if the name is not an async API)."""
    for table in (MODEL_ASYNC, RELATED_MANAGER_ASYNC, USER_ASYNC, USER_MANAGER_ASYNC, SIGNAL_ASYNC):
        if name in table:
            return table[name][1]
    for qualified, (_, version) in FUNCTION_ASYNC.items():
        if qualified.endswith("." + name):
            return version
    if name in QUERYSET_ASYNC or name in QUERYSET_ASYNC_GENERATORS:
        return (4, 1)
    if name == "auser":
        return REQUEST_AUSER
    if name in TASK_ASYNC:
        return TASKS_VERSION
    if name in ASYNC_PAGINATOR_METHODS:
        return ASYNC_PAGINATOR_VERSION
    return None


def fmt(version: Version) -> str:
    return f"{version[0]}.{version[1]}"
