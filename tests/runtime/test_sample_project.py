"""The plugin on the sample shop: its reviewed conversion passes, the tutorial's AI draft fails."""

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SAMPLE_PROJECT = Path(__file__).resolve().parents[2] / "sample_project"

SAMPLE_TESTS = """
from decimal import Decimal

import pytest

from ai_drafts import tutorial_product_detail
from shop import views_async, views_legacy
from shop.models import Category, Product, Review


@pytest.fixture
def product(db, django_user_model):
    tea = Category.objects.create(name="Tea")
    teapot = Product.objects.create(category=tea, name="Teapot", price=Decimal("20.00"))
    Product.objects.create(category=tea, name="Kettle", price=Decimal("30.00"))
    reviewer = django_user_model.objects.create_user(username="reviewer", password="pw")
    Review.objects.create(product=teapot, author=reviewer, rating=5, body="Pours well")
    return teapot


def test_reviewed_conversion(assert_views_equivalent, product):
    assert_views_equivalent(views_legacy.product_detail, views_async.product_detail, f"/async/products/{product.id}/")


def test_tutorial_draft(assert_views_equivalent, product):
    assert_views_equivalent(
        views_legacy.product_detail, tutorial_product_detail.product_detail, f"/async/products/{product.id}/"
    )
"""


@pytest.fixture
def sample(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)  # the test database: SQLite in memory
    pytester.makeini(
        textwrap.dedent(
            f"""
            [pytest]
            DJANGO_SETTINGS_MODULE = config.settings
            django_find_project = false
            pythonpath = {SAMPLE_PROJECT}
            async_verify_paths = {SAMPLE_PROJECT}
            asyncio_default_fixture_loop_scope = function
            """
        )
    )
    pytester.makepyfile(test_sample=SAMPLE_TESTS)
    return pytester


def test_the_reviewed_conversion_passes_and_the_tutorial_draft_fails_at_runtime(sample):
    result = sample.runpytest_subprocess("-v", "-p", "no:cacheprovider", "--async-verify")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*::test_reviewed_conversion PASSED*",
            "*::test_tutorial_draft FAILED*",
            "SynchronousOnlyOperation from *ForwardManyToOneDescriptor.__get__ "
            "in async view ai_drafts.tutorial_product_detail.product_detail",
            "  request: GET /async/products/*/ anonymous (no session cookie)",
            # The line number is the draft's business: that there is one is ours.
            f"  at:      {SAMPLE_PROJECT}/ai_drafts/tutorial_product_detail.py:[0-9]* in *.product_detail",
            "           related_task = Product.objects.filter(category=product.category)*",
            "  rule:    DJA106 lazy-relation-access: *",
        ]
    )


def test_the_url_checks_pass_on_the_sample_as_shipped(monkeypatch: pytest.MonkeyPatch):
    # The sample's tests, with the fixtures tests/sample/conftest.py gives the URL checks.
    monkeypatch.delenv("DATABASE_URL", raising=False)  # SQLite: not the outer run's test database
    repository = SAMPLE_PROJECT.parent
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--async-verify-urls", "tests/sample",
         "-k", "test_async_view_url", "-q"],
        cwd=repository, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "9 passed" in result.stdout
    # The other customer is refused someone else's order: a dropped check would show as 200.
    assert re.search(r"async:order_confirmation  GET \S+  anonymous 302  logged_in 200  other_user 403", result.stdout)
