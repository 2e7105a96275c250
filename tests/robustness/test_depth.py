"""Deep code never crashes the analysis: past the bounds of verify.analysis.limits a chain stops silently,
and a file too deep for Python's own parser is one DJA000 finding (issue 22)."""

import subprocess
import sys

from verify.api import check_source
from verify.analysis.limits import MAX_HELPER_DEPTH

MODELS = """
from django.db import models

class Order(models.Model):
    total = models.IntegerField()
"""


def _helper_chain(length: int) -> str:
    """``view -> h0 -> h1 -> ... -> h<length>``, the last one querying synchronously."""
    lines = ["from shop.models import Order", ""]
    for number in range(length):
        lines += [f"def h{number}(x):", f"    return h{number + 1}(x)", ""]
    lines += [f"def h{length}(x):", "    return Order.objects.count()", "", "async def view(request):", "    return h0(1)", ""]
    return "\n".join(lines)


def _codes(source: str) -> list[str]:
    """The codes found, without DJA407 (an async view that awaits nothing: advice, not the point here)."""
    return [finding.code for finding in check_source(source, "shop/views.py", models_source=MODELS) if finding.code != "DJA407"]


def test_a_chain_of_88_sync_helpers_stops_silently_at_the_bound():
    assert _codes(_helper_chain(88)) == []


def test_a_chain_within_the_bound_is_still_followed_to_its_query():
    assert "DJA102" in _codes(_helper_chain(MAX_HELPER_DEPTH - 2))


def test_a_helper_first_reached_from_deep_in_a_cut_chain_is_followed_in_full_later():
    """What a cut chain saw of a helper is not all it does: called directly, it is followed."""
    source = _helper_chain(MAX_HELPER_DEPTH + 4) + "\nasync def near(request):\n    return h8(1)\n"
    findings = check_source(source, "shop/views.py", models_source=MODELS)
    near_call = source.splitlines().index("    return h8(1)") + 1
    assert [finding.line for finding in findings if finding.code == "DJA102"] == [near_call]


def test_an_elif_chain_of_400_branches_is_walked_to_its_last_branch():
    branches = "".join(f"    elif kind == {number}:\n        pass\n" for number in range(1, 400))
    source = ("from shop.models import Order\n\nasync def view(request, kind):\n    if kind == 0:\n        pass\n"
              + branches + "    else:\n        return Order.objects.count()\n")
    assert "DJA102" in _codes(source)


def test_an_elif_chain_keeps_what_every_branch_agrees_on():
    source = """
from shop.models import Order

async def view(request, kind):
    if kind == 0:
        orders = Order.objects.all()
    elif kind == 1:
        orders = Order.objects.all()
    else:
        orders = Order.objects.all()
    return len(orders)
"""
    assert "DJA103" in _codes(source)


def test_an_elif_chain_forgets_what_one_branch_changes():
    source = """
from shop.models import Order

async def view(request, kind):
    if kind == 0:
        orders = Order.objects.all()
    elif kind == 1:
        orders = [1, 2]
    else:
        orders = Order.objects.all()
    return len(orders)
"""
    assert "DJA103" not in _codes(source)


def test_500_chained_calls_stop_silently():
    assert _codes("async def view(request):\n    return a" + ".b()" * 500 + "\n") == []


def test_a_query_near_the_top_of_a_long_chain_is_still_found():
    """``1 + 1 + ... + count()`` nests to the left: the query is the top node's right operand."""
    source = "from shop.models import Order\n\nasync def view(request):\n    return " + "1 + " * 500 + "Order.objects.count()\n"
    assert "DJA102" in _codes(source)


def test_an_expression_too_deep_for_the_parser_is_one_dja000_finding():
    findings = check_source("async def view(request):\n    return " + " + ".join(["1"] * 20000) + "\n")
    assert [(finding.code, finding.message) for finding in findings] == [("DJA000", "too deeply nested to check (docs/limits.md)")]


def test_a_module_without_async_code_too_deep_for_the_parser_is_one_dja000_finding():
    findings = check_source("x = " + " + ".join(["1"] * 20000) + "\n")
    assert [finding.code for finding in findings] == ["DJA000"]


def test_the_cli_reports_a_deep_file_as_a_finding_not_a_traceback(tmp_path):
    (tmp_path / "deep.py").write_text("async def view(request):\n    return a" + ".b()" * 3000 + "\n")
    (tmp_path / "deeper.py").write_text("async def view(request):\n    return " + " + ".join(["1"] * 20000) + "\n")
    result = subprocess.run([sys.executable, "-m", "verify", "--no-cache", "--no-config", "deep.py", "deeper.py"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert "deeper.py:1:1: DJA000 too deeply nested to check" in result.stdout
