"""The sample's AI drafts after ``verify --fix --unsafe-fixes``: the views whose logic was right
apart from the async mistakes now run and answer right; as drafted, they fail. The tutorial's
product_detail still fails, in its template, which reads a relation the draft's query does not
load (a finding of the runtime check, not of the static one)."""

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SAMPLE_PROJECT = Path(__file__).resolve().parents[2] / "sample_project"

DRAFT_TESTS = """
import json
from decimal import Decimal

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import AsyncRequestFactory

from ai_drafts import django_api_mistakes, orm_mistakes, tutorial_product_detail
from shop import views_legacy
from shop.models import Address, Category, Order, OrderItem, Product, Review

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shop(django_user_model):
    tea = Category.objects.create(name="Tea")
    teapot = Product.objects.create(category=tea, name="Teapot", price=Decimal("20.00"))
    Product.objects.create(category=tea, name="Kettle", price=Decimal("30.00"))
    ann = django_user_model.objects.create_user(username="ann", password="pw")
    Review.objects.create(product=teapot, author=ann, rating=5, body="Pours well")
    address = Address.objects.create(user=ann, line1="1 Main St", city="Leeds", postcode="LS1", country="GB")
    order = Order.objects.create(user=ann, shipping_address=address)
    OrderItem.objects.create(order=order, product=teapot, quantity=2, unit_price=Decimal("20.00"))
    return teapot, order


def request(method="get", data=None):
    built = getattr(AsyncRequestFactory(), method)("/", data or {})
    built.session = SessionStore()
    return built


def test_product_detail_template(assert_views_equivalent, shop):
    # Fixed, the view runs; its template then reads `review.author`, which the draft's query
    # does not load: no static rule reads templates, and the runtime check reports it.
    teapot, _ = shop
    assert_views_equivalent(views_legacy.product_detail, tutorial_product_detail.product_detail, f"/async/products/{teapot.id}/")


async def test_product_stats(shop):
    teapot, _ = shop
    answer = json.loads((await orm_mistakes.product_stats(request(), teapot.pk)).content)
    assert answer == {"product": "Teapot", "reviews": 1}


async def test_last_order_customer(shop):
    answer = json.loads((await orm_mistakes.last_order_customer(request())).content)
    assert answer == {"customer": "ann"}


async def test_order_total(shop):
    _, order = shop
    answer = json.loads((await orm_mistakes.order_total(request(), order.pk)).content)
    assert answer["order"] == order.pk and Decimal(answer["total"]) == Decimal("20.00")


async def test_product_page_remembers_the_product(shop):
    teapot, _ = shop
    shown = request()
    assert (await django_api_mistakes.product_page(shown, teapot.pk)).content == b"Teapot"
    assert await shown.session.aget("last_product") == teapot.pk


async def test_sign_in_logs_the_user_in(shop, django_user_model):
    signing_in = request("post", {"username": "ann", "password": "pw"})
    assert (await django_api_mistakes.sign_in(signing_in)).status_code == 204
    ann = await sync_to_async(django_user_model.objects.get)(username="ann")
    assert await signing_in.session.aget(SESSION_KEY) == str(ann.pk)
"""


def sample_with_drafts(tmp_path: Path, pytester: pytest.Pytester, fix: bool) -> pytest.RunResult:
    project = tmp_path / "sample_project"
    shutil.copytree(SAMPLE_PROJECT, project, ignore=shutil.ignore_patterns(".django-async-kit-cache", "__pycache__", "*.sqlite3"))
    if fix:
        fixing = subprocess.run([sys.executable, "-m", "verify", "--no-cache", "--fix", "--unsafe-fixes", "ai_drafts/"],
                                cwd=project, capture_output=True, text=True)
        assert "fixed" in fixing.stderr and "Traceback" not in fixing.stderr, fixing.stderr
    pytester.makeini(textwrap.dedent(f"""
        [pytest]
        DJANGO_SETTINGS_MODULE = config.settings
        django_find_project = false
        pythonpath = {project}
        asyncio_mode = auto
        asyncio_default_fixture_loop_scope = function
        """))
    pytester.makepyfile(test_drafts=DRAFT_TESTS)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")


@pytest.fixture
def sample_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)  # SQLite: not the outer run's test database


def test_the_fixed_drafts_pass(sample_env, tmp_path: Path, pytester: pytest.Pytester) -> None:
    result = sample_with_drafts(tmp_path, pytester, fix=True)
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(["*raised: legacy nothing, async django.core.exceptions.SynchronousOnlyOperation",
                                 "*django/template/base.py*_resolve_lookup",  # in the template, not in the view
                                 "FAILED test_drafts.py::test_product_detail_template*"])


def test_the_drafts_as_written_fail(sample_env, tmp_path: Path, pytester: pytest.Pytester) -> None:
    sample_with_drafts(tmp_path, pytester, fix=False).assert_outcomes(failed=6)
