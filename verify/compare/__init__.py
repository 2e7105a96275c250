"""Conversion regressions (DJA5xx): compare each view converted to ``async def`` with the sync
version it replaced, and report what the conversion lost (a decorator, an access check, a 404...).

``functions`` parses the two versions of a file and pairs their functions, ``access`` and
``names`` read what the rules compare, ``registry`` lets the rule modules in ``verify/rules/dja5*``
register their comparison, and ``run`` drives it for ``verify --changed`` and ``verify --compare``.
"""
