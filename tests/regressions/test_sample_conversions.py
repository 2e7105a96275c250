"""The sample shop's own conversion is correct (no DJA5xx finding); the tutorial's conversion of
``order_confirmation`` loses the 404 that the legacy view has."""

from pathlib import Path

from verify.compare.run import check_compare

from .gitrepo import MAIN

SHOP = MAIN / "sample_project" / "shop"

# The tutorial's "after" for order_confirmation, kept with the sample's AI drafts.
TUTORIAL_AFTER = MAIN / "sample_project" / "ai_drafts" / "tutorial_order_confirmation.py"


def regression_codes(old: Path, new: Path) -> list[str]:
    report = check_compare(old, new, select=["DJA5"], use_config=False)
    return [finding.code for finding in report.findings]


def test_sample_async_views_are_a_correct_conversion_of_the_legacy_ones():
    assert regression_codes(SHOP / "views_legacy.py", SHOP / "views_async.py") == []


def test_tutorial_conversion_of_order_confirmation_loses_the_404():
    report = check_compare(SHOP / "views_legacy.py", TUTORIAL_AFTER, select=["DJA5"], use_config=False)
    assert [finding.code for finding in report.findings] == ["DJA504"]
    message = report.findings[0].message
    assert message.startswith("`get_object_or_404(Order.objects.select_related(\"user\", \"s...` of `order_confirmation` (old line 58) "
                              "became `Order.objects.select_related(\"user\", \"shipping_address\")....` (line 26) "
                              "without handling `DoesNotExist`")
    assert report.findings[0].line == 26
