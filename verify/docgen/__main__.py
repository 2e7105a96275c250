"""``python -m verify.docgen``: regenerate the generated documentation (``make docs``)."""

import sys

from verify.docgen import main

sys.exit(main())
