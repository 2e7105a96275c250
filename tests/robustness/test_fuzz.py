"""The fuzz target (tests/robustness/fuzz.py): a short derandomized pass in every test run;
``make fuzz`` runs it randomized for ``FUZZ_SECONDS``."""

import os
import time

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from .fuzz import exercise, mutated_sources, view_modules

FUZZ_SECONDS = float(os.environ.get("FUZZ_SECONDS", "0"))  # 0: the short pass of `make test`
CHECKS = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck), print_blob=True,
              phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink])  # (explain traces every line: slow)
if FUZZ_SECONDS:  # rounds of fresh random examples, repeated until the time is up
    PROFILE = settings(max_examples=25, derandomize=False, **CHECKS)
else:
    PROFILE = settings(max_examples=6, derandomize=True, **CHECKS)


def _run(test) -> None:
    """The short pass once; under `make fuzz`, rounds for half of FUZZ_SECONDS per target."""
    stop = time.monotonic() + FUZZ_SECONDS / 2
    test()
    while time.monotonic() < stop:
        test()


@PROFILE
@given(view_modules())
def _generated(source: str) -> None:
    exercise(source.encode())


@PROFILE
@given(mutated_sources())
def _mutated(source: bytes) -> None:
    exercise(source)


@pytest.mark.parametrize("test", [_generated, _mutated], ids=["generated", "mutated"])
def test_fuzz(test):
    _run(test)
