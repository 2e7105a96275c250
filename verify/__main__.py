"""``python -m verify [PATH ...]`` runs the verifier, exactly like ``django-async-kit verify``;
``python -m verify rules`` (or any other command name) runs that command."""

import sys

from verify.cli import COMMANDS, main

_args = sys.argv[1:]
sys.exit(main(_args if _args and _args[0] in COMMANDS else ["verify", *_args]))
