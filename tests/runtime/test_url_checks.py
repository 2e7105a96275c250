"""--async-verify-urls: one test per URL routed to an async view and identity, statuses listed."""

GENERATED = "demo_tests/async-verify-urls::test_async_view_url"


def test_one_test_per_async_url_and_identity_with_kwargs_from_the_fixture_or_placeholders(demo):
    # test_request_user.py only gives the generated tests a directory to live in.
    result = demo.run("--async-verify-urls", "-rs", "demo_tests/test_request_user.py", "-k", "async_view_url")
    for line in (
        f"{GENERATED}[[]demo:sleepy-anonymous[]] FAILED*",
        f"{GENERATED}[[]demo:sleepy-logged_in[]] FAILED*",
        f"{GENERATED}[[]demo:whoami-anonymous[]] PASSED*",
        f"{GENERATED}[[]demo:whoami-logged_in[]] FAILED*",
        f"{GENERATED}[[]demo:order_list-logged_in[]] PASSED*",
        f"{GENERATED}[[]demo:order_detail-logged_in[]] PASSED*",  # pk from async_verify_url_kwargs
        # No kwargs given: requested with a placeholder pk, and its lazy relation is caught.
        f"{GENERATED}[[]demo:order_customer-anonymous[]] FAILED*",
        f"{GENERATED}[[]/ping.json-logged_in[]] PASSED*",  # unnamed: requested by its literal path
        # The demo's conftest defines async_verify_other_user: a third request per URL.
        f"{GENERATED}[[]demo:report-other_user[]] PASSED*",
    ):
        result.stdout.fnmatch_lines([line])
    result.stdout.fnmatch_lines(["*collected 38 items / 2 deselected / 36 selected"])
    # Sync views get no generated test.
    assert "legacy_sleepy" not in result.stdout.str()
    assert "legacy_report" not in result.stdout.str()
    # 12 async URL patterns x 3 identities. Failing: sleepy, swallows_blocking, exchange_rate,
    # order_count and order_customer for everyone, whoami for the two logged-in identities.
    result.assert_outcomes(passed=19, failed=17, deselected=2)
    # The logged-in request is the one that fails, and the report says which request it was.
    result.stdout.fnmatch_lines(
        [
            "*_ test_async_view_url[[]demo:whoami-logged_in[]] _*",
            "SynchronousOnlyOperation from django.contrib.auth.middleware.get_user in async view demo.views.whoami",
            "  request: GET /whoami/ with a session cookie (logged-in user)",
        ]
    )
    # Every status, per identity, so that a view answering 200 to everyone shows. In report mode
    # the recorded sync database accesses went ahead: each status is the one the page answers
    # (whoami's logged-in requests fail on their violation, not with an error page).
    result.stdout.fnmatch_lines(
        [
            "*async-verify URL checks: status per identity*",
            "demo:whoami  GET /whoami/  anonymous 200  logged_in 200  other_user 200",
            "demo:order_detail  GET /orders/*/  anonymous 200  logged_in 200  other_user 200",
            "demo:order_customer  GET /orders/1/customer/  anonymous 200  * (placeholder arguments)",
            "demo:report  GET /report/  anonymous 403  logged_in 403  other_user 403",
        ]
    )


def test_without_an_other_user_fixture_two_identities(demo):
    conftest = demo.pytester.path / "demo_tests" / "conftest.py"
    source = conftest.read_text()
    conftest.write_text(source[: source.index("@pytest.fixture\ndef async_verify_other_user")])
    result = demo.run("--async-verify-urls", "demo_tests/test_request_user.py", "-k", "ping")
    result.assert_outcomes(passed=2, deselected=24)  # the other URLs, and the file's own 2 tests
    result.stdout.fnmatch_lines(["/ping.json  GET /ping.json  anonymous 200  logged_in 200"])


def test_in_raise_mode_the_status_says_what_was_raised(demo):
    result = demo.run(
        "--async-verify-urls", "--async-verify-mode=raise", "demo_tests/test_request_user.py", "-k", "whoami and url"
    )
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "demo:whoami  GET /whoami/  anonymous 200  logged_in raised SynchronousOnlyOperation  "
            "other_user raised SynchronousOnlyOperation",
        ]
    )
