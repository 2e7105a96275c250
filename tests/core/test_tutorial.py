"""The tutorial's own "after" code is a fixture: each of its real bugs must be reported."""

from pathlib import Path

from verify.api import check_source

FIXTURE = Path(__file__).parent.parent / "data" / "tutorial_after"

# (line, code): the bugs a Django 6.1 reviewer finds in the tutorial's conversions.
EXPECTED = {
    (23, "DJA106"),  # product.category: lazy foreign key after a plain aget()
    (27, "DJA104"),  # asyncio.gather(reviews_task, ...): a QuerySet is not awaitable
    (28, "DJA104"),  # ... related_task too
    (39, "DJA107"),  # user = request.user
    (40, "DJA105"),  # await user.aprofile does not exist
    (63, "DJA107"),  # request.user.is_authenticated
    (71, "DJA107"),  # order.user != request.user
    (80, "DJA107"),  # request.user.email
    (83, "DJA104"),  # asyncio.gather(items_task, ...): QuerySet again
}


def _findings():
    source = (FIXTURE / "views.py").read_text()
    models = (FIXTURE / "models.py").read_text()
    return check_source(source, "tutorial_after/views.py", target_version=(6, 1), models_source=models, select=["DJA1", "DJA2"])


def test_every_bug_of_the_tutorial_after_code_is_reported():
    found = {(f.line, f.code) for f in _findings()}
    assert EXPECTED <= found


def test_nothing_else_is_reported_in_the_tutorial_after_code():
    found = {(f.line, f.code) for f in _findings()}
    assert found - EXPECTED == set()
