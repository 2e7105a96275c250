"""``asyncio.gather`` over Django ORM calls runs them one after the other, not in parallel.

Django's async ORM methods are ``sync_to_async`` wrappers, and every thread-sensitive call made
on behalf of one request (or one test) runs on the same single thread. The README's
"Does async help?" section relies on this.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.db.models.expressions import RawSQL

from shop.models import Category

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

QUERY_SECONDS = 0.15


@sync_to_async
def _slow_query_sql() -> str:
    """SQL for an expression that takes QUERY_SECONDS, on this thread's connection."""
    if connection.vendor == "postgresql":
        return "(SELECT 1 FROM pg_sleep(%s))"
    connection.ensure_connection()
    connection.connection.create_function("sleep_seconds", 1, lambda seconds: time.sleep(seconds) or 1)
    return "sleep_seconds(%s)"


async def test_gather_over_orm_calls_takes_as_long_as_awaiting_them_in_turn(shop):
    sql = await _slow_query_sql()
    category = await Category.objects.afirst()

    def slow_query():
        return Category.objects.annotate(pause=RawSQL(sql, [QUERY_SECONDS])).aget(pk=category.pk)

    started = time.perf_counter()
    for _ in range(3):
        await slow_query()
    in_turn = time.perf_counter() - started

    started = time.perf_counter()
    results = await asyncio.gather(slow_query(), slow_query(), slow_query())
    gathered = time.perf_counter() - started

    assert [result.pause for result in results] == [1, 1, 1]
    assert in_turn >= 3 * QUERY_SECONDS
    assert gathered >= 3 * QUERY_SECONDS, f"gather took {gathered:.3f}s: the queries did overlap"
