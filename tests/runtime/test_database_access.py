"""SynchronousOnlyOperation from the ORM: reported with the static rule that matches it."""


def test_sync_orm_call_maps_to_the_sync_orm_rule(demo):
    result = demo.run("--async-verify", "demo_tests/test_orm.py::test_sync_orm_in_async_view")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "SynchronousOnlyOperation from django.db.models.query.QuerySet.count in async view demo.views.order_count",
            "  at:      demo/views.py:49 in demo.views.order_count",
            "  rule:    DJA102 sync-orm-call: *",
        ]
    )


def test_lazy_foreign_key_maps_to_the_lazy_relation_rule(demo):
    result = demo.run("--async-verify", "demo_tests/test_orm.py::test_lazy_relation_in_async_view")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "SynchronousOnlyOperation from *ForwardManyToOneDescriptor.__get__ in async view demo.views.order_customer",
            "  request: GET /orders/*/customer/ anonymous (no session cookie)",
            "  rule:    DJA106 lazy-relation-access: *",
        ]
    )
