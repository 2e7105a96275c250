"""SynchronousOnlyOperation from the ORM: reported with the static rule that matches it."""


def test_sync_orm_calls_and_lazy_relations_are_reported_with_their_rules(demo):
    result = demo.run("--async-verify", "demo_tests/test_orm.py")
    result.assert_outcomes(failed=2, passed=1)  # a lazy load in a worker thread is legal
    count_line = demo.where('JsonResponse({"count": Order.objects.count()})')
    result.stdout.fnmatch_lines(
        [
            "SynchronousOnlyOperation from django.db.models.query.QuerySet.count in async view demo.views.order_count",
            "  request: GET /orders/count/ anonymous (no session cookie)",
            f"  at:      {count_line} in demo.views.order_count",
            "           return JsonResponse({\"count\": Order.objects.count()})  # sync ORM on the loop",
            "  rule:    DJA102 sync-orm-call: *",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "SynchronousOnlyOperation from *ForwardManyToOneDescriptor.__get__ in async view demo.views.order_customer",
            "  request: GET /orders/*/customer/ anonymous (no session cookie)",
            f"  at:      {demo.where('order.customer.get_username()')} in demo.views.order_customer",
            "  rule:    DJA106 lazy-relation-access: *",
        ]
    )


def test_django_allow_async_unsafe_does_not_hide_them(demo, monkeypatch):
    # Projects set it for Playwright or notebooks; it silences SynchronousOnlyOperation.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    demo.run("demo_tests/test_orm.py::test_sync_orm_in_async_view").assert_outcomes(passed=1)
    result = demo.run("--async-verify", "demo_tests/test_orm.py::test_sync_orm_in_async_view")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["SynchronousOnlyOperation from django.db.models.query.QuerySet.count *"])


def test_fetch_raise_makes_a_lazy_load_in_a_helper_thread_fail(demo):
    demo.add_ini_line("async_verify_fetch_raise = true")
    result = demo.run("--async-verify", "demo_tests/test_orm.py::test_lazy_relation_in_a_helper_thread")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*FieldFetchBlocked: Fetching of Order.customer blocked.*"])
    # Views that load what they read are unaffected.
    demo.run("--async-verify", "demo_tests/test_equivalence.py::test_twins_answer_alike").assert_outcomes(passed=1)
