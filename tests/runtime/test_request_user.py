"""`request.user` in an async view only queries the database when a session exists."""


def test_request_user_fails_only_for_the_logged_in_request_and_the_report_says_so(demo):
    result = demo.run("--async-verify", "demo_tests/test_request_user.py")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*test_whoami_anonymous PASSED*",
            "*test_whoami_logged_in FAILED*",
            "SynchronousOnlyOperation from django.contrib.auth.middleware.get_user in async view demo.views.whoami",
            "  request: GET /whoami/ with a session cookie (logged-in user)",
            f"  at:      {demo.where('if request.user.is_authenticated:')} in demo.views.whoami",
            "           if request.user.is_authenticated:",
            "  rule:    DJA107 request-user-in-async: *",
            "  fix:",
            "*await request.auser()*",
        ]
    )
