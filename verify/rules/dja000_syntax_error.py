"""## What it does
Reports a file that Python cannot parse. A file too deeply nested to check (an expression
thousands of levels deep, see docs/limits.md) is reported the same way.

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
"""

from verify.registry import Rule

rule = Rule("DJA000", "syntax-error", __doc__, scope="parse")
