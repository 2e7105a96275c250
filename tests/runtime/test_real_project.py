"""The plugin on an API project shaped like real ones: no false alarms, planted bugs reported.

The project (``api_project/``) uses django-ninja and adrf, logs to stderr and to a file (and
pytest shows live logs), renders templates from async views and calls a local fake API with
httpx2. Its ``api_tests/`` pass without the plugin and must pass with it, in any order; its
``planted_tests/`` hit endpoints with one planted bug each.
"""

import pytest

CLEAN_SUITE = "api_tests"
PASSING_TESTS = 12


def test_the_suite_passes_without_the_plugin(api_project):
    api_project.run(CLEAN_SUITE).assert_outcomes(passed=PASSING_TESTS)


def test_the_suite_passes_with_the_plugin(api_project):
    result = api_project.run("--async-verify", CLEAN_SUITE)
    result.assert_outcomes(passed=PASSING_TESTS)
    assert "async-safety violation" not in result.stdout.str()


@pytest.mark.parametrize(
    "test",
    [
        # Each one alone is the process's first render: template loading, engine set-up,
        # locale and format look-ups happen in it, and must not be blamed on the view.
        "api_tests/test_pages.py::test_home_page_through_client",
        "api_tests/test_pages.py::test_home_page_through_async_client",
        "api_tests/test_pages.py::test_my_products_lists_the_owners_products",
    ],
)
def test_a_test_that_renders_first_in_its_process_passes(api_project, test):
    api_project.run("--async-verify", test).assert_outcomes(passed=1)


def test_log_writes_are_reported_on_request_and_blamed_on_logging_not_on_the_http_client(api_project):
    result = api_project.run(
        "--async-verify",
        "-o",
        "async_verify_report_logging=true",
        "api_tests/test_api.py::test_product_price_asks_the_supplier",
    )
    result.assert_outcomes(failed=1)
    # httpx2 logs the request it sent: the awaited AsyncClient call is not a sync HTTP call.
    result.stdout.fnmatch_lines(
        [
            "blocking calls to io.*.write, io.*.write in async view catalog.api.product_price",
            "  request: GET /api/products/*/price anonymous (no session cookie)",
            f"  at:      {api_project.where('await client.get(', file='catalog/supplier.py')} "
            "in catalog.supplier.supplier_price",
            "  logged:  by logging.FileHandler.emit, *",
            "*QueueHandler*",
        ]
    )
    result.stdout.fnmatch_lines(
        [f"  at:      {api_project.where('logger.info(\"priced product', file='catalog/api.py')} *"]
    )
    assert "DJA301" not in result.stdout.str()


def planted(api_project, marker: str) -> str:
    return api_project.where(marker, file="catalog/planted.py")


def test_planted_bugs_are_reported_with_the_users_file_line_and_endpoint(api_project):
    result = api_project.run("--async-verify", "planted_tests")
    result.assert_outcomes(failed=10, passed=2)
    expected = [
        ("sync_orm_count", "SynchronousOnlyOperation from django.db.models.query.QuerySet.count", "Product.objects.count()}  # planted: sync ORM call", "DJA102"),
        ("sleepy_price", "blocking call to time.sleep", "in a ninja operation", "DJA302"),
        ("sync_supplier_price", "blocking calls to socket.socket.connect, *", "urllib.request.urlopen(", "DJA301"),
        ("export_products", "blocking call to io.TextIOWrapper.write", "export.write(", "DJA303"),
        ("product_supplier", "SynchronousOnlyOperation from *ForwardManyToOneDescriptor.__get__", "planted: lazy foreign key", "DJA106"),
        ("SlowCountView.get", "blocking call to time.sleep", "in an adrf view", "DJA302"),
        ("SlowPageView.get", "blocking call to time.sleep", "behind method_decorator", "DJA302"),
    ]
    for endpoint, headline, marker, rule in expected:
        result.stdout.fnmatch_lines(
            [
                f"{headline} in async view catalog.planted.{endpoint}",
                "  request: GET /planted/* anonymous (no session cookie)",
                f"  at:      {planted(api_project, marker)} in catalog.planted.{endpoint}",
                f"  rule:    {rule} *",
            ]
        )
    # No framework wrapper is named instead of the user's function.
    assert "<locals>" not in result.stdout.str()


THREE_BUGS = "planted_tests/test_planted.py::test_three_bugs_through_"


@pytest.mark.parametrize(
    "test",
    [
        f"{THREE_BUGS}client",
        f"{THREE_BUGS}async_client",
        "planted_tests/test_planted.py::ThreeBugsTestCase::test_three_bugs_through_async_client",
    ],
)
def test_one_bug_does_not_hide_the_next_in_report_mode(api_project, test):
    result = api_project.run("-s", "--async-verify", test)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "async-verify: 3 async-safety violations",
            "blocking call to time.sleep in async view catalog.planted.three_bugs",
            f"  at:      {planted(api_project, 'the first bug must not hide the next ones')} *",
            "SynchronousOnlyOperation from django.db.models.query.QuerySet.count in async view catalog.planted.three_bugs",
            f"  at:      {planted(api_project, 'a sync ORM call after it')} *",
            "SynchronousOnlyOperation from *ForwardManyToOneDescriptor.__get__ in async view catalog.planted.three_bugs",
            f"  at:      {planted(api_project, 'and a lazy foreign key')} *",
        ]
    )
    # Each recorded query went ahead on the test's connection: it saw the test's rows, even
    # those of a test whose transaction is rolled back at the end (Client, Django's TestCase).
    result.stdout.fnmatch_lines(['three-bugs answered 200 {"count": 2, "supplier": "Acme"}'])


def test_lending_the_tests_connection_leaks_nothing_into_the_next_tests(api_project):
    result = api_project.run(
        "--async-verify",
        f"{THREE_BUGS}client",
        f"{THREE_BUGS}async_client",
        "planted_tests/test_planted.py::test_after_them_a_sync_query_in_an_async_view_raises_again",
        "planted_tests/test_planted.py::test_after_them_the_tests_connection_is_its_own_again",
    )
    result.assert_outcomes(failed=2, passed=2)


def test_raise_mode_stops_at_the_first_violation(api_project):
    result = api_project.run("--async-verify", "--async-verify-mode=raise", f"{THREE_BUGS}client")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["async-verify: 1 async-safety violation", "blocking call to time.sleep in async view catalog.planted.three_bugs"]
    )
    assert "SynchronousOnlyOperation from" not in result.stdout.str()


def test_an_unknown_mode_is_a_usage_error(api_project):
    result = api_project.run("--async-verify", "-o", "async_verify_mode=loud", CLEAN_SUITE)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*async_verify_mode must be one of report, raise, not 'loud'*"])
