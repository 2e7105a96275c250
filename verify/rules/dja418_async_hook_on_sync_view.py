"""## What it does
Checks for `async def` overrides of the methods Django's generic views call from their sync
handlers: `get_queryset`, `get_object`, `get_context_data`, `form_valid`, `get_success_url` and
the other hooks of `ListView`, `DetailView`, `TemplateView`, `FormView`, `CreateView`,
`UpdateView`, `DeleteView` and `RedirectView`, on a class whose HTTP handlers are all the sync
ones Django provides (no `async def get`/`post` of its own that would await them).

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
from verify.analysis.view_shapes import class_views

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
