"""What a view does, read from its code: the I/O calls it makes and which depend on which.

Each call that does I/O becomes a :class:`Site` with a kind (``db``, ``http``, ``email``...). A
small data-flow pass records, for every site, the earlier sites whose results flow into its
arguments, so triage can tell calls that could overlap from calls that must wait for each other.
Calls into the project's own helper functions are followed (a few levels deep), so a view that
calls ``_get_json(client, url)`` is seen to make an HTTP call.

Which calls block comes from the verifier's table (:mod:`verify.analysis.blocking`, shared with the DJA3xx
rules); this module adds what only triage needs: ORM queries, async clients, sync-only and
CPU-bound libraries.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from verify.analysis import blocking
from verify.triage.discovery import Module, Project, View

# Signal names: triage reasons and the cheatsheet's ``when`` lists use exactly these.
SIGNALS = {
    "db-queries": "database queries",
    "external-http": "external HTTP calls",
    "cloud-storage": "S3 or other cloud storage calls",
    "file-io": "local file or storage I/O",
    "email": "sending email",
    "cache": "cache reads and writes",
    "sync-only-library": "a library with no async API",
    "admin": "a Django admin view",
    "cpu-heavy": "CPU-heavy work",
    "permission-checks": "permission checks and branching business logic",
    "class-based-view": "a class-based view",
    "already-async": "already async def",
}

# Site kinds whose waiting async can overlap or hand back to the event loop.
EXTERNAL_KINDS = ("http", "cloud-storage")
KIND_TO_SIGNAL = {
    "db": "db-queries",
    "http": "external-http",
    "cloud-storage": "cloud-storage",
    "file": "file-io",
    "email": "email",
    "cache": "cache",
    "sync-lib": "sync-only-library",
    "cpu": "cpu-heavy",
}

# Sync blocking calls come from the verifier's table (verify.analysis.blocking, the DJA3xx rules); a rule
# code maps to a triage kind here. Network calls are refined by module below.
BLOCKING_KINDS = {
    blocking.HTTP: "http",
    blocking.FILE: "file",
    blocking.NETWORK: "http",
    blocking.EMAIL: "email",
    blocking.CACHE: "cache",
    blocking.PASSWORD: "cpu",
}
CLIENT_KINDS = (("boto3.", "cloud-storage"), ("redis.", "cache"), ("django_redis.", "cache"))
NETWORK_KINDS = (("smtplib.", "email"), ("ftplib.", "sync-lib"))
# Calls the blocking table leaves out on purpose (they do not block) but triage still counts:
# async HTTP clients in views that are already async.
ASYNC_HTTP_CLIENTS = ("httpx.AsyncClient", "httpx2.AsyncClient", "aiohttp.ClientSession")
ASYNC_HTTP_METHODS = frozenset("get post put patch delete head options request stream send".split())
# Work that triage treats as a reason to stay sync, by module: libraries with no async API, and CPU-bound work.
SYNC_ONLY_MODULES = (
    "paramiko", "pysftp", "ftplib", "ldap", "ldap3", "smbclient", "pyodbc", "pymssql", "cx_Oracle",
    "MySQLdb", "psycopg2", "pika", "suds", "xmlrpc.client",
)  # fmt: skip
CPU_MODULES = (
    "PIL", "pandas", "numpy", "scipy", "reportlab", "weasyprint", "xhtml2pdf", "openpyxl", "xlsxwriter",
    "matplotlib", "sklearn", "cv2",
)  # fmt: skip
CPU_FUNCTIONS = frozenset(
    {"hashlib.pbkdf2_hmac", "hashlib.scrypt", "bcrypt.hashpw", "bcrypt.kdf", "zlib.compress", "gzip.compress", "bz2.compress", "lzma.compress"}
)  # fmt: skip


def _under(name: str, modules) -> bool:
    return any(name == module or name.startswith(module + ".") for module in modules)


def _class_key(receiver: str) -> str | None:
    """The blocking table's class key for a receiver written as ``requests.Session()``,
    ``boto3.resource().Bucket()``, ``django.core.cache.caches[]`` or ``django.core.cache.cache``."""
    if receiver in blocking.MODULE_OBJECTS:
        return blocking.MODULE_OBJECTS[receiver]
    if receiver.endswith("[]"):
        return blocking.item_class(receiver[:-2])
    if receiver.endswith("()"):
        built_by = receiver[:-2]
        if built_by in blocking.CLASSES:
            return built_by
        base, _, method = built_by.rpartition(".")
        base_key = _class_key(base) if base else None
        return blocking.result_class(base_key, method) if base_key else None
    return None


def _kind_of(code: str, key: str) -> str | None:
    if code == blocking.CLIENT:
        return next((kind for prefix, kind in CLIENT_KINDS if key.startswith(prefix)), "sync-lib")
    if code == blocking.NETWORK:
        return next((kind for prefix, kind in NETWORK_KINDS if key.startswith(prefix)), "http")
    return BLOCKING_KINDS.get(code)


def call_kind(name: str) -> str | None:
    """The triage kind of a call by its qualified name (``requests.Session().get``), or None."""
    if _under(name, SYNC_ONLY_MODULES):
        return "sync-lib"
    if _under(name, CPU_MODULES) or name in CPU_FUNCTIONS:
        return "cpu"
    if name in blocking.FUNCTIONS:
        return _kind_of(blocking.FUNCTIONS[name].code, name)
    parts = name.split(".")
    if len(parts) >= 3 and parts[0] == "stripe" and parts[-1] in blocking.STRIPE_ACTIONS:
        return "http"
    receiver, _, method = name.rpartition(".")
    if receiver[:-2] in ASYNC_HTTP_CLIENTS and receiver.endswith("()") and method in ASYNC_HTTP_METHODS:
        return "http"
    key = _class_key(receiver) if receiver else None
    spec = blocking.CLASSES.get(key) if key else None
    if spec and spec.blocks(method):
        return _kind_of(spec.code, key)
    return None


DB_SHORTCUTS = frozenset(
    f"django.shortcuts.{name}"
    for name in ("get_object_or_404", "get_list_or_404", "aget_object_or_404", "aget_list_or_404")
) | {"django.db.connection.cursor", "django.db.connections[].cursor"}
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
# Methods that hit the database when called on a model instance held in a local variable.
INSTANCE_DB_METHODS = frozenset({"save", "delete", "refresh_from_db", "asave", "adelete", "arefresh_from_db"})
# QuerySet methods that identify ``obj.relation.<method>()`` as a related-manager query.
RELATED_MANAGER_METHODS = frozenset(
    {
        "all", "filter", "exclude", "count", "exists", "first", "last", "aggregate", "annotate",
        "order_by", "select_related", "prefetch_related", "acount", "aexists", "afirst", "alast",
        "aaggregate", "acreate", "aget", "create", "add", "remove", "set", "clear",
    }
)  # fmt: skip
PERMISSION_DECORATORS = frozenset({"login_required", "permission_required", "user_passes_test"})
PERMISSION_MIXINS = frozenset({"LoginRequiredMixin", "PermissionRequiredMixin", "UserPassesTestMixin"})
PERMISSION_ATTRIBUTES = frozenset({"is_authenticated", "has_perm", "has_perms", "is_staff", "is_superuser"})
PERMISSION_FAILURES = frozenset({"PermissionDenied", "HttpResponseForbidden"})
CACHE_DECORATORS = frozenset({"cache_page"})
HELPER_DEPTH = 3
NO_DEPS: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Site:
    """One I/O call: ``deps`` are the ids of earlier sites whose results reach its arguments."""

    id: int
    kind: str
    label: str
    line: int
    deps: frozenset[int]
    in_loop: bool


@dataclass
class Signals:
    sites: list[Site] = field(default_factory=list)
    permission_checks: list[str] = field(default_factory=list)
    branches: int = 0
    cache_decorated: bool = False

    def of_kind(self, *kinds: str) -> list[Site]:
        return [site for site in self.sites if site.kind in kinds]

    def names(self) -> set[str]:
        names = {KIND_TO_SIGNAL[site.kind] for site in self.sites}
        if self.cache_decorated:
            names.add("cache")
        if self.permission_checks:
            names.add("permission-checks")
        return names


def waves(sites: list[Site]) -> int:
    """How many rounds the sites need if every site runs as soon as the sites it depends on are done.

    Only dependencies among ``sites`` count: an HTTP call that needs a database row still overlaps
    with other HTTP calls once that row is loaded. A call in a loop runs once per item, all in one
    round when gathered.
    """
    ids = {site.id for site in sites}
    depth: dict[int, int] = {}
    for site in sorted(sites, key=lambda s: s.id):
        depth[site.id] = 1 + max((depth[d] for d in site.deps & ids if d in depth), default=0)
    return max(depth.values(), default=0)


def qualified_name(node: ast.expr, module: Module, local_types: dict[str, str]) -> str | None:
    """``requests.get`` for ``get`` after ``from requests import get``; ``requests.Session().get`` for ``s.get``."""
    if isinstance(node, ast.Name):
        if node.id in local_types:
            return local_types[node.id]
        if node.id in module.imports:
            return module.imports[node.id]
        if node.id in module.functions:
            return f"{module.name}.{node.id}"
        return node.id if node.id in {"open", "input"} else None
    if isinstance(node, ast.Attribute):
        base = qualified_name(node.value, module, local_types)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, ast.Call):
        base = qualified_name(node.func, module, local_types)
        return f"{base}()" if base else None
    if isinstance(node, ast.Subscript):
        base = qualified_name(node.value, module, local_types)
        return f"{base}[]" if base else None
    return None


def _receiver_chain(call: ast.Call) -> list[ast.Call]:
    """``A.objects.filter(x).exclude(y)`` -> [exclude(...) call, filter(...) call]."""
    chain, node = [], call
    while isinstance(node, ast.Call):
        chain.append(node)
        node = node.func.value if isinstance(node.func, ast.Attribute) else None
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
    return chain


def _attribute_names(call: ast.Call) -> list[str]:
    names, node = [], call.func
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        else:
            node = node.func if isinstance(node, ast.Call) else node.value
    return names


def _local_root(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


class _Analysis:
    """The data-flow pass over one function body (and the helpers it calls)."""

    def __init__(self, module: Module, project: Project, depth: int, sites: list[Site], class_node: ast.ClassDef | None = None):
        self.module, self.project, self.depth, self.class_node = module, project, depth, class_node
        self.sites = sites  # shared with inlined helpers so ids stay unique
        self.derived: dict[str, frozenset[int]] = {}
        self.local_types: dict[str, str] = {}
        self.loops = 0

    # statements -------------------------------------------------------------------------------
    def body(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            self.statement(statement)

    def statement(self, node: ast.AST) -> None:
        if isinstance(node, ast.Assign):
            deps = self.expr(node.value)
            for target in node.targets:
                self.bind(target, deps, node.value)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            if node.value is not None:
                deps = self.expr(node.value) | (self.expr(node.target) if isinstance(node, ast.AugAssign) else NO_DEPS)
                self.bind(node.target, deps, node.value)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.bind(node.target, self.expr(node.iter), None)
            self.loops += 1
            self.body(node.body)
            self.loops -= 1
            self.body(node.orelse)
        elif isinstance(node, ast.While):
            self.expr(node.test)
            self.loops += 1
            self.body(node.body)
            self.loops -= 1
            self.body(node.orelse)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                deps = self.expr(item.context_expr)
                if item.optional_vars is not None:
                    self.bind(item.optional_vars, deps, item.context_expr)
            self.body(node.body)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.body(node.body)  # a closure inside the view runs as part of it
        elif isinstance(node, ast.ClassDef):
            return
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.expr(child)
                else:
                    self.statement(child)

    def bind(self, target: ast.expr, deps: frozenset[int], value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            self.derived[target.id] = deps
            kind = qualified_name(value.func, self.module, self.local_types) if isinstance(value, ast.Call) else None
            if kind:
                self.local_types[target.id] = f"{kind}()"
            else:
                self.local_types.pop(target.id, None)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind(element, deps, None)
        elif isinstance(target, ast.Starred):
            self.bind(target.value, deps, None)
        else:  # obj.attr = x / ctx["key"] = x: the object now carries x
            root = _local_root(target)
            if root:
                self.derived[root] = self.derived.get(root, NO_DEPS) | deps

    # expressions ------------------------------------------------------------------------------
    def expr(self, node: ast.AST) -> frozenset[int]:
        if isinstance(node, ast.Name):
            return self.derived.get(node.id, NO_DEPS)
        if isinstance(node, ast.NamedExpr):
            deps = self.expr(node.value)
            self.bind(node.target, deps, node.value)
            return deps
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            deps = NO_DEPS
            for generator in node.generators:
                deps |= self.expr(generator.iter)
                self.bind(generator.target, deps, None)
            self.loops += 1
            elements = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            for element in elements:
                deps |= self.expr(element)
            for generator in node.generators:
                for condition in generator.ifs:
                    deps |= self.expr(condition)
            self.loops -= 1
            return deps
        if isinstance(node, ast.Call):
            return self.call(node)
        deps = NO_DEPS
        for child in ast.iter_child_nodes(node):
            deps |= self.expr(child)
        return deps

    def call(self, node: ast.Call) -> frozenset[int]:
        match = self.classify(node)
        if match is None:
            helper = self.helper(node)
            deps = self.expr(node.func) | self._argument_deps([node])
            if helper is None:
                return deps
            return deps | self.inline(helper, deps, node.lineno)
        kind, label, chain = match
        deps = self._argument_deps(chain)
        root = _local_root(node)
        if root:
            deps |= self.derived.get(root, NO_DEPS)
        site = Site(len(self.sites), kind, label, node.lineno, deps, self.loops > 0)
        self.sites.append(site)
        return deps | {site.id}

    def _argument_deps(self, calls: list[ast.Call]) -> frozenset[int]:
        deps = NO_DEPS
        for call in calls:
            for argument in [*call.args, *(k.value for k in call.keywords)]:
                if argument not in calls:
                    deps |= self.expr(argument)
        return deps

    def classify(self, node: ast.Call) -> tuple[str, str, list[ast.Call]] | None:
        """(kind, label, the calls that make up this one I/O operation), or None."""
        name = qualified_name(node.func, self.module, self.local_types)
        if name:
            kind = call_kind(name)
            if kind:
                return kind, _short(name), [node]
            if name in DB_SHORTCUTS:
                # get_object_or_404(Order.objects.select_related(...)): the QuerySet argument is
                # part of this one query, not a query of its own.
                first = node.args[0] if node.args else None
                inner = _receiver_chain(first) if isinstance(first, ast.Call) and MANAGERS & set(_attribute_names(first)) else []
                return "db", _short(name), [node, *inner]
        chain = _receiver_chain(node)
        attributes = _attribute_names(node)
        if MANAGERS & set(attributes):
            root = _local_root(node) or "?"
            return "db", f"{root}.{'.'.join(reversed(attributes))}", chain
        method = attributes[0] if attributes else ""
        root = _local_root(node)
        # A method on a local variable (not an imported module or a module function): an instance.
        is_local = root is not None and root not in self.module.imports and root not in self.module.functions
        if is_local and method in blocking.ANY_RECEIVER_METHODS:
            receiver_method = blocking.ANY_RECEIVER_METHODS[method]
            return _kind_of(receiver_method.code, method), f"{root}.{method}()", [node]
        if is_local and method in INSTANCE_DB_METHODS:
            return "db", f"{root}.{method}()", [node]
        if is_local and method in RELATED_MANAGER_METHODS and len(attributes) >= 2 and root != "self":
            return "db", f"{root}.{'.'.join(reversed(attributes))}", chain
        return None

    # helpers ----------------------------------------------------------------------------------
    def helper(self, node: ast.Call) -> tuple[Module, ast.FunctionDef | ast.AsyncFunctionDef, ast.ClassDef | None] | None:
        """The project function or ``self.method`` this call runs, if we can find its code."""
        if self.depth >= HELPER_DEPTH:
            return None
        func = node.func
        if (
            self.class_node is not None
            and isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "self"
        ):
            for item in self.class_node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == func.attr:
                    return self.module, item, self.class_node
            return None
        name = qualified_name(func, self.module, {})
        if not name or "." not in name or "(" in name or "[" in name:
            return None
        module_name, _, function_name = name.rpartition(".")
        module = (
            self.module if module_name == self.module.name else self.project.module_named(module_name, self.module.root)
        )
        if module is None or function_name not in module.functions:
            return None
        return module, module.functions[function_name], None

    def inline(self, helper, call_deps: frozenset[int], line: int) -> frozenset[int]:
        """Analyse the helper and copy its sites here, each depending on the call's arguments."""
        module, function, class_node = helper
        inner = _Analysis(module, self.project, self.depth + 1, [], class_node)
        inner.seed_parameters(function)
        inner.body(function.body)
        renumbered: dict[int, int] = {}
        for site in inner.sites:
            new_id = len(self.sites)
            renumbered[site.id] = new_id
            deps = call_deps | {renumbered[d] for d in site.deps if d in renumbered}
            label = f"{function.name}() → {site.label}"
            self.sites.append(Site(new_id, site.kind, label, line, deps, self.loops > 0 or site.in_loop))
        return frozenset(renumbered.values())

    def seed_parameters(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Annotated parameters (``client: httpx2.Client``) tell us what their methods call."""
        for argument in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]:
            if argument.annotation is not None:
                name = qualified_name(argument.annotation, self.module, {})
                if name:
                    self.local_types[argument.arg] = f"{name}()"


def analyse(view: View, project: Project) -> Signals:
    """The signals of one view: its I/O sites, permission checks and branching."""
    analysis = _Analysis(view.module, project, 0, [], view.class_node)
    if isinstance(view.node, ast.ClassDef):  # a generic view: its overridden methods are the code that runs
        for item in view.node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                analysis.body(item.body)
    else:
        analysis.body(view.node.body)
    signals = Signals(sites=analysis.sites)
    decorators = [*view.node.decorator_list, *(view.class_node.decorator_list if view.class_node else [])]
    for decorator in decorators:
        name = _last_name(decorator)
        if name == "method_decorator" and isinstance(decorator, ast.Call) and decorator.args:
            name = _last_name(decorator.args[0])
        if name in PERMISSION_DECORATORS:
            signals.permission_checks.append(f"@{name}")
        if name in CACHE_DECORATORS:
            signals.cache_decorated = True
    if view.class_node:
        signals.permission_checks += [b for b in map(_last_name, view.class_node.bases) if b in PERMISSION_MIXINS]
    in_body: list[tuple[int, int, str]] = []
    for node in ast.walk(view.node):
        if isinstance(node, ast.Attribute) and node.attr in PERMISSION_ATTRIBUTES:
            in_body.append((node.lineno, node.col_offset, node.attr))
        elif isinstance(node, ast.Name) and node.id in PERMISSION_FAILURES:
            in_body.append((node.lineno, node.col_offset, node.id))
        elif isinstance(node, (ast.If, ast.IfExp, ast.Try, ast.Match, ast.ExceptHandler)):
            signals.branches += 1
    signals.permission_checks = list(dict.fromkeys(signals.permission_checks + [name for *_, name in sorted(in_body)]))
    return signals


def _last_name(node: ast.expr) -> str:
    while isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _short(name: str) -> str:
    for prefix in ("django.core.cache.", "django.core.mail.", "django.shortcuts.", "django.core.files.storage.", "django.db."):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name
