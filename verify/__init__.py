"""django-async-kit: verify Django views after an AI converted them to ``async def``."""

import os
import sys

__version__ = "0.1.0"

CONSOLE_SCRIPT = "django-async-kit"


def _is_the_program() -> bool:
    """Whether the kit is the program being run, not a library (the pytest plugin, a user's import)."""
    if sys.argv[:1] == ["-m"]:  # what sys.argv[0] is while `python -m` imports the module's package
        arguments = getattr(sys, "orig_argv", [])
        for index, argument in enumerate(arguments):
            if argument.startswith("-m"):
                module = argument[2:] or (arguments[index + 1] if index + 1 < len(arguments) else "")
                return module.split(".")[0] == __name__
        return False
    return os.path.basename(sys.argv[0] if sys.argv else "").removesuffix(".exe") == CONSOLE_SCRIPT


def _leave_the_working_directory_off_the_path() -> None:
    """The folder the kit runs in is the project it checks, and ``python -m`` (or ``PYTHONPATH=.``)
    puts it first on ``sys.path``: a project's ``json.py`` or ``ast.py`` would be imported in place
    of the standard library's, and run. The kit never imports the project's code, so that folder
    leaves the path before the kit imports anything else. A project's own ``verify.py`` or
    ``verify/`` is found before the kit by ``python -m verify``, before any of this can run: that is
    why every command the kit documents uses the ``django-async-kit`` script."""
    try:
        here = os.path.realpath(os.getcwd())
    except OSError:  # the working folder was deleted: nothing to import from it
        return
    sys.path[:] = [entry for entry in sys.path if os.path.realpath(entry or os.curdir) != here]


if _is_the_program():
    _leave_the_working_directory_off_the_path()
