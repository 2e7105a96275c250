"""--async-verify-urls: one test per URL routed to an async view, anonymous and logged in."""

GENERATED = "demo_tests/async-verify-urls::test_async_view_url"


def test_one_test_per_async_url_and_identity_with_kwargs_from_the_fixture(demo):
    # test_request_user.py only gives the generated tests a directory to live in.
    result = demo.run("--async-verify-urls", "-rs", "demo_tests/test_request_user.py", "-k", "async_view_url")
    for line in (
        f"{GENERATED}[[]demo:sleepy-anonymous[]] FAILED*",
        f"{GENERATED}[[]demo:sleepy-logged_in[]] FAILED*",
        f"{GENERATED}[[]demo:whoami-anonymous[]] PASSED*",
        f"{GENERATED}[[]demo:whoami-logged_in[]] FAILED*",
        f"{GENERATED}[[]demo:order_list-logged_in[]] PASSED*",
        f"{GENERATED}[[]demo:order_detail-logged_in[]] PASSED*",  # pk from async_verify_url_kwargs
        f"{GENERATED}[[]demo:order_customer-anonymous[]] SKIPPED*",  # takes a pk, none given
        f"{GENERATED}[[]/ping.json-logged_in[]] PASSED*",  # unnamed: requested by its literal path
    ):
        result.stdout.fnmatch_lines([line])
    result.stdout.fnmatch_lines(
        ["*collected 24 items / 2 deselected / 22 selected", "*demo:order_customer takes URL arguments: add them to the async_verify_url_kwargs fixture*"]
    )
    # Sync views get no generated test.
    assert "legacy_sleepy" not in result.stdout.str()
    assert "legacy_report" not in result.stdout.str()
    # 11 async URL patterns x 2 identities. Failing: sleepy, swallows_blocking, exchange_rate and
    # order_count twice each, whoami once; skipped: order_customer twice.
    result.assert_outcomes(passed=11, failed=9, skipped=2, deselected=2)
    # The logged-in request is the one that fails, and the report says which request it was.
    result.stdout.fnmatch_lines(
        [
            "*_ test_async_view_url[[]demo:whoami-logged_in[]] _*",
            "SynchronousOnlyOperation from django.contrib.auth.middleware.get_user in async view demo.views.whoami",
            "  request: GET /whoami/ with a session cookie (logged-in user)",
        ]
    )

