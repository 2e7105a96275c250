"""Text output shows a window of a long source line under each finding, never the whole line:
one minified line with thousands of findings must not take memory in its length times their
number (issue 22)."""

import subprocess
import sys

from verify.pipeline.output import SHOWN_WIDTH, clip


def test_a_short_line_is_shown_whole():
    assert clip("x = Order.objects.count()", 4, 21) == ("x = Order.objects.count()", 4, 21)


def test_a_long_line_is_clipped_around_the_finding():
    source = "a = 1; " * 100 + "Order.objects.count()" + "; b = 2" * 100
    start = source.index("Order")
    shown, caret, width = clip(source, start, 21)
    assert len(shown) <= SHOWN_WIDTH + 2
    assert shown.startswith("…") and shown.endswith("…")
    assert shown[caret:caret + width] == "Order.objects.count()"


def test_a_finding_at_the_start_or_the_end_of_a_long_line_keeps_its_carets_on_it():
    source = "Order.objects.count()" + " + 1" * 300
    shown, caret, width = clip(source, 0, 21)
    assert shown[caret:caret + width] == "Order.objects.count()" and shown.endswith("…")
    source = "1 + " * 300 + "Order.objects.count()"
    shown, caret, width = clip(source, source.index("Order"), 21)
    assert shown[caret:caret + width] == "Order.objects.count()" and shown.startswith("…") and not shown.endswith("…")


def test_a_span_wider_than_the_window_is_cut_at_its_edge():
    source = "x" * 1000
    shown, caret, width = clip(source, 10, 900)
    assert caret + width <= len(shown)


def test_a_line_with_many_findings_prints_in_proportion_to_the_findings(tmp_path):
    calls = 2000
    (tmp_path / "views.py").write_text("from shop.models import Order\nasync def view(request):\n    return ["
                                       + ", ".join("Order.objects.count()" for _ in range(calls)) + "]\n")
    result = subprocess.run([sys.executable, "-m", "verify", "--no-cache", "--no-config", "views.py"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.count("DJA102") >= calls
    assert len(result.stdout) < calls * 1000  # the whole line each time would be 2,000 x 46,000 characters
