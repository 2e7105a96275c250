"""Per-function summaries linked across the project: what a sync helper does when it is called
directly from async code.

A summary is found by walking the helper's body as if it were async context with the DJA1xx,
DJA2xx and DJA3xx rules: what they would report there is what happens when async code calls the
helper without ``sync_to_async``. Calls to further project functions are followed (through
imports, ``self.method()`` and ``super().method()`` in the project's own classes) to a fixed
point. Third-party code is not followed. Recursion, unresolvable dispatch, star imports and a chain
deeper than ``MAX_HELPER_DEPTH`` helpers end a chain silently: no guess, no false positive.

Modules are parsed lazily, only when async code reaches them, and each summary is computed once.
"""

from __future__ import annotations

import ast
import builtins
import os
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from verify.analysis import types as ty
from verify.analysis.blocking import CLASSES
from verify.analysis.arguments import bind_arguments, decorator_names
from verify.analysis.ast_walk import is_generator
from verify.analysis.context import FileContext
from verify.analysis.evidence import ProjectEvidence
from verify.analysis.project_text import SUBCLASSED, ProjectText
from verify.analysis.finding import Finding
from verify.analysis.limits import MAX_HELPER_DEPTH, MAX_SUBCLASSES
from verify.analysis.models_index import ModelIndex
from verify.analysis.module_names import module_name_of, package_of
from verify.analysis.registry import Rule
from verify.pipeline import file_tree, reading
from verify.pipeline.file_tree import relative_files_under

# Codes whose findings in a helper body are real problems for an async caller. Coroutine misuse
# (DJA101, DJA104, DJA105) cannot happen in sync code. Lazy relations (DJA106) count for the
# instances the helper loads itself and for those its caller passes in, typed with what the
# caller's query loaded. `async_to_sync` (DJA404) in a helper raises on the caller's event loop.
_EFFECT_PREFIXES = ("DJA102", "DJA103", "DJA106", "DJA107", "DJA108", "DJA109", "DJA11", "DJA120", "DJA2", "DJA3", "DJA404")
# Bugs of sync code as much as async code: a helper that has one is not wrong *for its async caller*.
# A call that the project runs in a thread elsewhere (DJA317) counts where async code makes it: in
# a helper, the analysis follows the helper's chain itself.
_NOT_EFFECTS = {"DJA119", "DJA317"}
_SAFE_DECORATORS = {"staticmethod", "classmethod", "lru_cache", "cache", "wraps"}
_PROPERTY_DECORATORS = {"property", "cached_property"}
# The body runs once (per arguments, per instance) and its result is kept.
_ONCE_DECORATORS = {"cache", "lru_cache", "cached_property"}
MAX_MODULES = 96  # parsed modules kept between files (about 0.4 MB each)


@dataclass(frozen=True)
class Effect:
    finding: Finding
    chain: tuple[str, ...]  # call texts from the helper down to the effect


@dataclass
class Summary:
    effects: list[Effect] = field(default_factory=list)
    returns_queryset: ty.T | None = None
    returns_client: ty.T | None = None  # a client whose methods block (``def get_redis() -> Redis``)
    is_coroutine: bool = False  # calling it runs nothing of its body: a coroutine function (or an async generator's)
    is_async_generator: bool = False
    # It calls code the analysis does not see into (another library's function, a callback, a
    # method of an object of unknown class), directly or through the helpers it calls: what it
    # does is not all in ``effects``.
    opaque: bool = False
    deps: set[str] = field(default_factory=set)  # files whose content decided this summary


@dataclass
class Module:
    name: str
    path: str
    file: FileContext
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)


def _returned_client(file: FileContext, node: ast.FunctionDef, return_types: list) -> ty.T | None:
    """The blocking client every ``return`` of a helper gives (``return redis.Redis(...)``), else
    the one its return annotation names (``-> redis.Redis``)."""
    classes = {t.cls for t in return_types if t is not None and t.kind == ty.OBJECT}
    if return_types and len(classes) == 1 and all(t is not None for t in return_types):
        cls = classes.pop()
        return ty.T(ty.OBJECT, cls=cls) if cls in CLASSES else None
    annotation = node.returns
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        annotation = ast.Name(annotation.value)
    cls = file.qualified(annotation) if isinstance(annotation, (ast.Name, ast.Attribute)) else None
    return ty.T(ty.OBJECT, cls=cls) if cls in CLASSES else None


def _opaque(file: FileContext, call: ast.Call, receiver: ty.T | None, value: ty.T | None) -> bool:
    """A call of code the analysis does not see into: not a builtin, not a Django API it types
    (a QuerySet's method, a related manager's), not a method of a Django object it knows."""
    if isinstance(call.func, ast.Name) and call.func.id in _BUILTINS and file.qualified(call.func) == call.func.id:
        return False
    known = (value is not None and value.kind != ty.OBJECT) or (receiver is not None and receiver.kind != ty.OBJECT)
    return not known


_BUILTINS = frozenset(dir(builtins))


class Project:
    """The project's modules and function summaries, shared by every file of one run."""

    def __init__(self, root: Path | None, version, models: ModelIndex, rules: list[Rule]):
        self.root = root
        self.version = version
        self.models = models
        self.effect_rules = [r for r in rules if r.scope == "async" and r.code.startswith(_EFFECT_PREFIXES) and r.code not in _NOT_EFFECTS]
        self._module_paths: dict[str, Path] | None = None
        self._modules: OrderedDict[str, Module | None] = OrderedDict()  # least recently used first
        self._summaries: dict[tuple[str, str], Summary] = {}
        self._in_progress: set[tuple[str, str]] = set()
        self._results: dict[tuple[str, str], ty.T | None] = {}  # coroutine functions: the type after await
        # Summaries a chain cut at MAX_HELPER_DEPTH decided, kept only while the outermost one is
        # computed: called from elsewhere, the same helper may reach further.
        self._cut_short: dict[tuple[str, str], Summary] = {}
        # (module, class, method) -> (the subclasses that override it, the class names they were
        # found through, the files that decided it)
        self._overrides: dict[tuple[str, str, str], tuple] = {}
        self._cuts = 0
        # Files read while checking the current file: its cache entry is valid while they are unchanged.
        self.touched: set[str] = set()
        # Function names whose evidence the current file asked for (verify.analysis.evidence): its
        # cache entry is stale when a changed file awaits or wraps a function of one of these names.
        self.asked: set[str] = set()
        self._top_packages: set[str] | None = None
        self.text = ProjectText(self)
        self.evidence = ProjectEvidence(self)
        self._reexports: dict[str, tuple[str, tuple[str, ...]]] = {}

    # -- modules ---------------------------------------------------------------------------
    def _index_paths(self) -> dict[str, Path]:
        if self._module_paths is None:
            paths: dict[str, Path] = {}
            for relative in relative_files_under(self.root) if self.root else ():
                *folders, name = relative.split(os.sep)
                if not name.endswith(".py"):
                    continue
                path = self.root / relative
                package = package_of(str(path))
                stem = name[:-3]
                dotted = package if stem == "__init__" else (f"{package}.{stem}" if package else stem)
                paths.setdefault(dotted, path)
            self._module_paths = paths
        return self._module_paths

    def module_paths(self) -> dict[str, Path]:
        """Every module of the project: dotted name -> file."""
        return self._index_paths()

    def top_packages(self) -> set[str]:
        """The first names of the project's modules (``shop`` for ``shop.views``): an import
        from anything else is another library's."""
        if self._top_packages is None:
            self._top_packages = {dotted.partition(".")[0] for dotted in self._index_paths()}
            self._top_packages.update(dotted.partition(".")[0] for dotted, module in self.loaded_modules())
        return self._top_packages

    def reexported(self, qualified: str) -> str:
        """Where a name a project module only imports comes from: ``shop.compat.aget_object_or_404``
        -> ``django.shortcuts.aget_object_or_404`` for ``from django.shortcuts import ...`` in
        ``shop/compat.py``; ``qualified`` itself when the module defines the name, or is not the
        project's."""
        found = self._reexports.get(qualified)
        if found is None:
            found = self._reexports[qualified] = self._follow_imports(qualified)
        target, paths = found
        self.touched.update(paths)  # a result cached for another file still depends on them
        return target

    def _follow_imports(self, qualified: str) -> tuple[str, tuple[str, ...]]:
        paths: list[str] = []
        for _ in range(_MAX_REEXPORTS):
            module_name, _, attr = qualified.rpartition(".")
            module = self.module(module_name) if module_name else None
            if module is None or attr in module.functions or attr in module.classes:
                break
            paths.append(module.path)
            target = module.file.imports.get(attr)
            if not target or target == qualified:
                break
            qualified = target
        return qualified, tuple(paths)

    def loaded_module(self, dotted: str) -> Module | None:
        """The module if it is parsed already (nothing is read)."""
        return self._modules.get(dotted)

    def loaded_modules(self):
        """(dotted name, module) of the modules parsed so far (the file being checked among them)."""
        return [(dotted, module) for dotted, module in self._modules.items() if module is not None]

    def trim(self) -> None:
        """Between two files: keep the trees of the most recently used modules only, so that
        memory stays flat over a large code base. A module dropped here is parsed again if
        a later file reaches it; the summaries computed from it are kept."""
        while len(self._modules) > MAX_MODULES:
            self._modules.popitem(last=False)
        self.evidence.callees.clear()  # keyed by the nodes of the file just checked

    def module(self, dotted: str) -> Module | None:
        if dotted in self._modules:
            self._modules.move_to_end(dotted)
            module = self._modules[dotted]
            if module is not None:
                self.touched.add(module.path)
            return module
        self._modules[dotted] = None
        path = self._index_paths().get(dotted)
        if path is None:
            return None
        try:
            source = reading.read_python(path)
            tree = file_tree.parse(path, source)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            return None
        self.touched.add(str(path))
        return self.add_module(dotted, str(path), FileContext.build(str(path), source, tree, self.version, self.models))

    def add_module(self, dotted: str, path: str, file: FileContext) -> Module:
        module = Module(dotted, path, file)
        for node in file.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                module.functions[node.name] = node
            elif isinstance(node, ast.ClassDef):
                module.classes[node.name] = node
        for node in _conditional_definitions(file.tree.body):  # try: import ... except ImportError: def ...
            if isinstance(node, ast.ClassDef):
                module.classes.setdefault(node.name, node)
            else:
                module.functions.setdefault(node.name, node)
        self._modules[dotted] = module
        self._modules.move_to_end(dotted)  # (re)added: the most recently used
        file.project = self
        file.module_name = dotted
        return module

    def resolve_name(self, file: FileContext, name: str) -> tuple[Module, str] | None:
        """A module-level name of ``file`` to (module, function or class name) in the project."""
        here = self.module(file.module_name) if getattr(file, "module_name", None) else None
        if here is not None and (name in here.functions or name in here.classes):
            return here, name
        qualified = file.imports.get(name)
        if not qualified or "." not in qualified:
            return None
        module_name, _, attr = qualified.rpartition(".")
        module = self.module(module_name)
        if module is not None and (attr in module.functions or attr in module.classes):
            return module, attr
        return None

    def resolve_class(self, file: FileContext, expr: ast.expr) -> tuple[Module, str] | None:
        """(module, class name) of the project class a base or a call names: ``BaseView``, or
        written ``views.BaseView`` / ``shop.views.BaseView`` with the module imported."""
        if isinstance(expr, ast.Name):
            found = self.resolve_name(file, expr.id)
        elif isinstance(expr, ast.Attribute) and getattr(file, "module_name", None) is not None:
            module_name, _, name = (file.qualified(expr) or "").rpartition(".")
            module = self.module(module_name) if module_name else None
            found = (module, name) if module is not None else None
        else:
            return None
        return found if found is not None and found[1] in found[0].classes else None

    def resolve_method(self, module: Module, class_name: str, method: str, skip_own: bool = False, seen=None):
        """(module, "Class.method") through the project's class hierarchy, or None."""
        seen = seen or set()
        if (module.name, class_name) in seen:
            return None
        seen.add((module.name, class_name))
        cls = module.classes.get(class_name)
        if cls is None:
            return None
        if not skip_own:
            for item in cls.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == method:
                    return module, f"{class_name}.{method}", item
        for base in cls.bases:
            found = self.resolve_class(module.file, base)
            if found is not None:
                result = self.resolve_method(found[0], found[1], method, seen=seen)
                if result:
                    return result
        return None

    def overriding_subclasses(self, module: Module, class_name: str, method: str) -> tuple[tuple[Module, str], ...]:
        """The project's classes built on ``class_name`` of ``module`` (directly or through one
        another, bases written by name or ``module.Class``) that define ``method`` themselves.
        Found by class headers in the project's text, then checked in the modules that define
        ``method``; those modules, and the others that build on the class, become dependencies."""
        key = (module.name, class_name, method)
        known = self._overrides.get(key)
        if known is None:
            headers: dict[str, set[str]] = {}  # module -> its classes that may be built on the class
            todo, names = [class_name], {class_name}
            while todo and sum(map(len, headers.values())) < MAX_SUBCLASSES:
                for child, dotted in self.text.subclassing(todo.pop()):
                    headers.setdefault(dotted, set()).add(child)
                    if child not in names:
                        names.add(child)
                        todo.append(child)
            defines = f"def {method}("  # (as every formatter writes it)
            found = []
            for dotted, classes in headers.items():
                text = self.text.text_of(dotted)
                candidate = self.module(dotted) if text is not None and defines in text else None
                for name in sorted(classes) if candidate is not None else ():
                    cls = candidate.classes.get(name)
                    if (cls is not None and any(isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == method for item in cls.body)
                            and self._builds_on(candidate, name, (module.name, class_name))):
                        found.append((candidate, name))
            paths = self.module_paths()
            deps = tuple(str(paths[dotted]) for dotted in headers if dotted in paths)
            known = self._overrides[key] = (tuple(found), tuple(names), deps)
        self.asked.update(SUBCLASSED + name for name in known[1])  # a new subclass of one of them changes the answer
        self.touched.update(known[2])
        return known[0]

    def _builds_on(self, module: Module, class_name: str, ancestor: tuple[str, str], depth: int = 0) -> bool:
        cls = module.classes.get(class_name)
        if cls is None or depth > MAX_HELPER_DEPTH:
            return False
        for base in cls.bases:
            found = self.resolve_class(module.file, base)
            if found is not None and ((found[0].name, found[1]) == ancestor or self._builds_on(found[0], found[1], ancestor, depth + 1)):
                return True
        return False

    def instance_attributes(self, module: Module, class_name: str, arg_types: tuple) -> tuple[tuple[str, ty.T], ...]:
        """The attributes ``Class(...)`` sets from its arguments, with the types the call knows:
        ``self.order = order`` at the top level of ``__init__``."""
        found = self.resolve_method(module, class_name, "__init__")
        if found is None or not found[2].args.args:
            return ()
        init = found[2]
        bound = dict(bind_arguments(init, arg_types, None, True))
        own = init.args.args[0].arg
        attributes = {}
        for statement in init.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target, value = statement.targets[0], statement.value
                if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == own
                        and isinstance(value, ast.Name) and value.id in bound):
                    attributes[target.attr] = bound[value.id]
        return tuple(sorted(attributes.items()))

    def _object_method(self, receiver: ty.T, method: str):
        """(module, "Class.method", node) for an instance of a project class: ``Service(uid).award()``."""
        module_name, _, class_name = receiver.cls.rpartition(".")
        target = self.module(module_name) if module_name else None
        if target is None or class_name not in target.classes:
            return None
        return self.resolve_method(target, class_name, method)

    def property_summary(self, receiver: ty.T, attr: str) -> Summary | None:
        """What reading ``instance.attr`` runs when the model (or project class) defines it as a property."""
        target = self._model_method(receiver.model, attr) if receiver.kind == ty.INSTANCE else self._object_method(receiver, attr)
        if target is None or not (decorator_names(target[2]) & _PROPERTY_DECORATORS):
            return None
        module, qualname, node = target
        return self.summary(module, qualname, node, bind_arguments(node, ((), ()), receiver, True),
                            property_access=True)

    def init_summary(self, file: FileContext, call: ast.Call, arg_types: tuple) -> Summary | None:
        """What ``SomeClass(...)`` runs for a class of the project: its ``__init__`` (its own or
        a project base's), such as a form that loads its choices there."""
        if not isinstance(call.func, ast.Name) or getattr(file, "module_name", None) is None:
            return None
        found = self.resolve_name(file, call.func.id)
        if found is None or found[1] not in found[0].classes or self.models.resolve(found[1]) is not None:
            return None  # not a project class, or a model: Django's Model.__init__ runs no query
        target = self.resolve_method(found[0], found[1], "__init__")
        if target is None:
            return None
        module, qualname, node = target
        return self.summary(module, qualname, node, bind_arguments(node, arg_types, None, True))

    def conversion_summary(self, receiver: ty.T, method: str) -> Summary | None:
        """What ``str(instance)`` / ``f"{instance}"`` (``__str__``) or ``repr(instance)``
        (``__repr__``) runs when the project's model defines it."""
        if receiver.kind != ty.INSTANCE:
            return None
        target = self._model_method(receiver.model, method)
        if target is None:
            return None
        module, qualname, node = target
        return self.summary(module, qualname, node, bind_arguments(node, ((), ()), receiver, True))

    def _model_method(self, model: str | None, method: str):
        info = self.models.get(model)
        if info is None or info.path is None or info.class_name is None:
            return None
        module = self.module(module_name_of(info.path)) or self._module_at(info.path)
        if module is None:
            return None
        return self.resolve_method(module, info.class_name, method)

    def _module_at(self, path: str) -> Module | None:
        """A model file outside the dotted module map (its folder has no __init__.py)."""
        key = f"<file>{path}"
        if key not in self._modules:
            try:
                source = reading.read_python(path)
                tree = file_tree.parse(path, source)
            except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
                self._modules[key] = None
                return None
            self.add_module(key, path, FileContext.build(path, source, tree, self.version, self.models))
        module = self._modules[key]
        if module is not None:
            self.touched.add(module.path)
        return module

    # -- summaries -------------------------------------------------------------------------
    def function_node(self, module: Module, qualname: str):
        if "." in qualname:
            class_name, method = qualname.split(".", 1)
            found = self.resolve_method(module, class_name, method)
            return found[2] if found else None
        return module.functions.get(qualname)

    def summary(self, module: Module, qualname: str, node=None, args: frozenset = frozenset(), property_access: bool = False) -> Summary | None:
        """What calling ``qualname`` does; ``args`` are the (parameter, type) pairs the call site
        knows, so that a helper sees which relations its caller's instances have loaded."""
        key = (module.name, qualname, args)
        known = self._summaries.get(key) or self._cut_short.get(key)
        if known is not None:
            self.touched |= known.deps
            return known
        if key in self._in_progress:
            return None  # recursion: the chain ends here
        if len(self._in_progress) >= MAX_HELPER_DEPTH:
            self._cuts += 1
            return None  # a chain deeper than code is written by hand: it ends here
        node = node or self.function_node(module, qualname)
        if node is None:
            return None
        if isinstance(node, ast.AsyncFunctionDef) or decorator_names(node) & {"sync_to_async", "database_sync_to_async"}:
            summary = Summary(is_coroutine=True, is_async_generator=isinstance(node, ast.AsyncFunctionDef) and is_generator(node),
                              deps={module.path})
            self._summaries[key] = summary
            return summary
        if decorator_names(node) - _SAFE_DECORATORS - (_PROPERTY_DECORATORS if property_access else set()):
            return None  # an unknown decorator may change what calling it does
        if is_generator(node):
            return None  # calling a generator runs none of its body; whoever iterates it does
        self._in_progress.add(key)
        outer, self.touched = self.touched, {module.path}
        cuts = self._cuts
        try:
            summary = self._summarize(module, qualname, node, dict(args))
        finally:
            self._in_progress.discard(key)
            summary_deps, self.touched = self.touched, outer | self.touched
        summary.deps = summary_deps
        if decorator_names(node) & _ONCE_DECORATORS:  # blocks on the first call only, not on every request
            summary.effects = [effect for effect in summary.effects if not effect.finding.code.startswith("DJA3")]
        (self._cut_short if self._cuts != cuts else self._summaries)[key] = summary
        if not self._in_progress:
            self._cut_short.clear()
        return summary

    def _summarize(self, module: Module, qualname: str, node: ast.FunctionDef, env: dict) -> Summary:
        from verify.analysis.engine import summarize_sync_body

        class_name = qualname.split(".")[0] if "." in qualname and "<locals>" not in qualname else None
        findings, return_types, calls = summarize_sync_body(module.file, node, class_name, self.effect_rules, env)
        summary = Summary()
        summary.effects = [Effect(f, ()) for f in findings]
        lazy = [t for t in return_types if t is not None and t.is_lazy]
        if lazy and len(lazy) == len(return_types):
            summary.returns_queryset = lazy[0]
        summary.returns_client = _returned_client(module.file, node, return_types)
        for call, text, receiver, arg_types, value in calls:
            found = self.call_summary(module.file, call, class_name, receiver, arg_types)
            if found is None:
                summary.opaque = summary.opaque or _opaque(module.file, call, receiver, value)
                continue
            if found[1].is_coroutine:
                continue
            summary.opaque = summary.opaque or found[1].opaque
            summary.effects.extend(Effect(e.finding, (text, *e.chain)) for e in found[1].effects)
        return summary

    def coroutine_result(self, module: Module, qualname: str, node: ast.AsyncFunctionDef | ast.FunctionDef) -> ty.T | None:
        """The type ``await qualname(...)`` gives: what every ``return`` of its body agrees on
        (``return order, {...}`` keeps the instance with what its query loaded), else its
        return annotation (``-> tuple[Order, dict]``). Computed once per function."""
        key = (module.name, qualname)
        if key in self._results:
            return self._results[key]
        self._results[key] = None  # recursion: unknown
        from verify.analysis.engine import summarize_sync_body
        from verify.analysis.inference import Typer

        class_name = qualname.split(".")[0] if "." in qualname and "<locals>" not in qualname else None
        _, returns, _ = summarize_sync_body(module.file, node, class_name, [])
        result = returns[0] if returns and all(r is not None for r in returns) else None
        for value in returns[1:]:
            result = ty.join(result, value)
        if result is None and node.returns is not None:
            result = Typer(module.file, {}).annotation(node.returns)
        self._results[key] = result
        return result

    def call_summary(self, file: FileContext, call: ast.Call, class_name: str | None, receiver: ty.T | None,
                     arg_types: tuple) -> tuple[tuple, Summary] | None:
        """The project function a call reaches and its summary for the argument types at the call."""
        target = self.resolve_call(file, call, class_name, receiver)
        if target is None:
            return None
        module, qualname, node = target
        # The instance a method runs on: a model instance, or a project object with known attributes.
        self_type = receiver if receiver is not None and (receiver.kind == ty.INSTANCE or receiver.items) else None
        summary = self.summary(module, qualname, node, bind_arguments(node, arg_types, self_type, "." in qualname))
        return (target, summary) if summary is not None else None

    def resolve_call(self, file: FileContext, call: ast.Call, class_name: str | None, receiver: ty.T | None = None):
        """(module, qualname, node) of the project function a call reaches, or None: a function
        (by name or as ``module.function``), a method through ``self``/``super()``, or a method
        of one of the project's models called on an instance."""
        func = call.func
        module = self.module(file.module_name) if getattr(file, "module_name", None) else None
        if isinstance(func, ast.Name):
            found = self.resolve_name(file, func.id)
            if found is None or found[1] in found[0].classes:
                return None
            return found[0], found[1], found[0].functions[found[1]]
        if not isinstance(func, ast.Attribute):
            return None
        owner = func.value
        if receiver is not None and receiver.kind == ty.INSTANCE:
            return self._model_method(receiver.model, func.attr)
        if receiver is not None and receiver.kind == ty.OBJECT and "." in receiver.cls:
            return self._object_method(receiver, func.attr)  # ReputationService(uid).award(2)
        if isinstance(owner, ast.Name) and owner.id in file.imports and owner.id != "self":
            target = self.module(file.imports[owner.id])  # from shop import services; services.total()
            function = target.functions.get(func.attr) if target is not None else None
            return (target, func.attr, function) if function is not None else None
        if module is None or class_name is None:
            return None
        if isinstance(owner, ast.Name) and owner.id == "self":
            found = self.resolve_method(module, class_name, func.attr)
        elif isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "super":
            found = self.resolve_method(module, class_name, func.attr, skip_own=True)
        else:
            return None
        return found


_MAX_REEXPORTS = 4  # modules followed from a name to where it is defined


def _conditional_definitions(body: list[ast.stmt]):
    """Functions and classes a module defines under a module-level ``try``/``if`` (a fallback for
    an older Django or a missing package), not inside functions or classes."""
    for node in body:
        if isinstance(node, (ast.Try, ast.If)):
            blocks = [node.body, node.orelse, getattr(node, "finalbody", [])]
            blocks += [handler.body for handler in getattr(node, "handlers", [])]
            for block in blocks:
                for child in block:
                    if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                        yield child
                yield from _conditional_definitions(block)
