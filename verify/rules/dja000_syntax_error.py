"""## What it does
Reports a file that Python cannot parse. A file too deeply nested to check (an expression
thousands of levels deep, see docs/limits.md) is reported the same way.

Code in the syntax of a newer Python than the one running the kit (`except A, B:` or `t"..."`
from Python 3.14 on 3.13) is not a syntax error to fix: the run names those files once, with the
Python they need, as an input error (exit 2). Run the kit on that Python to check them.

## Why is this bad?
Nothing in the file can be checked, and Django will fail to import it.

## Example
```python
async def product_detail(request, product_id)
    ...
```

## Use instead
```python
async def product_detail(request, product_id):
    ...
```

## Fix safety
None: a syntax error is fixed by hand.
"""

from verify.analysis.registry import Rule

rule = Rule("DJA000", "syntax-error", __doc__, scope="parse")
