"""Every view of the corpus at /<app>/<module>/<name>/ (and /<pk>/), found by looking at the modules."""

import importlib
import inspect

from django.urls import path
from django.views import View

APPS = ("catalog", "teams", "api")
MODULES = ("views_buggy", "views_correct")


def views_of(module):
    """(name, callable) of each view a module defines: functions taking ``request`` and View classes."""
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isclass(obj) and issubclass(obj, View):
            yield name, obj.as_view()
        elif inspect.isfunction(obj) and next(iter(inspect.signature(obj).parameters), None) == "request":
            yield name, obj


urlpatterns = []
for app in APPS:
    for module_name in MODULES:
        module = importlib.import_module(f"{app}.{module_name}")
        for name, view in views_of(module):
            prefix = f"{app}/{module_name}/{name}/"
            urlpatterns += [path(prefix, view), path(f"{prefix}<int:pk>/", view)]
