"""Every rule module, imported so that each registers itself (one rule per module).

Modules are discovered by name (``dja<code>_<name>.py``), so adding a rule is adding a file.
"""

import importlib
import pkgutil

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _module.name.startswith("dja"):
        importlib.import_module(f"{__name__}.{_module.name}")
