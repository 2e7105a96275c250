"""Whether ``request.user`` is already loaded when an async handler starts: the framework or a
decorator authenticated the request before the handler runs, so reading the user runs no query.

Known frameworks (each checked against its source):

- adrf (async Django REST framework): ``adrf.views.APIView`` and the views and viewsets built on
  it, and ``adrf.decorators.api_view``, run ``initial()`` (authentication included) through
  ``sync_to_async`` before an async handler: ``request.user`` is the authenticated user.
- django-ninja: an operation whose ``auth`` is Django's session (``django_auth``,
  ``django_auth_superuser``, ``django_auth_is_staff`` or their classes), on the decorator or on
  the ``Router``/``NinjaAPI`` of the same module, has its auth run through ``sync_to_async``
  before the handler, which reads ``request.user``: the lazy user is evaluated. Other auth
  classes set ``request.auth`` only, unless they assign ``request.user`` themselves.
- django-bolt: a handler parameter annotated ``CurrentUser`` (or ``OptionalCurrentUser``) makes
  bolt load the user before the handler and fill ``request.user``; and bolt's ``request.user`` is
  a ``LazyUser`` that ``await request.auser()`` fills, so the user is loaded from that ``await`` on
  (:func:`auser_fills_request_user`). Django's own ``auser()`` caches apart from ``request.user``.
  A route of a ``BoltAPI(middleware=[...])`` whose middleware class assigns ``request.user`` on
  every request reads that object.

Also loaded: after a project decorator (or a django-ninja auth class of the project) that assigns
``request.user = ...`` in its wrapper, and after any decorator, view base class or auth object
listed in the ``user-loaders`` option.
"""

from __future__ import annotations

import ast

_ADRF_DECORATORS = {"adrf.decorators.api_view"}
_NINJA_SESSION_AUTH = {"django_auth", "django_auth_superuser", "django_auth_is_staff",
                       "SessionAuth", "SessionAuthSuperUser", "SessionAuthIsStaff"}
_NINJA_OPERATIONS = {"get", "post", "put", "patch", "delete", "api_operation"}
_MAX_DEPTH = 4  # project base classes followed
_BOLT_USER_PARAMETERS = {"django_bolt.CurrentUser", "django_bolt.OptionalCurrentUser"}
_BOLT_MIDDLEWARE_OPTIONS = {"middleware", "django_middleware"}
_MIDDLEWARE_ENTRY_POINTS = {"__call__", "__acall__", "process_request"}


def auser_fills_request_user(file) -> bool:
    """Whether ``await request.auser()`` loads ``request.user`` too: in django-bolt's handlers."""
    return any(name == "django_bolt" or name.startswith("django_bolt.") for name in file.imports.values())


def loaded_before(file, function: ast.AsyncFunctionDef, owner: ast.AST | None) -> bool:
    """Whether the user is loaded before ``function`` (a handler, a method of ``owner``) runs."""
    configured = set((file.options.get("extra") or {}).get("user-loaders") or ())
    if any((file.qualified(arg.annotation) or "") in _BOLT_USER_PARAMETERS for arg in function.args.args + function.args.kwonlyargs
           if arg.annotation is not None):
        return True
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        qualified = file.qualified(target) or ""
        if qualified in _ADRF_DECORATORS or qualified in configured:
            return True
        if isinstance(decorator, ast.Call) and _ninja_session(decorator, file, configured):
            return True
        if isinstance(decorator, ast.Call) and _api_middleware_sets_user(decorator, file, owner):
            return True
        if isinstance(target, ast.Name) and _assigns_user(_project_node(file, target.id)):
            return True
    if not isinstance(owner, ast.ClassDef):
        return False
    key = (owner, frozenset(configured))
    if key not in _CLASSES:  # asked again for each async method of the class
        if len(_CLASSES) > 256:  # keep memory flat over large code bases
            _CLASSES.clear()
        _CLASSES[key] = _loading_class(file, owner, configured, 0)
    return _CLASSES[key]


_CLASSES: dict[tuple[ast.ClassDef, frozenset], bool] = {}


def _ninja_session(call: ast.Call, file, configured: set[str]) -> bool:
    """``@router.get("/", auth=django_auth)``, or ``@router.get("/")`` on ``Router(auth=django_auth)``."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in _NINJA_OPERATIONS):
        return False
    auth = next((k.value for k in call.keywords if k.arg == "auth"), None)
    if auth is None and isinstance(func.value, ast.Name):
        owner = file.module_values.get(func.value.id)
        if isinstance(owner, ast.Call) and (file.qualified(owner.func) or "").startswith("ninja."):
            auth = next((k.value for k in owner.keywords if k.arg == "auth"), None)
    if auth is None:
        return False
    items = auth.elts if isinstance(auth, (ast.List, ast.Tuple)) else [auth]
    return bool(items) and all(_loads_user(item, file, configured) for item in items)


def _api_middleware_sets_user(call: ast.Call, file, scope: ast.AST | None) -> bool:
    """``@api.get(...)`` on ``api = BoltAPI(middleware=[...])`` whose list holds a middleware class
    that assigns ``request.user`` on every request (an impersonation middleware): the handler
    reads the object it assigned, not a lazy user. ``api`` is bound in the enclosing function
    (``scope``) or at module level."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return False
    statements = scope.body if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) else []
    local = {target.id: node.value for node in statements if isinstance(node, ast.Assign)
             for target in node.targets if isinstance(target, ast.Name)}
    api = local.get(func.value.id) or file.module_values.get(func.value.id)
    if not (isinstance(api, ast.Call) and (file.qualified(api.func) or "").startswith("django_bolt.")):
        return False
    classes = {node.name: node for node in statements if isinstance(node, ast.ClassDef)}
    for keyword in api.keywords:
        if keyword.arg not in _BOLT_MIDDLEWARE_OPTIONS:
            continue
        for name in ast.walk(keyword.value):
            if not isinstance(name, ast.Name):
                continue
            cls = classes.get(name.id) or (_project_class(file, name.id) or (None, None))[1]
            if cls is not None and _always_assigns_user(cls):
                return True
    return False


def _always_assigns_user(cls: ast.ClassDef) -> bool:
    """A middleware whose ``__call__`` or ``process_request`` assigns ``request.user`` as a
    statement of its own body, not under a condition."""
    return any(isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in _MIDDLEWARE_ENTRY_POINTS
               and any(isinstance(statement, ast.Assign)
                       and any(isinstance(t, ast.Attribute) and t.attr == "user" for t in statement.targets)
                       for statement in item.body)
               for item in cls.body)


def _loads_user(auth: ast.expr, file, configured: set[str]) -> bool:
    target = auth.func if isinstance(auth, ast.Call) else auth
    qualified = file.qualified(target) or ""
    if qualified in configured or qualified.startswith("ninja.security") and qualified.rpartition(".")[2] in _NINJA_SESSION_AUTH:
        return True
    if not isinstance(target, ast.Name):
        return False
    value = file.module_values.get(target.id)  # bearer = JWTAuth()
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        return _loads_user(value, file, configured)
    found = _project_class(file, target)
    return found is not None and any(_assigns_user(item) for item in found[1].body
                                     if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in ("authenticate", "__call__"))


def _loading_class(file, cls: ast.ClassDef, configured: set[str], depth: int) -> bool:
    """A view class built on adrf's ``APIView``, or on a configured base, directly or through
    the project's own base classes."""
    for base in cls.bases:
        qualified = file.qualified(base) or ""
        if qualified.startswith("adrf.") or qualified in configured:
            return True
        if depth < _MAX_DEPTH and isinstance(base, (ast.Name, ast.Attribute)):
            found = _project_class(file, base)
            if found is not None and _loading_class(found[0], found[1], configured, depth + 1):
                return True
    return False


def _project_class(file, expr: ast.Name | ast.Attribute) -> tuple[object, ast.ClassDef] | None:
    """(the file that defines it, the class) for a project class ``expr`` names in ``file``
    (``BaseView``, or ``views.BaseView`` with the module imported)."""
    project = file.project
    found = project.resolve_class(file, expr) if project is not None and file.module_name else None
    if found is None:
        name = expr.id if isinstance(expr, ast.Name) else None
        local = next((node for node in file.tree.body if isinstance(node, ast.ClassDef) and node.name == name), None)
        return (file, local) if local is not None else None
    return found[0].file, found[0].classes[found[1]]


def _project_node(file, name: str) -> ast.FunctionDef | None:
    """The project function ``name`` names in ``file`` (defined there or imported)."""
    project = file.project
    found = project.resolve_name(file, name) if project is not None and file.module_name else None
    if found is not None and found[1] in found[0].functions:
        return found[0].functions[found[1]]
    return next((node for node in file.tree.body if isinstance(node, ast.FunctionDef) and node.name == name), None)


def _assigns_user(function: ast.AST | None) -> bool:
    """Whether ``function`` (or a wrapper it defines) assigns ``<something>.user = ...``."""
    if function is None:
        return False
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == "user" for t in node.targets):
            return True
    return False
