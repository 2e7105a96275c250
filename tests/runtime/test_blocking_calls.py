"""A blocking call in an async view passes unnoticed without the plugin and fails with it."""


def test_blocking_view_passes_without_the_plugin(demo):
    result = demo.run("demo_tests/test_blocking.py")
    result.assert_outcomes(passed=6)


def test_blocking_view_fails_with_a_report_naming_the_call_the_view_and_the_line(demo):
    result = demo.run("--async-verify", "demo_tests/test_blocking.py::test_sleepy_view_through_client")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "async-verify: 1 async-safety violation",
            "blocking call to time.sleep in async view demo.views.sleepy",
            "  request: GET /sleepy/ anonymous (no session cookie)",
            f"  at:      {demo.where('time.sleep(0.001)  # blocks the event loop')} in demo.views.sleepy",
            "           time.sleep(0.001)  # blocks the event loop",
            "  rule:    DJA302 blocking-sleep: *",
            "  fix:",
            "*await asyncio.sleep(*",
        ]
    )


def test_blocking_is_caught_through_async_client_and_in_direct_calls(demo):
    result = demo.run(
        "--async-verify",
        "demo_tests/test_blocking.py::test_sleepy_view_through_async_client",
        "demo_tests/test_blocking.py::test_sleepy_view_called_directly",
        "demo_tests/test_blocking.py::test_view_that_imported_sleep_by_name",
    )
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        [
            "*test_sleepy_view_through_async_client*",
            "blocking call to time.sleep in async view demo.views.sleepy",
            "  request: GET /sleepy/ anonymous (no session cookie)",
            "*test_sleepy_view_called_directly*",
            "blocking call to time.sleep in demo.views.sleepy",
            "  request: none (a direct call from the test, or code outside a view)",
            f"  at:      {demo.where('time.sleep(0.001)  # blocks the event loop')} in demo.views.sleepy",
            # `from time import sleep` ran after the plugin patched time.sleep: still caught.
            "*test_view_that_imported_sleep_by_name*",
            "blocking call to time.sleep in demo.views.naps",
        ]
    )


def test_a_blocking_call_inside_a_library_is_traced_to_the_projects_line(demo):
    result = demo.run("--async-verify", "demo_tests/test_blocking.py::test_view_whose_helper_blocks")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "blocking call to socket.socket.connect in async view demo.views.exchange_rate",
            "  request: GET /exchange-rate/ anonymous (no session cookie)",
            f"  at:      {demo.where('urllib.request.urlopen(', file='demo/rates.py')} in demo.rates.fetch_rate",
            "  rule:    DJA301 blocking-http-call: *",
        ]
    )


def test_a_view_that_swallows_the_error_still_fails(demo):
    result = demo.run("--async-verify", "demo_tests/test_blocking.py::test_view_that_swallows_the_error")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["blocking call to time.sleep in async view demo.views.swallows_blocking"])


def test_the_ini_option_turns_the_checks_on(demo):
    demo.add_ini_line("async_verify = true")
    result = demo.run("demo_tests/test_blocking.py::test_sleepy_view_through_client")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["async-verify: on *", "blocking call to time.sleep *"])


def test_the_plugin_does_nothing_until_enabled(demo):
    demo.pytester.makepyfile(
        test_inert="""
        import sys
        import time


        def test_nothing_patched_or_imported():
            assert type(time.sleep).__name__ == "builtin_function_or_method"
            assert "blockbuster" not in sys.modules
            assert not [name for name in sys.modules if name.startswith("verify.runtime")]
        """
    )
    result = demo.run("test_inert.py")
    result.assert_outcomes(passed=1)
    assert "async-verify: on" not in result.stdout.str()


def test_django_testcase_sync_and_async_methods_are_checked_too(demo):
    demo.run("demo_tests/test_django_testcase.py").assert_outcomes(passed=2)
    result = demo.run("--async-verify", "demo_tests/test_django_testcase.py")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*SleepyViewTests.test_through_async_client*",
            "blocking call to time.sleep in async view demo.views.sleepy",
            "*SleepyViewTests.test_through_client*",
            "blocking call to time.sleep in async view demo.views.sleepy",
        ]
    )


def test_a_test_that_fails_on_its_own_keeps_its_error_and_lists_the_violations(demo):
    demo.pytester.makepyfile(
        test_own_failure="""
        def test_sleepy_view_and_a_wrong_expectation(client):
            assert client.get("/sleepy/").status_code == 418, "the test's own expectation"
        """
    )
    result = demo.run("--async-verify", "test_own_failure.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*AssertionError: the test's own expectation*", "*async-verify*",
                                 "blocking call to time.sleep in async view demo.views.sleepy"])
