"""What the plugin must leave alone: code on worker threads, sync views, the tests' own code."""


def test_safe_views_pass_with_the_plugin(demo):
    result = demo.run("--async-verify", "demo_tests/test_safe_views.py")
    # One pattern per test: pytest-django runs the database tests first.
    for line in (
        "*::test_template_response_with_lazy_queryset PASSED*",
        "*::test_template_response_with_lazy_queryset_through_async_client PASSED*",
        "*::test_sync_view_that_sleeps PASSED*",
        "*::test_async_view_that_offloads_its_sleep PASSED*",
        "*::test_async_orm_view PASSED*",
        "*::test_test_code_may_block_the_loop PASSED*",
    ):
        result.stdout.fnmatch_lines([line])
    result.assert_outcomes(passed=6)


def test_a_test_can_opt_out_with_the_marker(demo):
    demo.pytester.makepyfile(
        test_opt_out="""
        import pytest


        @pytest.mark.no_async_verify
        def test_sleepy_view(client):
            assert client.get("/sleepy/").status_code == 200
        """
    )
    demo.run("--async-verify", "test_opt_out.py").assert_outcomes(passed=1)
