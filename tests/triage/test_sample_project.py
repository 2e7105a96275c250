"""Triage on the bundled sample project: the tutorial's views, judged honestly."""

import json
from pathlib import Path

from verify.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "sample_project"


def triage_json(capsys, *paths) -> dict:
    assert main(["triage", "--format", "json", *map(str, paths)]) == 0
    return {row["view"]: row for row in json.loads(capsys.readouterr().out)}


def test_user_dashboard_is_worth_converting_for_its_two_api_calls(capsys):
    dashboard = triage_json(capsys, SAMPLE)["shop.views_legacy.user_dashboard"]
    assert (dashboard["recommendation"], dashboard["prompt"]) == ("convert", "convert-external-api-view")
    assert dashboard["reasons"][0].startswith("2 external HTTP calls (_get_json() → httpx2.Client().get;")
    assert "gathered, they take 1 round trip instead of 2" in dashboard["reasons"][0]


def test_category_list_is_skipped_as_a_one_query_view(capsys):
    category_list = triage_json(capsys, SAMPLE)["shop.views_legacy.category_list"]
    assert (category_list["recommendation"], category_list["score"]) == ("skip", 0)
    assert category_list["reasons"][-1] == "simple view (1 query, no external I/O): async only adds thread hops"


def test_product_detail_queries_alone_are_no_reason_to_convert(capsys):
    # The tutorial converts it "for parallel queries"; the async ORM runs them one after another.
    product_detail = triage_json(capsys, SAMPLE)["shop.views_legacy.product_detail"]
    assert product_detail["recommendation"] == "skip"
    assert product_detail["reasons"][0].startswith("3 database queries (lines ")
    assert "; 2 need an earlier query's result): no gain from async" in product_detail["reasons"][0]


def test_order_confirmation_email_points_to_background_work(capsys):
    order = triage_json(capsys, SAMPLE)["shop.views_legacy.order_confirmation"]
    assert (order["recommendation"], order["prompt"]) == ("maybe", "move-to-background-task")
    assert any(reason.startswith("sends email (send_order_email() → send_mail;") for reason in order["reasons"])


def test_the_async_conversions_are_reported_as_converted(capsys):
    rows = triage_json(capsys, SAMPLE / "shop" / "views_async.py")
    assert set(rows) == {"shop.views_async.product_detail", "shop.views_async.user_dashboard", "shop.views_async.order_confirmation"}
    assert {row["recommendation"] for row in rows.values()} == {"converted"}
