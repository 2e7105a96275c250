"""``python -m verify`` runs the verifier, exactly like ``django-async-kit verify``."""

import sys

from verify.cli import main

sys.exit(main(["verify", *sys.argv[1:]]))
