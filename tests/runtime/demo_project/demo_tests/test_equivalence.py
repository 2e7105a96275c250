import pytest

from demo import views
from demo.models import Order
# The plain function, for a user other than the fixture's async_verify_user.
from verify.runtime import assert_views_equivalent as compare_views


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(username="staff", password="pw", is_staff=True)


def test_twins_answer_alike(assert_views_equivalent, order):
    assert_views_equivalent(views.legacy_report, views.report, "/report/")


def test_twins_answer_alike_for_staff(order, staff_user):
    compare_views(views.legacy_report, views.report, "/report/", user=staff_user)


def test_dropped_permission_check(assert_views_equivalent, order):
    assert_views_equivalent(views.legacy_report, views.report_without_permission_check, "/report/")


def test_changed_ordering(order, staff_user):
    Order.objects.create(item="kettle")
    compare_views(views.legacy_report, views.report_newest_first, "/report/", user=staff_user)


def test_changed_redirect(assert_views_equivalent):
    assert_views_equivalent(views.legacy_after_checkout, views.after_checkout_to_the_wrong_page, "/checkout/done/")


def test_changed_json(assert_views_equivalent, order):
    assert_views_equivalent(views.legacy_order_stats, views.order_stats_with_a_renamed_key, "/stats/")


def test_page_context_after_an_email(assert_views_equivalent):
    assert_views_equivalent(views.legacy_receipt, views.receipt_with_another_page_context, "/receipt/")


def test_views_that_raise_alike(assert_views_equivalent, db):
    assert_views_equivalent(views.legacy_broken, views.broken_alike, "/broken/")


def test_views_that_raise_otherwise(assert_views_equivalent, db):
    assert_views_equivalent(views.legacy_broken, views.broken_otherwise, "/broken/")
