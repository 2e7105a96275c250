"""``python -m verify [PATH ...]`` runs the verifier, exactly like ``django-async-kit verify``;
``python -m verify rules`` (or any other command name) runs that command."""

import sys

from verify.cli import COMMANDS, run

if not (sys.argv[1:] and sys.argv[1] in COMMANDS):
    sys.argv.insert(1, "verify")
run()
