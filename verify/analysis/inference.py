"""Expression typing inside one async function: which values are QuerySets, managers,
instances (and which of their relations are loaded), coroutines, requests and sessions.

Unknown stays unknown: ``data.get(...)``, ``request.GET.get(...)``, ``cache.get(...)`` have no
type here, so no rule can fire on them.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from verify.analysis import blocking
from verify.analysis import django_api as api
from verify.analysis import evidence
from verify.analysis import pages
from verify.analysis import types as ty
from verify.analysis.context import FileContext
from verify.analysis.limits import MAX_TYPING_DEPTH
from verify.analysis.models_index import USER_MODEL, Relation
from verify.analysis.types import T

_LIST_BUILDERS = {"list", "tuple", "sorted", "set"}
# Async HTTP clients whose request methods return coroutines.
_ASYNC_HTTP_CLIENTS = {"httpx.AsyncClient", "httpx2.AsyncClient", "aiohttp.ClientSession"}
_ASYNC_CLIENT_METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "request", "send"}
# Django's test AsyncClient (`self.async_client` in a TestCase, pytest-django's `async_client`).
_TEST_ASYNC_CLIENTS = {"django.test.AsyncClient", "django.test.client.AsyncClient"}
_TEST_ASYNC_CLIENT_METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "trace", "generic",
                              "request", "aforce_login", "alogin", "alogout"}
_REQUEST_ANNOTATIONS = {"HttpRequest", "ASGIRequest", "WSGIRequest", "Request"}
# Chain methods that keep what a QuerySet loads (select_related() and the like change it).
_FILTERS = frozenset({"all", "filter", "exclude", "order_by", "reverse", "distinct", "none", "annotate", "alias", "using"})
_SYNC_TO_ASYNC = {"asgiref.sync.sync_to_async", "channels.db.database_sync_to_async", "sync_to_async", "database_sync_to_async"}
# The environment's entry for ``self.request`` in a view method, once its user is known loaded.
SELF_REQUEST = "self.request"
_UNTYPED = object()  # not in Typer._memo (None is a type answer: unknown)
_COROUTINE_FACTORIES = {"asyncio.sleep", "asyncio.to_thread", "asyncio.wait_for", "asyncio.wait"}


def _string_args(call: ast.Call) -> frozenset[str]:
    return frozenset(
        arg.value for arg in call.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    ) | frozenset(
        arg.args[0].value
        for arg in call.args
        if isinstance(arg, ast.Call) and arg.args and isinstance(arg.args[0], ast.Constant) and isinstance(arg.args[0].value, str)
    )


def _with_prefixes(paths: frozenset[str]) -> frozenset[str]:
    """``user__profile`` also loads ``user``."""
    out = set(paths)
    for path in paths:
        parts = path.split("__")
        out.update("__".join(parts[:i]) for i in range(1, len(parts)))
    return frozenset(out)


# Django's factories of model formsets (django.forms.models, django.contrib.contenttypes.forms).
_FORMSET_FACTORIES = (".modelformset_factory", ".inlineformset_factory", ".generic_inlineformset_factory")


def _model_formsets(file) -> frozenset[str]:
    """Module-level names a file binds to a model formset class (``ItemFormSet = inlineformset_factory(...)``),
    read once per file."""
    found = file.options.get("_model_formsets")
    if found is None:
        found = file.options["_model_formsets"] = frozenset(
            target.id for stmt in file.tree.body
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call)
            and (file.qualified(stmt.value.func) or "").startswith("django.")
            and (file.qualified(stmt.value.func) or "").endswith(_FORMSET_FACTORIES)
            for target in stmt.targets if isinstance(target, ast.Name))
    return found


def _class_attributes(file) -> dict[str, dict[str, ast.expr]]:
    """Class name -> its class-level ``name = call_or_attribute`` assignments, read once per file."""
    found = file.options.get("_class_attributes")
    if found is None:
        found = file.options["_class_attributes"] = {
            cls.name: {target.id: item.value for item in cls.body
                       if isinstance(item, ast.Assign) and isinstance(item.value, ast.Call | ast.Attribute)
                       for target in item.targets if isinstance(target, ast.Name)}
            for cls in file.tree.body if isinstance(cls, ast.ClassDef)}
    return found


class Env(dict):
    """Variable types, with a version number that changes on every write."""

    version = 0

    def _bump(self) -> None:
        self.version += 1

    def __setitem__(self, key, value):
        self._bump()
        super().__setitem__(key, value)

    def __delitem__(self, key):
        self._bump()
        super().__delitem__(key)

    def pop(self, *args):
        self._bump()
        return super().pop(*args)

    def clear(self):
        self._bump()
        super().clear()

    def update(self, *args, **kwargs):
        self._bump()
        super().update(*args, **kwargs)


class Typer:
    def __init__(self, file: FileContext, env: dict[str, T], class_name: str | None = None,
                 none_defaults: frozenset[str] = frozenset(), local_names: frozenset[str] = frozenset()):
        self.file = file
        self.env = env if isinstance(env, Env) else Env(env)
        self.class_name = class_name  # the class whose method is being analysed
        self.none_defaults = none_defaults  # parameters that default to None (`qs=None`)
        # The function's parameters and assigned names: they hide module-level functions.
        self.local_names = local_names
        # Every rule asks for the types of the same nodes: remember them while the environment
        # is unchanged.
        self._memo: dict[ast.AST, T | None] = {}
        self._memo_version = -1
        self._depth = 0  # typings in progress, one inside the other

    def module_scope(self) -> Typer:
        """A typer of the same file that knows no local variable: for expressions read outside
        the function being analysed (an enclosing function's or a class's assignments)."""
        return Typer(self.file, {})

    # -- entry point -------------------------------------------------------------------------
    def type_of(self, node: ast.AST | None) -> T | None:
        if node is None:
            return None
        memo = self._memo
        if self._memo_version != self.env.version:
            memo.clear()
            self._memo_version = self.env.version
        value = memo.get(node, _UNTYPED)
        if value is not _UNTYPED:
            return value
        method = _TYPERS.get(type(node))
        if method is None or self._depth >= MAX_TYPING_DEPTH:  # past the bound: unknown, so no rule fires
            return None
        self._depth += 1
        try:
            value = method(self, node)
        finally:
            self._depth -= 1
        if self._memo_version == self.env.version:  # typing a call may walk a helper and bind nothing here
            memo[node] = value
        return value

    # -- names and attributes ----------------------------------------------------------------
    def _Name(self, node: ast.Name) -> T | None:
        if node.id in self.env:
            return self.env[node.id]
        model = self.model_class(node)
        if model is not None:
            return model
        value = self.file.module_values.get(node.id)
        # module-level client: s3 = boto3.client("s3"), store = caches["default"]
        if isinstance(value, ast.Call) or isinstance(value, ast.Subscript) and blocking.item_class(self.file.qualified(value.value) or ""):
            module_type = Typer(self.file, {}).type_of(value)
            if module_type is not None and module_type.kind == ty.OBJECT:
                return module_type
        return None

    def model_class(self, node: ast.expr) -> T | None:
        """A name that refers to a model class, by the project's model index or by its import."""
        if not isinstance(node, ast.Name):
            return None
        known = self.file.model_classes
        if node.id not in known:  # the answer depends on the file only
            known[node.id] = self._model_class(node.id)
        return known[node.id]

    def _model_class(self, name: str) -> T | None:
        qualified = self.file.imports.get(name, "")
        if qualified == "django.contrib.auth.models.User":
            return T(ty.MODEL, USER_MODEL)
        key = self.file.models.resolve(name, qualified or f"{self.file.module_name or ''}.{name}")
        if key is not None and (key != USER_MODEL or name != "User"):  # a custom user class (`Account`) is the user model
            return T(ty.MODEL, key)
        if name == "User" and (qualified.endswith(".User") or name in self.file.models.models):
            return T(ty.MODEL, USER_MODEL)
        value = self.file.module_values.get(name)
        if isinstance(value, ast.Call) and self._call_qualified(value).endswith("get_user_model"):
            return T(ty.MODEL, USER_MODEL)
        if ".models." in qualified and name[:1].isupper():  # from shop.models import Order
            return T(ty.MODEL, name)
        return None

    def _Attribute(self, node: ast.Attribute) -> T | None:
        base = self.type_of(node.value)
        if base is not None and base.kind == ty.OBJECT:  # Path(x).parent, openai_client.chat
            known = dict(base.items).get(node.attr)  # OrderSerializer(order).order
            if known is not None:
                return known.with_(origin=self.file.source_of(node))
            cls = blocking.attribute_class(base.cls, node.attr)
            return T(ty.OBJECT, cls=cls, origin=self.file.source_of(node)) if cls else None
        if base is None:
            if isinstance(node.value, ast.Name) and node.value.id == "self" and node.attr == "request":
                return self.env.get(SELF_REQUEST) or T(ty.REQUEST)
            if isinstance(node.value, ast.Name) and node.value.id == "self" and node.attr == "async_client":
                return T(ty.OBJECT, cls="django.test.AsyncClient", origin="self.async_client")
            if node.attr == "objects" and isinstance(node.value, ast.Name) and node.value.id[:1].isupper():
                # Model.objects on a model the index does not know (views checked without their models)
                if node.value.id not in self.env and not self.file.imports.get(node.value.id, "").startswith(("django.", "rest_framework")) or self.file.imports.get(node.value.id, "").endswith(".User"):
                    return T(ty.MANAGER, node.value.id, origin=f"{node.value.id}.objects")
            if node.attr == "model" and isinstance(node.value, ast.Name) and node.value.id == "self":
                return T(ty.MODEL, None)
            if isinstance(node.value, ast.Name) and node.value.id == "self":
                return self._class_queryset(node.attr)
            return None
        attr = node.attr
        if base.kind == ty.MODEL:
            info = self.file.models.get(base.model)
            managers = info.managers if info else {"objects"}
            if attr in managers or attr in ("objects", "_default_manager", "_base_manager"):
                return T(ty.MANAGER, base.model, origin=f"{base.model or 'Model'}.{attr}")
            return None
        if base.kind == ty.INSTANCE:
            relation = self.relation(base.model, attr)
            if relation is None:
                return None
            # Objects fetched through a reverse relation have their key back to `base` cached.
            back = frozenset({relation.field}) if relation.kind in ("reverse_fk", "reverse_o2o") and relation.field else frozenset()
            if relation.kind in ("fk", "o2o", "reverse_o2o"):
                loaded = ty.instance_loaded(base.loaded, attr) | back
                if "*" in base.loaded and relation.kind != "reverse_o2o" and not relation.null:
                    loaded |= {"*"}  # select_related() follows non-null foreign keys all the way down
                return T(ty.INSTANCE, relation.target, loaded=loaded, origin=self.file.source_of(node))
            prefetched = attr in base.loaded or ty.UNKNOWN_LOADS in base.loaded
            return T(ty.RELATED_MANAGER, relation.target, loaded=(ty.instance_loaded(base.loaded, attr) if prefetched else frozenset()) | back,
                     origin=self.file.source_of(node), extra={"prefetched": prefetched})
        if base.kind == ty.REQUEST:
            if attr == "user":
                loaded = dict(base.items).get("user")  # assigned, or loaded before the handler ran
                return loaded or T(ty.INSTANCE, USER_MODEL, origin="request.user", extra={"request_user": True})
            if attr == "session":
                return T(ty.SESSION, origin="request.session")
        return None

    def relation(self, model: str | None, attr: str) -> Relation | None:
        """The relation ``attr`` of ``model``, as the project's model index knows it: a name alone
        (`author`, `user`) is never taken for a relation, it may be a plain field."""
        return self.file.models.relation(model, attr)

    # -- annotations -------------------------------------------------------------------------
    def annotation(self, node: ast.expr | None) -> T | None:
        """The type an annotation promises: a model instance (``u: User``, ``-> "Order"``), a
        tuple of them (``-> tuple[Order, dict]``), a list or a QuerySet of one model. What such
        an instance has loaded is not known. ``Order | None`` and anything else: unknown."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return None
        if isinstance(node, ast.Name):
            model = self.model_class(node)
            if model is None or not model.model or model.model != USER_MODEL and self.file.imports.get(node.id, "").startswith("django."):
                return None  # `QuerySet`, `HttpRequest`: Django's own classes are not models
            return T(ty.INSTANCE, model.model, loaded=frozenset({ty.UNKNOWN_LOADS}))
        if not isinstance(node, ast.Subscript):
            return None
        container = node.value.attr if isinstance(node.value, ast.Attribute) else getattr(node.value, "id", "")
        parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if container in ("tuple", "Tuple"):
            if any(isinstance(part, ast.Constant) and part.value is Ellipsis for part in parts):
                return None
            items = tuple((str(index), value) for index, value in enumerate(map(self.annotation, parts)) if value is not None)
            return T(ty.LIST, items=items) if items else None
        inner = self.annotation(parts[0]) if len(parts) == 1 else None
        if inner is None or inner.kind != ty.INSTANCE:
            return None
        if container in ("list", "List", "Sequence"):
            return T(ty.LIST, elem=inner)
        if container == "QuerySet":
            return T(ty.QUERYSET, inner.model, loaded=inner.loaded)
        return None

    def annotated_parameters(self, function: ast.AsyncFunctionDef | ast.FunctionDef, is_method: bool) -> dict[str, T]:
        """Parameters annotated with a model type: ``async def notify(user: User)``."""
        args = function.args.posonlyargs + function.args.args + function.args.kwonlyargs
        if is_method and function.args.posonlyargs + function.args.args:
            args = args[1:]
        found = {}
        for arg in args:
            if arg.annotation is not None:
                value = self.annotation(arg.annotation)
                if value is not None:
                    found[arg.arg] = value
        return found

    # -- calls -------------------------------------------------------------------------------
    def _call_qualified(self, call: ast.Call) -> str:
        qualified = self.file.qualified(call.func) or ""
        project = self.file.project
        if project is not None and type(call.func) is ast.Name and qualified.partition(".")[0] in project.top_packages():
            return project.reexported(qualified)  # `from shop.compat import aget_object_or_404`
        return qualified

    def _Call(self, node: ast.Call) -> T | None:
        func = node.func
        if isinstance(func, ast.Attribute):
            receiver = self.type_of(func.value)
            if receiver is not None:
                result = self.method_result(receiver, func.attr, node)
                if result is not None:
                    return result
        attribute = constant_getattr(node, self.local_names)
        if attribute is not None:  # getattr(request, "user", None) reads request.user
            return self._Attribute(attribute)
        qualified = self._call_qualified(node)
        name = qualified.rsplit(".", 1)[-1]
        if isinstance(func, ast.Name):
            if func.id in self.env:
                known = self.env[func.id]
                return T(ty.COROUTINE, origin=self.file.source_of(node), extra={"local": func.id}) if known.kind == ty.COROUTINE_FUNCTION else None
            if func.id in self.local_names:
                return None
            model = self.model_class(func)
            if model is not None:  # Product(name=...) builds an instance whose given relations are set
                return T(ty.INSTANCE, model.model, loaded=frozenset(k.arg for k in node.keywords if k.arg), origin=self.file.source_of(node))
            if func.id in self.file.async_functions:
                if func.id in self.file.async_generators:
                    return T(ty.ASYNC_GEN, origin=self.file.source_of(node))
                return T(ty.COROUTINE, result=self._coroutine_result(node), origin=self.file.source_of(node), extra={"local": func.id})
            if func.id in _LIST_BUILDERS and node.args:
                inner = self.type_of(node.args[0])
                return T(ty.LIST, elem=inner.element() if inner else None)
        if isinstance(func, ast.Attribute) and func.attr in api.ASYNC_PAGINATOR_GENERATORS and self._is_async_paginator(func.value):
            return T(ty.ASYNC_GEN, origin=self.file.source_of(node))
        if isinstance(func, ast.Attribute) and self._is_coroutine_method(func, qualified):
            # not extra["django"]: that marks ORM coroutines (DJA406 counts them)
            return T(ty.COROUTINE, result=self._page_of(func, pages.ASYNC_PAGE, ("aget_page", "apage")), origin=self.file.source_of(node),
                     extra={"method": func.attr})
        if qualified.startswith("django.") and qualified in api.FUNCTION_ASYNC:
            return T(ty.COROUTINE, result=self._shortcut_result(node, name), origin=self.file.source_of(node), extra={"django": name})
        if name in ("get_object_or_404",) and qualified.startswith("django."):
            return self._shortcut_result(node, name)
        if name == "get_list_or_404" and qualified.startswith("django."):
            inner = self._shortcut_result(node, name)
            return T(ty.LIST, elem=inner)
        if qualified.endswith("Paginator") and "paginator" in qualified.lower() and not qualified.endswith("AsyncPaginator"):
            objects = self.type_of(node.args[0]) if node.args else None
            # over a list (built with `async for`) a Paginator makes no query
            if objects is None or not objects.is_lazy:
                return None
            return T(ty.PAGINATOR, items=((pages.OBJECT_LIST, objects),), origin=self.file.source_of(node))
        if qualified.startswith("django.") and qualified.endswith(".AsyncPaginator"):
            objects = self.type_of(node.args[0]) if node.args else None
            lazy = objects is not None and objects.is_lazy
            return T(ty.OBJECT, cls=qualified, items=((pages.OBJECT_LIST, objects),) if lazy else (), origin=self.file.source_of(node))
        if qualified.endswith("get_user_model"):
            return T(ty.MODEL, USER_MODEL)
        if isinstance(func, ast.Call):  # sync_to_async(f)(...), database_sync_to_async(f)(...)
            inner = self._call_qualified(func)
            if inner in _SYNC_TO_ASYNC or inner.endswith((".sync_to_async", ".database_sync_to_async")):
                result = None
                wrapped = func.args[0] if func.args else None  # sync_to_async(Order.objects.get)(pk=pk)
                if isinstance(wrapped, ast.Attribute) and wrapped.attr in ("get", "first", "last", "latest", "earliest", "create"):
                    source = self.type_of(wrapped.value)
                    if source is not None and source.is_lazy:
                        result = T(ty.INSTANCE, source.model, loaded=source.loaded, only=source.only, deferred=source.deferred)
                elif isinstance(wrapped, ast.Attribute) and wrapped.attr in _FILTERS:
                    # sync_to_async(Product.objects.filter)(...): the thread only builds the QuerySet
                    source = self.type_of(wrapped.value)
                    if source is not None and source.is_lazy:
                        result = T(ty.QUERYSET, source.model, loaded=source.loaded, only=source.only, deferred=source.deferred)
                elif isinstance(wrapped, ast.Name) and wrapped.id in _LIST_BUILDERS and node.args:
                    # sync_to_async(list)(qs): the rows, each loaded as the QuerySet loads it
                    inner = self.type_of(node.args[0])
                    result = T(ty.LIST, elem=inner.element()) if inner is not None and inner.is_lazy else None
                elif isinstance(wrapped, ast.Attribute):  # sync_to_async(paginator.get_page)(n): a Page of a lazy QuerySet
                    result = self._page_of(wrapped, pages.PAGE, ("get_page", "page"))
                return T(ty.COROUTINE, result=result, origin=self.file.source_of(node), extra={"sync_to_async": True})
        if qualified in _COROUTINE_FACTORIES:
            return T(ty.COROUTINE, origin=self.file.source_of(node), extra={"asyncio": name})
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
            narrowed = self.env.get(f"self.{func.attr}")
            if narrowed is not None and narrowed.kind == ty.COROUTINE_FUNCTION:
                return T(ty.COROUTINE, origin=self.file.source_of(node), extra={"local": f"self.{func.attr}"})
            if self.class_name and func.attr in self.file.async_methods.get(self.class_name, ()):
                if f"{self.class_name}.{func.attr}" in self.file.async_generators:
                    return T(ty.ASYNC_GEN, origin=self.file.source_of(node))
                return T(ty.COROUTINE, result=self._coroutine_result(node), origin=self.file.source_of(node), extra={"local": f"self.{func.attr}"})
        project_type = self._project_call(node)
        if project_type is not None:
            return project_type
        evidenced = self._evidenced_coroutine(node)
        if evidenced is not None:
            return evidenced
        if isinstance(func, ast.Name):
            form = self._model_form(func.id) or self._model_formset(func.id)
            if form is not None:  # an unbound form (no data: `PostForm(instance=post)`) validates nothing
                return form if _binds_data(node) else form.with_(extra={**form.extra, "queries_on_validation": False})
        project_object = self._project_object(node)
        if project_object is not None:
            return project_object
        if isinstance(func, ast.Name) and qualified == "open":  # the builtin: a file object (DJA303)
            return T(ty.OBJECT, cls="builtins.open", origin=self.file.source_of(node))
        if qualified and "." in qualified:
            return T(ty.OBJECT, cls=qualified, origin=self.file.source_of(node))
        return None

    def _is_coroutine_method(self, func: ast.Attribute, qualified: str) -> bool:
        """Coroutine methods of objects the analysis knows: the cache's ``a*`` methods, a Django
        task's ``aenqueue``, a signal's ``asend``, an async HTTP client's requests."""
        name = func.attr
        if name in api.CACHE_ASYNC and qualified.startswith(("django.core.cache.cache.", "django.core.cache.caches.")):
            return True
        if name in api.TASK_ASYNC and isinstance(func.value, ast.Name) and func.value.id in self.file.task_functions:
            return True
        if name in api.SIGNAL_ASYNC:
            return True  # `asend`/`asend_robust`: Django signals' own names
        receiver = self.type_of(func.value)
        if receiver is None or receiver.kind != ty.OBJECT:
            return False
        if name in api.ASYNC_PAGINATOR_METHODS and receiver.cls.endswith("AsyncPaginator"):
            return name not in api.ASYNC_PAGINATOR_GENERATORS
        if receiver.cls in _TEST_ASYNC_CLIENTS:
            return name in _TEST_ASYNC_CLIENT_METHODS
        return name in _ASYNC_CLIENT_METHODS and receiver.cls in _ASYNC_HTTP_CLIENTS

    def _consumer_scope(self, node: ast.expr) -> bool:
        """``self.scope`` in a method of a Channels consumer (a class of this file built on
        ``channels.generic`` / ``channels.consumer``), where ``scope["session"]`` is the session
        Channels' ``SessionMiddleware`` loads lazily and ``scope["user"]`` the user its
        ``AuthMiddleware`` has already loaded (with ``await get_user(scope)``)."""
        if not (isinstance(node, ast.Attribute) and node.attr == "scope" and isinstance(node.value, ast.Name)
                and node.value.id == "self" and self.class_name):
            return False
        classes = {n.name: n for n in self.file.tree.body if isinstance(n, ast.ClassDef)}
        todo, seen = [self.class_name], set()
        while todo:
            cls = classes.get(todo.pop())
            if cls is None or cls.name in seen:
                continue
            seen.add(cls.name)
            for base in cls.bases:
                if (self.file.qualified(base) or "").startswith(("channels.generic.", "channels.consumer.")):
                    return True
                if isinstance(base, ast.Name):
                    todo.append(base.id)
        return False

    def _class_queryset(self, name: str) -> T | None:
        """``self.queryset`` where the class body says ``queryset = Product.objects.active()``: that
        lazy QuerySet (or manager), shared by every instance of the class."""
        if not self.class_name:
            return None
        value = _class_attributes(self.file).get(self.class_name, {}).get(name)
        found = self.type_of(value) if value is not None else None
        return found if found is not None and found.kind in (ty.QUERYSET, ty.MANAGER) else None

    def _page_of(self, method: ast.Attribute, cls: str, names: tuple[str, ...]) -> T | None:
        """The page ``paginator.get_page`` / ``paginator.aget_page`` gives, for a paginator of a
        lazy QuerySet."""
        if method.attr not in names:
            return None
        paginator = self.type_of(method.value)
        if paginator is None or not (paginator.kind == ty.PAGINATOR if cls == pages.PAGE else self._is_async_paginator(method.value)):
            return None
        return pages.page(cls, dict(paginator.items).get(pages.OBJECT_LIST), self.file.source_of(method.value))

    def _is_async_paginator(self, node: ast.expr) -> bool:
        receiver = self.type_of(node)
        return receiver is not None and receiver.kind == ty.OBJECT and receiver.cls.endswith("AsyncPaginator")

    def _model_form(self, name: str) -> T | None:
        """``PostForm(request.POST)`` for a project ModelForm: its Meta.model, and whether
        validating it looks related objects up (ModelChoiceFields for the model's relations)."""
        project = self.file.project
        if project is None or self.file.module_name is None:
            return None
        found = project.resolve_name(self.file, name)
        if found is None or found[1] not in found[0].classes:
            return None
        module, cls = found[0], found[0].classes[found[1]]
        bases = {b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "") for b in cls.bases}
        if "Form" in bases and _declares_model_choice(cls):  # forms.Form with a ModelChoiceField: validation queries
            return T(ty.FORM, None, origin=name, extra={"queries_on_validation": True, "plain_form": True})
        if not any(base.endswith("ModelForm") for base in bases):
            return None
        meta = next((item for item in cls.body if isinstance(item, ast.ClassDef) and item.name == "Meta"), None)
        options = {t.id: item.value for item in (meta.body if meta else []) if isinstance(item, ast.Assign)
                   for t in item.targets if isinstance(t, ast.Name)}
        model = options.get("model")
        if not isinstance(model, ast.Name):
            return None
        key = module.file.models.resolve(model.id, module.file.imports.get(model.id, f"{module.name}.{model.id}"))
        info = module.file.models.get(key)
        if info is None:
            return T(ty.FORM, key, origin=name, extra={"queries_on_validation": False})
        listed = options.get("fields")
        if isinstance(listed, (ast.List, ast.Tuple)):
            fields = {e.value for e in listed.elts if isinstance(e, ast.Constant)}
        else:  # "__all__", or `exclude`
            excluded = options.get("exclude")
            fields = (set(info.relations) | info.fields) - ({e.value for e in excluded.elts if isinstance(e, ast.Constant)}
                                                            if isinstance(excluded, (ast.List, ast.Tuple)) else set())
        # Validation queries for model-choice fields and unique checks.
        looked_up = {n for n, r in info.relations.items() if r.kind in ("fk", "o2o", "m2m") and r.editable} | info.unique
        checked = any(group <= fields for group in info.checked_together)  # unique_together, constraints
        return T(ty.FORM, key, origin=name, extra={"queries_on_validation": bool(fields & looked_up) or checked})

    def _model_formset(self, name: str) -> T | None:
        """``ItemFormSet(request.POST, instance=order)`` for a project formset built at module level by
        ``modelformset_factory`` / ``inlineformset_factory``: its ``save()`` writes the rows."""
        project = self.file.project
        if project is None:
            return None
        file, attr = self.file, name
        qualified = self.file.imports.get(name)
        if qualified and "." in qualified:
            module = project.module(qualified.rpartition(".")[0])
            if module is None:
                return None
            file, attr = module.file, qualified.rpartition(".")[2]
        if attr in _model_formsets(file):
            return T(ty.FORM, None, origin=name, extra={"queries_on_validation": False, "formset": True})
        return None

    def _project_call(self, node: ast.Call) -> T | None:
        """A call of another project function: a coroutine, or a helper that returns a QuerySet."""
        project = self.file.project
        if project is None or self.file.module_name is None:
            return None
        receiver = self.type_of(node.func.value) if isinstance(node.func, ast.Attribute) else None
        if receiver is not None and receiver.kind != ty.INSTANCE:
            return None  # a method of a manager, a request, a client...: not the project's function
        found = project.call_summary(self.file, node, self.class_name, receiver, argument_types(node, self.type_of))
        if found is None:
            return None
        (module, qualname, function), summary = found
        if summary.is_async_generator:
            return T(ty.ASYNC_GEN, origin=self.file.source_of(node))
        if summary.is_coroutine:
            return T(ty.COROUTINE, result=project.coroutine_result(module, qualname, function), origin=self.file.source_of(node), extra={"local": qualname})
        if summary.returns_queryset is not None:
            return summary.returns_queryset.with_(origin=self.file.source_of(node))
        if summary.returns_client is not None:
            return summary.returns_client.with_(origin=self.file.source_of(node))
        return None

    def _evidenced_coroutine(self, node: ast.Call) -> T | None:
        """A call of a project function that the analysis cannot see is a coroutine function
        (a decorator or factory made it, it is a module-level object's method) but that the
        project awaits, or hands to ``async_to_sync``, elsewhere (verify.analysis.evidence)."""
        project = self.file.project
        if project is None or self.file.module_name is None or not isinstance(node.func, (ast.Name, ast.Attribute)):
            return None
        found = evidence.callee(project, self.file, node.func, self.class_name, self.local_names)
        if found is None or not found.hidden_coroutine:
            return None
        place = project.evidence.coroutine(found)
        if place is None:
            return None
        return T(ty.COROUTINE, origin=self.file.source_of(node), extra={"local": found.key, "evidence": place.describe()})

    def _coroutine_result(self, node: ast.Call) -> T | None:
        """What awaiting a call of a coroutine function of this module (or ``self.method()``) gives."""
        project = self.file.project
        if project is None or self.file.module_name is None:
            return None
        target = project.resolve_call(self.file, node, self.class_name)
        return project.coroutine_result(*target) if target is not None and target[2] is not None else None

    def _project_object(self, node: ast.Call) -> T | None:
        """``OrderSerializer(order)`` of a project class: an object whose attributes set from the
        arguments keep their types, so that its methods and properties see the caller's instance."""
        project = self.file.project
        if project is None or self.file.module_name is None or not isinstance(node.func, ast.Name) or node.func.id in self.env:
            return None
        found = project.resolve_name(self.file, node.func.id)
        if found is None or found[1] not in found[0].classes:
            return None
        module, class_name = found
        arguments = argument_types(node, self.type_of)
        # The argument types stay with the object: a DRF serializer keeps its instance in a base class (verify.analysis.drf_checks).
        many = any(k.arg == "many" and isinstance(k.value, ast.Constant) and k.value.value is True for k in node.keywords)
        return T(ty.OBJECT, cls=f"{module.name}.{class_name}", items=project.instance_attributes(module, class_name, arguments),
                 origin=self.file.source_of(node), extra={"arguments": arguments, "many": many})

    def _shortcut_result(self, node: ast.Call, name: str) -> T | None:
        if name not in ("aget_object_or_404", "get_object_or_404", "aget_list_or_404", "get_list_or_404") or not node.args:
            return None
        source = self.type_of(node.args[0])
        if source is None:
            return None
        if source.kind == ty.MODEL:
            return T(ty.INSTANCE, source.model)
        if source.is_lazy:
            element = source.element()
            return element.with_(origin=self.file.source_of(node)) if element else None
        return None

    def _prefetch_objects(self, node: ast.Call) -> frozenset[str]:
        """Paths loaded by ``Prefetch("comments", queryset=Comment.objects.select_related("author"))``:
        the lookup, and the lookups of its queryset below it."""
        paths: set[str] = set()
        for arg in node.args:
            if not (isinstance(arg, ast.Call) and (self.file.qualified(arg.func) or "").endswith("Prefetch")):
                continue
            lookup = arg.args[0] if arg.args else next((k.value for k in arg.keywords if k.arg == "lookup"), None)
            if not (isinstance(lookup, ast.Constant) and isinstance(lookup.value, str)):
                continue
            if any(k.arg == "to_attr" for k in arg.keywords):
                continue  # the objects land in a list attribute, not in the relation's cache
            paths |= _with_prefixes(frozenset({lookup.value}))
            queryset = arg.args[1] if len(arg.args) > 1 else next((k.value for k in arg.keywords if k.arg == "queryset"), None)
            inner = self.type_of(queryset) if queryset is not None else None
            if inner is not None and inner.is_lazy:
                paths |= {f"{lookup.value}__{path}" for path in inner.loaded if path != "*"}
        return frozenset(paths)

    def method_result(self, receiver: T, method: str, node: ast.Call) -> T | None:
        kind = receiver.kind
        origin = self.file.source_of(node)
        if kind in (ty.MANAGER, ty.QUERYSET, ty.RELATED_MANAGER):
            if method in api.QUERYSET_CHAIN_METHODS:
                loaded = receiver.loaded
                only = receiver.only
                deferred = receiver.deferred
                if method in ("select_related", "prefetch_related"):
                    loaded = loaded | _with_prefixes(_string_args(node)) | self._prefetch_objects(node)
                    if method == "select_related" and not node.args:
                        loaded = loaded | {"*"}  # every non-null foreign key (DJA106 checks null=True)
                elif method == "only":
                    only = _string_args(node) | {"pk", "id"}
                elif method == "defer":
                    deferred = deferred | _string_args(node)
                elif method in ("values", "values_list"):
                    return T(ty.QUERYSET, receiver.model, origin=origin, extra={"values": True})
                # user.orders.all() after prefetch_related("orders") reads the prefetch cache: no query
                prefetched = method == "all" and receiver.extra.get("prefetched", False)
                extra = {"prefetched": prefetched}
                if method == "select_for_update" or receiver.extra.get("for_update"):
                    extra["for_update"] = True  # locks rows: needs a transaction (DJA117)
                return T(ty.QUERYSET, receiver.model, loaded=loaded, only=only, deferred=deferred, origin=origin, extra=extra)
            if method in api.QUERYSET_ASYNC:
                if method in ("aget", "afirst", "alast", "alatest", "aearliest", "acreate"):
                    loaded = receiver.loaded | (frozenset(k.arg for k in node.keywords if k.arg) if method == "acreate" else frozenset())
                    result = T(ty.INSTANCE, receiver.model, loaded=loaded, only=receiver.only, deferred=receiver.deferred, origin=origin)
                elif method in ("aget_or_create", "aupdate_or_create"):
                    result = self._created_pair(receiver, method, node, origin)
                elif method == "ain_bulk":
                    result = self._in_bulk(receiver, origin)
                else:
                    result = None
                return T(ty.COROUTINE, result=result, origin=origin, extra={"django": method})
            if method in api.QUERYSET_ASYNC_GENERATORS:
                return T(ty.ASYNC_GEN, receiver.model, elem=receiver.element(), origin=origin)
            if kind == ty.RELATED_MANAGER and method in api.RELATED_MANAGER_ASYNC:
                return T(ty.COROUTINE, origin=origin, extra={"django": method})
            if method in ("get", "first", "last", "latest", "earliest", "create"):
                return T(ty.INSTANCE, receiver.model, loaded=receiver.loaded, only=receiver.only, deferred=receiver.deferred, origin=origin)
            if method in ("get_or_create", "update_or_create"):
                return self._created_pair(receiver, method, node, origin)
            if method == "in_bulk":
                return self._in_bulk(receiver, origin)
            if receiver.model == USER_MODEL and method in api.USER_MANAGER_ASYNC:
                return T(ty.COROUTINE, origin=origin, extra={"django": method})
            if method not in api.SYNC_QUERY_METHODS and not method.startswith("_") and self.file.models.custom_method_returns_queryset(receiver.model, method):
                return T(ty.QUERYSET, receiver.model, loaded=receiver.loaded, origin=origin)
            return None
        if kind == ty.DICT and receiver.elem is not None:  # in_bulk()'s {pk: instance}
            if method == "values":
                return T(ty.LIST, elem=receiver.elem, origin=origin)
            if method == "items":
                return T(ty.LIST, elem=T(ty.LIST, elem=receiver.elem, extra={"pair": 1}), origin=origin)
            if method == "get":
                return receiver.elem
            return None
        if kind == ty.FORM and method == "save":
            return T(ty.INSTANCE, receiver.model, origin=origin)  # saved, or built with commit=False
        if kind == ty.INSTANCE:
            if method in api.MODEL_ASYNC or (receiver.model == USER_MODEL and method in api.USER_ASYNC):
                return T(ty.COROUTINE, origin=origin, extra={"django": method})
            return None
        if kind == ty.REQUEST and method == "auser":
            return T(ty.COROUTINE, result=T(ty.INSTANCE, USER_MODEL, origin="await request.auser()"), origin=origin, extra={"django": "auser"})
        if kind == ty.SESSION and method in api.SESSION_ASYNC:
            return T(ty.COROUTINE, origin=origin, extra={"django": method})
        if kind == ty.MODEL:
            return None
        if kind == ty.OBJECT:  # conn.cursor(), s3.Bucket("x"), Path(x).with_suffix(".txt")
            cls = blocking.result_class(receiver.cls, method)
            return T(ty.OBJECT, cls=cls, origin=origin) if cls else None
        return None

    @staticmethod
    def _created_pair(receiver: T, method: str, node: ast.Call, origin: str) -> T:
        """``(obj, created)`` from ``get_or_create()`` / ``update_or_create()`` and their a-twins."""
        loaded = receiver.loaded | frozenset(k.arg for k in node.keywords if k.arg)
        return T(ty.LIST, elem=T(ty.INSTANCE, receiver.model, loaded=loaded, origin=origin), origin=origin,
                 extra={"pair": 0, "created_pair": method})

    @staticmethod
    def _in_bulk(receiver: T, origin: str) -> T | None:
        """``in_bulk()``: a dict from primary key to instance (of dicts, after ``values()``)."""
        if receiver.extra.get("values"):
            return None
        return T(ty.DICT, receiver.model, elem=receiver.element(), origin=origin)

    # -- other expressions -------------------------------------------------------------------
    def _Await(self, node: ast.Await) -> T | None:
        inner = self.type_of(node.value)
        if inner is not None and inner.kind == ty.COROUTINE:
            return inner.result
        return None

    def _Subscript(self, node: ast.Subscript) -> T | None:
        base = self.type_of(node.value)
        if base is None and isinstance(node.slice, ast.Constant) and node.slice.value in ("session", "user") and self._consumer_scope(node.value):
            if node.slice.value == "user":  # Channels' AuthMiddleware loaded it before the consumer ran; its relations are not
                return T(ty.INSTANCE, USER_MODEL, origin=self.file.source_of(node), extra={"scope_user": True})
            return T(ty.SESSION, origin=self.file.source_of(node))  # Channels' SessionMiddleware: a lazy SessionStore
        if base is None:
            item = blocking.item_class(self.file.qualified(node.value) or "")  # caches["default"]
            return T(ty.OBJECT, cls=item, origin=self.file.source_of(node)) if item else None
        if base.kind == ty.OBJECT:  # mongo_client["shop"]["orders"]
            item = blocking.attribute_class(base.cls, None)
            return T(ty.OBJECT, cls=item, origin=self.file.source_of(node)) if item else None
        if base.kind == ty.QUERYSET:
            if isinstance(node.slice, ast.Slice):
                return base.with_(origin=self.file.source_of(node))
            return base.element()
        if base.kind == ty.LIST and base.items and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int):
            return dict(base.items).get(str(node.slice.value))
        if base.kind == ty.LIST and base.elem is not None:
            return None if isinstance(node.slice, ast.Slice) else base.elem
        if base.kind == ty.DICT and base.elem is not None:  # in_bulk()[pk]
            return base.elem
        if base.kind == ty.DICT and isinstance(node.slice, ast.Constant):
            return dict(base.items).get(node.slice.value)
        return None

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp) -> T | None:
        generator = node.generators[0]
        iterated = self.type_of(generator.iter)
        if len(node.generators) == 1 and isinstance(node.elt, ast.Name) and isinstance(generator.target, ast.Name) and node.elt.id == generator.target.id and iterated:
            return T(ty.LIST, elem=iterated.element())
        return T(ty.LIST) if generator.is_async else None

    _ListComp = _SetComp = _comprehension

    def _List(self, node: ast.List | ast.Tuple) -> T | None:
        """A sequence literal, with the types of its elements by position (``return order, {...}``)."""
        items = []
        for index, element in enumerate(node.elts):
            if type(element) is ast.Starred:
                break
            value = self.type_of(element)
            if value is not None:
                items.append((str(index), value))
        return T(ty.LIST, items=tuple(items))

    _Tuple = _List

    def _Dict(self, node: ast.Dict) -> T:
        items = []
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                value_type = self.type_of(value)
                if value_type is not None:
                    items.append((key.value, value_type))
        return T(ty.DICT, items=tuple(items))

    def _IfExp(self, node: ast.IfExp) -> T | None:
        return ty.join(self.type_of(node.body), self.type_of(node.orelse))

    def _BinOp(self, node: ast.BinOp) -> T | None:
        """``Path(x) / "y"`` and ``settings.MEDIA_ROOT / "y"`` (only a Path divides by a str) are Paths."""
        if not isinstance(node.op, ast.Div):
            return None
        left = self.type_of(node.left)
        if left is not None and left.kind == ty.OBJECT and blocking.result_class(left.cls, "joinpath"):
            return T(ty.OBJECT, cls="pathlib.Path", origin=self.file.source_of(node))
        if left is None and (self.file.qualified(node.left) or "").startswith("django.conf.settings."):
            return T(ty.OBJECT, cls="pathlib.Path", origin=self.file.source_of(node))
        return None

    def _NamedExpr(self, node: ast.NamedExpr) -> T | None:
        return self.type_of(node.value)

    def _BoolOp(self, node: ast.BoolOp) -> T | None:
        """``qs or Product.objects.all()`` where ``qs`` is a parameter that defaults to None: the
        caller's QuerySet or the default one, both lazy."""
        *given, fallback = node.values
        if not isinstance(node.op, ast.Or) or not all(isinstance(v, ast.Name) and v.id in self.none_defaults and v.id not in self.env for v in given):
            return None
        value = self.type_of(fallback)
        return value if value is not None and value.is_lazy else None


# node type -> the Typer method for it (``_Call`` for ast.Call), looked up once.
_TYPERS = {getattr(ast, name[1:]): method for name, method in vars(Typer).items()
           if name[1:2].isupper() and isinstance(getattr(ast, name[1:], None), type)}


def _declares_model_choice(cls: ast.ClassDef) -> bool:
    """A form class declaring a ``ModelChoiceField`` / ``ModelMultipleChoiceField``: cleaning it
    looks the chosen objects up in the database."""
    for item in cls.body:
        if isinstance(item, ast.Assign) and isinstance(item.value, ast.Call):
            func = item.value.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("ModelChoiceField", "ModelMultipleChoiceField"):
                return True
    return False


def _binds_data(call: ast.Call) -> bool:
    """Whether a form is built with data (its first argument, or ``data=``/``files=``)."""
    return bool(call.args) or any(k.arg in ("data", "files") or k.arg is None for k in call.keywords)


def constant_getattr(call: ast.Call, local_names: frozenset[str] = frozenset()) -> ast.Attribute | None:
    """``getattr(obj, "name")`` or ``getattr(obj, "name", default)`` as the attribute read
    ``obj.name`` (placed where the call is), for the builtin ``getattr`` only."""
    func = call.func
    if not (type(func) is ast.Name and func.id == "getattr" and func.id not in local_names and len(call.args) in (2, 3)
            and not call.keywords and isinstance(call.args[1], ast.Constant) and isinstance(call.args[1].value, str)
            and call.args[1].value.isidentifier()):
        return None
    return ast.copy_location(ast.Attribute(value=call.args[0], attr=call.args[1].value, ctx=ast.Load()), call)


def argument_types(call: ast.Call, type_of: Callable[[ast.AST], T | None]) -> tuple[tuple, tuple]:
    """The (positional, keyword) argument types of a call, as helper summaries are keyed on them.
    List comprehensions, not generators: they run inline, without a frame of their own."""
    if not call.args and not call.keywords:
        return (), ()
    positional = tuple([type_of(arg) for arg in call.args if type(arg) is not ast.Starred])
    keywords = tuple([(k.arg, type_of(k.value)) for k in call.keywords if k.arg])
    return positional, keywords


def none_default_parameters(function: ast.AsyncFunctionDef | ast.FunctionDef) -> frozenset[str]:
    """Parameters written ``name=None``."""
    args = function.args
    positional = args.posonlyargs + args.args
    pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults)) + list(zip(args.kwonlyargs, args.kw_defaults))
    return frozenset(arg.arg for arg, default in pairs if isinstance(default, ast.Constant) and default.value is None)


def parameter_types(function: ast.AsyncFunctionDef | ast.FunctionDef, is_method: bool, by_name: bool = True) -> dict[str, T]:
    """Initial environment: the view's request parameter (annotated, or named ``request``
    unless ``by_name`` is False: a helper's ``request`` parameter may hold anything)."""
    env: dict[str, T] = {}
    args = function.args.posonlyargs + function.args.args
    if is_method and args:
        args = args[1:]
    for index, arg in enumerate(args):
        annotation = arg.annotation
        annotated = annotation is not None and (
            (isinstance(annotation, ast.Name) and annotation.id in _REQUEST_ANNOTATIONS)
            or (isinstance(annotation, ast.Attribute) and annotation.attr in _REQUEST_ANNOTATIONS)
        )
        if annotated or (by_name and arg.arg == "request" and index == 0):
            env[arg.arg] = T(ty.REQUEST)
        elif arg.arg == "async_client" and function.name.startswith("test"):  # pytest-django's fixture
            env[arg.arg] = T(ty.OBJECT, cls="django.test.AsyncClient", origin="async_client")
    return env


def with_loaded_user(request: T, user: T | None = None) -> T:
    """``request`` whose ``user`` is a loaded instance: ``request.user`` reads it, no query."""
    return request.with_(items=(("user", user or T(ty.INSTANCE, USER_MODEL, origin="request.user")),))
