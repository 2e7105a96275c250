"""The ``django-async-kit`` command line: a thin dispatcher over command modules.

Each command lives in ``verify/commands/<module>.py`` and defines ``HELP``, ``add_arguments(parser, name)``
and ``run(args) -> int`` (``HELP`` may be a dict keyed by command name
when one module serves several commands). Only the module of the command being run is imported, so
``django-async-kit verify`` never pays for Jinja2 or YAML.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys

from verify import __version__

# command name -> module under verify.commands
COMMANDS = {
    "verify": "check",
    "rules": "rules",
    "rule": "rules",
    "init": "init",
    "prompts": "prompts",
    "triage": "triage",
}


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's default also exits 2; keep its one-line style
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _load(name: str):
    return importlib.import_module(f"verify.commands.{COMMANDS[name]}")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = _Parser(prog="django-async-kit", description="Convert Django views to async and verify them.")
    parser.add_argument("--version", action="version", version=f"django-async-kit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        if only and name != only:
            continue
        try:
            module = _load(name)
        except ModuleNotFoundError:  # a command whose module is not written yet
            continue
        help_text = getattr(module, "HELP", {}).get(name) if isinstance(getattr(module, "HELP", None), dict) else module.HELP
        command = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command, name)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    only = argv[0] if argv and argv[0] in COMMANDS else None
    args = build_parser(only).parse_args(argv)
    if not args.command:
        build_parser().print_help()
        return 2
    try:
        return _load(args.command).run(args)
    except UsageError as error:
        print(f"django-async-kit: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head`: not an error worth a traceback
        sys.stderr.close()
        return 0


def run() -> None:
    """The console entry point: :func:`main` in a process that exits as soon as it is done.

    A large run leaves millions of syntax-tree objects behind. Freeing them, by a collection of
    the cycle collector or one by one at exit, took as long as a third of the run, so the
    collector stays off (the run's few reference cycles hold little memory) and the process
    exits without tearing the interpreter down. Output is flushed first; nothing else needs it.
    """
    gc.disable()
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # the reader went away, or the stream was closed
        pass
    os._exit(code)
