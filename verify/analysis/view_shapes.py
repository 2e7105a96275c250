"""What a view looks like in the syntax tree: function views, class-based views and their HTTP
handlers, including the handlers a class inherits from Django's generic views or from base
classes defined in the same file.

Only what the file shows is trusted: handlers that may come from a base class the file does not
define (imported from elsewhere) are left out rather than guessed.
"""

from __future__ import annotations

import ast
import weakref
from dataclasses import dataclass

from verify.analysis.context import FileContext

HTTP_HANDLERS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")
_REQUEST_ANNOTATIONS = {"HttpRequest", "ASGIRequest", "WSGIRequest"}

# Sync handlers that Django's generic views define at class level (``head`` on a plain View is
# set per instance in ``setup()``, so Django's all-sync-or-all-async check does not see it).
# Read from django/views/generic/*.py and django/contrib/auth/views.py.
_GET = frozenset({"get"})
_FORM = frozenset({"get", "post", "put"})
DJANGO_VIEW_HANDLERS: dict[str, frozenset[str]] = {
    "View": frozenset(),
    "TemplateView": _GET,
    "RedirectView": frozenset({"get", "head", "post", "delete", "put", "patch"}),
    "DetailView": _GET, "BaseDetailView": _GET,
    "ListView": _GET, "BaseListView": _GET,
    "ArchiveIndexView": _GET, "YearArchiveView": _GET, "MonthArchiveView": _GET, "WeekArchiveView": _GET,
    "DayArchiveView": _GET, "TodayArchiveView": _GET, "DateDetailView": _GET, "BaseDateListView": _GET,
    "FormView": _FORM, "BaseFormView": _FORM, "ProcessFormView": _FORM,
    "CreateView": _FORM, "BaseCreateView": _FORM, "UpdateView": _FORM, "BaseUpdateView": _FORM,
    "DeleteView": frozenset({"get", "post", "delete"}), "BaseDeleteView": frozenset({"get", "post", "delete"}),
    "LoginView": _FORM, "PasswordResetView": _FORM, "PasswordResetConfirmView": _FORM, "PasswordChangeView": _FORM,
    "LogoutView": frozenset({"post"}),  # http_method_names = ["post", "options"]
    "PasswordResetDoneView": _GET, "PasswordResetCompleteView": _GET, "PasswordChangeDoneView": _GET,
}
_DJANGO_MIXINS = {"DeletionMixin": frozenset({"delete", "post"})}


def _first_param(function: ast.FunctionDef | ast.AsyncFunctionDef, is_method: bool) -> ast.arg | None:
    params = function.args.posonlyargs + function.args.args
    index = 1 if is_method else 0
    return params[index] if len(params) > index else None


def takes_request(function: ast.FunctionDef | ast.AsyncFunctionDef, is_method: bool = False) -> bool:
    """Its first parameter (after ``self``) is a request: named ``request`` or annotated as one."""
    param = _first_param(function, is_method)
    if param is None:
        return False
    if param.arg in ("request", "req"):
        return True
    annotation = param.annotation
    if isinstance(annotation, ast.Attribute):
        return annotation.attr in _REQUEST_ANNOTATIONS
    return isinstance(annotation, ast.Name) and annotation.id in _REQUEST_ANNOTATIONS


@dataclass
class Handler:
    name: str
    is_async: bool
    owner: str  # the class that defines it (a Django generic view's name when inherited from one)


class ClassViews:
    """Class-based views of one file, with their HTTP handlers resolved through known bases."""

    def __init__(self, file: FileContext):
        # The file keeps this object in its options: a plain reference back would be a cycle that
        # only the garbage collector frees, and the analysis runs with the collector off.
        self.file = weakref.proxy(file)
        self.classes = {node.name: node for node in file.tree.body if isinstance(node, ast.ClassDef)}

    def django_base(self, base: ast.expr) -> str | None:
        """The Django view or mixin a base names (``TemplateView``), or None."""
        qualified = self.file.qualified(base) or ""
        name = qualified.rsplit(".", 1)[-1]
        if qualified.startswith("django.") and (name in DJANGO_VIEW_HANDLERS or name in _DJANGO_MIXINS):
            return name
        return None

    def is_view(self, cls: ast.ClassDef, seen: frozenset[str] = frozenset()) -> bool:
        for base in cls.bases:
            if self.django_base(base):
                return True
            if isinstance(base, ast.Name) and base.id in self.classes and base.id not in seen:
                if self.is_view(self.classes[base.id], seen | {cls.name}):
                    return True
            qualified = self.file.qualified(base) or ""
            imported = not (isinstance(base, ast.Name) and base.id in self.classes)
            if imported and qualified.endswith("View") and not qualified.startswith(("django.", "rest_framework", "adrf", "ninja")):
                return True  # a project base view imported from another module
        return False

    def handlers(self, cls: ast.ClassDef) -> dict[str, Handler]:
        """HTTP handlers Django's ``view_is_async`` would see (``options`` left out, as Django does).

        Bases are visited left to right, depth first; once a base the file cannot see is met,
        handlers found later might be overridden by it, so they are not trusted.
        """
        found: dict[str, Handler] = {}
        allowed = self._method_names(cls)
        self._collect(cls, found, set(), [False])
        return {name: handler for name, handler in found.items() if name != "options" and (allowed is None or name in allowed)}

    def _collect(self, cls: ast.ClassDef, found: dict[str, Handler], seen: set[str], blocked: list[bool]) -> None:
        if cls.name in seen or blocked[0]:
            return
        seen.add(cls.name)
        defined: dict[str, bool] = {}
        for item in cls.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in HTTP_HANDLERS:
                defined[item.name] = isinstance(item, ast.AsyncFunctionDef)
                found.setdefault(item.name, Handler(item.name, defined[item.name], cls.name))
        for item in cls.body:  # aliases: head = get
            if isinstance(item, ast.Assign) and isinstance(item.value, ast.Name) and item.value.id in defined:
                for target in item.targets:
                    if isinstance(target, ast.Name) and target.id in HTTP_HANDLERS:
                        found.setdefault(target.id, Handler(target.id, defined[item.value.id], cls.name))
        for base in cls.bases:
            if blocked[0]:
                return
            django = self.django_base(base)
            if django:
                for name in DJANGO_VIEW_HANDLERS.get(django) or _DJANGO_MIXINS.get(django, frozenset()):
                    found.setdefault(name, Handler(name, False, django))
            elif isinstance(base, ast.Name) and base.id in self.classes:
                self._collect(self.classes[base.id], found, seen, blocked)
            elif not (self.file.qualified(base) or "").startswith(("django.", "builtins.")) and not _is_plain_object(base):
                blocked[0] = True

    def django_method_owner(self, cls: ast.ClassDef, method: str, owners: frozenset[str]) -> str | None:
        """Which of ``owners`` (Django classes that define ``method``, ``DetailView``) provides the
        ``method`` an instance of ``cls`` runs, when the file shows it: None when a class of the
        chain defines the method itself, or when a base the file cannot see comes first (it might).
        Other Django bases (``LoginRequiredMixin``) are passed over."""
        found = self._method_owner(cls, method, owners, set())
        return found if found not in (_OVERRIDDEN, _UNSEEN) else None

    def _method_owner(self, cls: ast.ClassDef, method: str, owners: frozenset[str], seen: set[str]) -> str | None:
        if cls.name in seen:
            return None
        seen.add(cls.name)
        if any(isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Assign)) and _defines(item, method) for item in cls.body):
            return _OVERRIDDEN
        for base in cls.bases:
            qualified = self.file.qualified(base) or ""
            if isinstance(base, ast.Name) and base.id in self.classes:
                found = self._method_owner(self.classes[base.id], method, owners, seen)
            elif qualified.startswith("django."):
                name = qualified.rsplit(".", 1)[-1]
                found = name if name in owners else None
            elif _is_plain_object(base):
                found = None
            else:
                found = _UNSEEN
            if found is not None:
                return found
        return None

    def _method_names(self, cls: ast.ClassDef, seen: frozenset[str] = frozenset()) -> set[str] | None:
        """A literal ``http_method_names`` of the class or a same-file base, else None (all)."""
        for item in cls.body:
            if isinstance(item, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "http_method_names" for t in item.targets):
                if isinstance(item.value, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) for e in item.value.elts):
                    return {e.value for e in item.value.elts}
                return None
        for base in cls.bases:
            if isinstance(base, ast.Name) and base.id in self.classes and base.id not in seen:
                names = self._method_names(self.classes[base.id], seen | {cls.name})
                if names is not None:
                    return names
            if self.django_base(base) == "LogoutView":
                return {"post", "options"}
        return None


def class_views(file: FileContext) -> ClassViews:
    """The file's :class:`ClassViews`, built once per file and shared by the rules."""
    views = file.options.get("_class_views")
    if views is None:
        views = file.options["_class_views"] = ClassViews(file)
    return views


_OVERRIDDEN, _UNSEEN = "<overridden>", "<unseen>"


def _defines(item: ast.stmt, name: str) -> bool:
    if isinstance(item, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == name for t in item.targets)
    return item.name == name


def _is_plain_object(base: ast.expr) -> bool:
    return isinstance(base, ast.Name) and base.id == "object"


def project_bases(cls: ast.ClassDef, file):
    """(file, class) for each base the project defines: in the same file, imported by name, or
    written ``module.Class`` (the project's own base views in other modules)."""
    local = {node.name: node for node in file.tree.body if isinstance(node, ast.ClassDef)}
    project = file.project
    for base in cls.bases:
        if isinstance(base, ast.Name) and base.id in local:
            yield file, local[base.id]
            continue
        if project is None or getattr(file, "module_name", None) is None:
            continue
        found = project.resolve_class(file, base)
        if found is not None:
            yield found[0].file, found[0].classes[found[1]]
