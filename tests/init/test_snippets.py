"""Every Prefer snippet the kit ships passes the verifier; every Avoid snippet is flagged for the
reason it is shown."""

from __future__ import annotations

import re

import pytest

from verify.api import check_source

# The models the snippets use (`from .models import ...`), so relation rules can see the fields.
MODELS = """\
from django.conf import settings
from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=100)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=20)
    created = models.DateTimeField(auto_now_add=True)


class Product(models.Model):
    name = models.CharField(max_length=100)
"""

# Avoid snippet (by the function it defines) -> the rule codes it exists to show.
AVOID_CODES = {
    "order_detail": {"DJA110", "DJA106"},
    "open_orders": {"DJA102", "DJA201"},
    "order_stats": {"DJA105"},
    "whoami": {"DJA107"},
    "cancel_order": {"DJA109"},
    "add_to_cart": {"DJA108"},
    "product_list": {"DJA111"},
    "checkout": {"DJA113"},
    "shipping_quote": {"DJA301"},
    "test_orders_page": {"DJA102"},
}
BLOCK = re.compile(r"^(Avoid|Prefer):\n```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
FENCE = re.compile(r"^```python\n", re.MULTILINE)
STACKS = [
    {"django_version": version, "test_runner": runner, "http_client": client, "asyncio_mode": mode}
    for version in [(4, 2), (5, 0), (5, 1), (5, 2), (6, 0), (6, 1)]
    for runner, client, mode in [("pytest", None, "strict"), ("django", "aiohttp", "strict"), ("pytest", "httpx", "auto")]
]


@pytest.fixture(scope="module")
def snippets(render_all) -> list[tuple[tuple, str, str, str]]:
    """(Django version, kind, function name, code) for every distinct snippet of every stack."""
    found = {}
    for stack in STACKS:
        for path, text in render_all(**stack).items():
            blocks = BLOCK.findall(text)
            assert len(blocks) == len(FENCE.findall(text)), f"{path}: a python block without Avoid:/Prefer: label"
            for kind, code in blocks:
                name = re.search(r"(?:async )?def (\w+)\(request|async def (test_\w+)", code)
                function = next(group for group in name.groups() if group) if name else ""
                found[(stack["django_version"], kind, code)] = function
    return [(version, kind, function, code) for (version, kind, code), function in found.items()]


def test_prefer_snippets_pass_the_verifier(snippets):
    for version, kind, function, code in snippets:
        if kind == "Prefer":
            findings = check_source(code, "myapp/views.py", target_version=version, models_source=MODELS)
            assert findings == [], f"Django {version}, Prefer {function}:\n{code}\n{findings}"


def test_avoid_snippets_are_flagged_for_their_reason(snippets):
    checked = set()
    for version, kind, function, code in snippets:
        if kind != "Avoid":
            continue
        assert function in AVOID_CODES, f"new Avoid snippet {function}: add the codes it shows to AVOID_CODES"
        codes = {finding.code for finding in check_source(code, "myapp/views.py", target_version=version, models_source=MODELS)}
        assert AVOID_CODES[function] <= codes, f"Django {version}, Avoid {function}: got {sorted(codes)}\n{code}"
        checked.add(function)
    assert checked == set(AVOID_CODES)

