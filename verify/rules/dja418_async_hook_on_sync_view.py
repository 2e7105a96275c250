"""## What it does
Checks for `async def` overrides of the methods Django's generic views call from their sync
handlers: `get_queryset`, `get_object`, `get_context_data`, `form_valid`, `get_success_url` and
the other hooks of `ListView`, `DetailView`, `TemplateView`, `FormView`, `CreateView`,
`UpdateView`, `DeleteView` and `RedirectView`, on a class whose HTTP handlers are all the sync
ones Django provides (no `async def get`/`post` of its own that would await them). Also when the
async hook comes from a mixin of the project (in the same module or another one) listed before
the generic view: `class Dashboard(StatsMixin, TemplateView)`.

## Why is this bad?
The generic views' handlers are sync in every Django version up to 6.1: `get()` calls
`self.get_queryset()` or `self.get_context_data()` without `await`, gets a coroutine instead of a
QuerySet or a dict, and fails (`AttributeError`, `TypeError: 'coroutine' object is not
subscriptable`, or a template rendered from a coroutine), with "coroutine was never awaited".
Making one hook `async def` does not make the view async.

## Example
```python
from django.views.generic import ListView

from shop.models import Order


class OrderList(ListView):
    async def get_queryset(self):
        user = await self.request.auser()
        return Order.objects.filter(user=user)
```

## Use instead
```python
from django.views.generic import ListView

from shop.models import Order


class OrderList(ListView):
    def get_queryset(self):
        return Order.objects.filter(user=self.request.user)
```

## Fix safety
None: the change is not mechanical, a person writes it.
"""

import ast

from verify.analysis.registry import Rule
from verify.analysis.view_shapes import HTTP_HANDLERS, class_views, project_bases

rule = Rule("DJA418", "async-hook-on-sync-view", __doc__, min_version=(4, 1), scope="module")

# Methods the generic views and their mixins (django/views/generic/*.py) call from sync code.
_HOOKS = {
    "get_queryset", "get_object", "get_context_data", "get_context_object_name", "get_template_names",
    "get_form", "get_form_class", "get_form_kwargs", "get_initial", "get_prefix", "form_valid", "form_invalid",
    "get_success_url", "get_paginate_by", "paginate_queryset", "get_paginator", "get_ordering", "get_slug_field",
    "get_redirect_url", "get_allow_empty", "get_paginate_orphans", "render_to_response",
}


@rule.visits(ast.ClassDef)
def check(node: ast.ClassDef, ctx) -> None:
    hooks = [item for item in node.body if isinstance(item, ast.AsyncFunctionDef) and item.name in _HOOKS]
    if not hooks:
        _check_mixins(node, ctx)
        return
    views = class_views(ctx.file)
    handlers = views.handlers(node)
    # Only when the handlers are Django's own sync ones, all seen: an async handler of the
    # class may await the hook itself.
    if not handlers or any(h.is_async or h.owner not in _DJANGO_OWNERS for h in handlers.values()):
        return
    for hook in hooks:
        handler = sorted(handlers)[0]
        ctx.report(hook, f"`async def {hook.name}` on `{node.name}`: Django's sync `{handler}()` handler calls it without `await` "
                   "and gets a coroutine", f"make `{hook.name}` a plain `def` (run sync code in it), or write an `async def "
                   f"{handler}` that awaits it and does the rest itself")


_DJANGO_OWNERS = frozenset({
    "TemplateView", "RedirectView", "DetailView", "BaseDetailView", "ListView", "BaseListView", "ArchiveIndexView",
    "YearArchiveView", "MonthArchiveView", "WeekArchiveView", "DayArchiveView", "TodayArchiveView", "DateDetailView",
    "BaseDateListView", "FormView", "BaseFormView", "ProcessFormView", "CreateView", "BaseCreateView", "UpdateView",
    "BaseUpdateView", "DeleteView", "BaseDeleteView", "LoginView", "PasswordResetView", "PasswordResetConfirmView",
    "PasswordChangeView", "LogoutView", "PasswordResetDoneView", "PasswordResetCompleteView", "PasswordChangeDoneView",
    "DeletionMixin",
})


def _check_mixins(node: ast.ClassDef, ctx) -> None:
    """``class Dashboard(StatsMixin, TemplateView)`` where the project's ``StatsMixin`` (in this
    module or another) defines ``async def get_context_data``: listed before the generic view, its
    hook is the one Django's sync handler calls. Reported at the view, once per hook."""
    django_index = next((i for i, base in enumerate(node.bases) if class_views(ctx.file).django_base(base) in _DJANGO_OWNERS), None)
    if django_index is None or any(isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in _HANDLER_NAMES
                                   for item in node.body):
        return
    before = ast.ClassDef(name=node.name, bases=node.bases[:django_index], keywords=[], body=[], decorator_list=[])
    hooks: dict[str, str] = {}
    if not _mixin_hooks(before, ctx.file, hooks, set()):
        return
    handler = sorted(class_views(ctx.file).handlers(node) or {"get": None})[0]
    for hook, mixin in hooks.items():
        if not mixin:
            continue  # a sync definition comes first
        ctx.report(node, f"`{node.name}` inherits `async def {hook}` from `{mixin}`: Django's sync `{handler}()` handler calls it without "
                   "`await` and gets a coroutine", f"make `{mixin}.{hook}` a plain `def`, or give `{node.name}` an `async def {handler}` that "
                   "awaits it and does the rest itself")


_HANDLER_NAMES = frozenset({*HTTP_HANDLERS, "dispatch"})


def _mixin_hooks(cls: ast.ClassDef, file, hooks: dict[str, str], seen: set[str]) -> bool:
    """Collect the async hooks of ``cls``'s project bases (first definition wins); False when a
    base is not the project's, or defines a handler of its own (it may await the hook)."""
    bases = list(project_bases(cls, file))
    others = [b for b in cls.bases if not (isinstance(b, ast.Name) and b.id == "object") and not (file.qualified(b) or "").startswith("django.")]
    if len(bases) != len(others):
        return False  # a base of another library: it may define anything
    for base_file, base in bases:
        if base.name in seen:
            continue
        seen.add(base.name)
        for item in base.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if item.name in _HANDLER_NAMES:
                    return False
                if item.name in _HOOKS:  # the first definition in the MRO wins; a sync one hides later async ones
                    hooks.setdefault(item.name, base.name if isinstance(item, ast.AsyncFunctionDef) else "")
        if not _mixin_hooks(base, base_file, hooks, seen):
            return False
    return True
