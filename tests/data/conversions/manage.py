#!/usr/bin/env python
"""The conversions corpus: a runnable Django project whose converted views are run by confirm_runtime.py."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convsite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
