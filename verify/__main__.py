"""``python -m verify [PATH ...]`` runs the verifier, exactly like ``django-async-kit verify``;
``python -m verify rules`` (or any other command name) runs that command.

Prefer the ``django-async-kit`` script in a project: ``python -m`` searches the current folder
first, so a project with its own ``verify.py`` or ``verify/`` runs that instead of the kit (the kit
keeps the folder off the path for everything else it imports; see ``verify/__init__.py``)."""

import sys

from verify.cli import COMMANDS, run

if not (sys.argv[1:] and sys.argv[1] in COMMANDS):
    sys.argv.insert(1, "verify")
run()
