"""assert_views_equivalent: legacy and async twins must answer alike, anonymous and logged in."""

import asyncio

import pytest

from verify.runtime import assert_views_equivalent


def assertion_lines(*lines: str) -> list[str]:
    """Patterns for the lines of an AssertionError message as pytest prints them."""
    return [f"E       {line}" for line in lines]


def test_real_twins_pass_and_a_dropped_permission_check_fails_with_a_diff(demo):
    result = demo.run(
        "demo_tests/test_equivalence.py::test_twins_answer_alike",
        "demo_tests/test_equivalence.py::test_twins_answer_alike_for_staff",
        "demo_tests/test_equivalence.py::test_dropped_permission_check",
    )
    result.stdout.fnmatch_lines(
        [
            "*test_twins_answer_alike PASSED*",
            "*test_twins_answer_alike_for_staff PASSED*",
            "*test_dropped_permission_check FAILED*",
        ]
    )
    result.stdout.fnmatch_lines(
        assertion_lines(
            "AssertionError: demo.views.legacy_report (legacy) and "
            "demo.views.report_without_permission_check (async) answer differently",
            "GET /report/ (anonymous):",
            "  status: legacy 403, async 200",
            "  templates: legacy [], async ['demo/orders.html']",
            "  context['orders']: only the async view sets it",
            "  body:",
            "    --- legacy",
            "    +++ async",
            "    @@ -0,0 +1 @@",
            "    +<ul><li>teapot</li></ul>",
            "GET /report/ (logged in as 'async-verify-user'):",
            "  status: legacy 403, async 200",
        )
    )
    result.assert_outcomes(passed=2, failed=1)


def test_context_querysets_redirect_targets_and_json_bodies_are_compared(demo):
    result = demo.run(
        "demo_tests/test_equivalence.py::test_changed_ordering",
        "demo_tests/test_equivalence.py::test_changed_redirect",
        "demo_tests/test_equivalence.py::test_changed_json",
    )
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        assertion_lines(
            "GET /report/ (logged in as 'staff'):",
            "  context['orders']:",
            "    --- legacy",
            "    +++ async",
            "    @@ -1 +1 @@",
            "    -[<Order: Order object (1)>, <Order: Order object (2)>]",
            "    +[<Order: Order object (2)>, <Order: Order object (1)>]",
        )
    )
    result.stdout.fnmatch_lines(
        assertion_lines(
            "GET /checkout/done/ (anonymous):",
            "  header Location: legacy '/orders/', async '/report/'",
        )
    )
    result.stdout.fnmatch_lines(
        assertion_lines(
            "GET /stats/ (anonymous):",
            "  body:",
            "    --- legacy",
            "    +++ async",
            "    @@ -1 +1 @@",
            "    -{'orders': 1}",
            "    +{'order_count': 1}",
        )
    )


def test_calling_it_from_async_code_says_to_call_it_from_a_sync_test():
    async def an_async_test():
        assert_views_equivalent(lambda request: None, lambda request: None, "/")

    with pytest.raises(RuntimeError, match="call it from a sync test"):
        asyncio.run(an_async_test())


def test_the_page_context_is_compared_not_the_email_rendered_before_it(demo):
    result = demo.run("demo_tests/test_equivalence.py::test_page_context_after_an_email")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        assertion_lines(
            "GET /receipt/ (anonymous):",
            "  context['orders']:",
            "    --- legacy",
            "    +++ async",
            "    @@ -1 +1 @@",
            "    -['teapot']",
            "    +['teapot', 'kettle']",
        )
    )
    assert "context['item']" not in result.stdout.str()


def test_views_that_raise_are_compared_by_the_exceptions_type(demo):
    result = demo.run(
        "demo_tests/test_equivalence.py::test_views_that_raise_alike",
        "demo_tests/test_equivalence.py::test_views_that_raise_otherwise",
    )
    result.stdout.fnmatch_lines(["*::test_views_that_raise_alike PASSED*"])
    result.stdout.fnmatch_lines(
        assertion_lines(
            "AssertionError: demo.views.legacy_broken (legacy) and demo.views.broken_otherwise (async) answer differently",
            "GET /broken/ (anonymous):",
            "  raised: legacy builtins.ValueError, async builtins.LookupError",
        )
    )
    result.assert_outcomes(passed=1, failed=1)
