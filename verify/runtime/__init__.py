"""Runtime checks for converted views, used by the ``django_async_kit`` pytest plugin.

Nothing here is imported until the plugin is enabled or a test asks for a helper, so that
installing the kit costs nothing in test runs that do not use it. The two helpers meant to be
imported by tests are re-exported lazily::

    from verify.runtime import RequestSpec, assert_views_equivalent
"""

from __future__ import annotations

import importlib

_LAZY_EXPORTS = {
    "assert_views_equivalent": "verify.runtime.equivalence",
    "RequestSpec": "verify.runtime.equivalence",
}

__all__ = sorted(_LAZY_EXPORTS)


def __getattr__(name: str):
    if name in _LAZY_EXPORTS:
        return getattr(importlib.import_module(_LAZY_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
