"""Conversion regressions (DJA5xx): compare each view converted to ``async def`` with the sync
version it replaced, and report what the conversion lost (a decorator, an access check, a 404...).

- ``functions``: the two versions of a file and the functions that went from ``def`` to ``async def``;
- ``names``, ``access``, ``decorators``, ``exceptions``: what the rules compare, read so that the
  sync and async spellings of the same thing compare equal;
- ``registry``: how the rule modules ``verify/rules/dja5*`` register their comparison;
- ``run``: ``verify --changed`` (with ``verify.pipeline.changes`` for git) and ``verify --compare``.
"""
