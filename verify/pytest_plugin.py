"""pytest plugin: turn a project's existing Django tests into async-safety checks.

Loaded in every pytest run through the ``pytest11`` entry point, so at import time and while
disabled it only declares its options, marker and fixtures; Django, blockbuster and the rest of
:mod:`verify.runtime` are imported when ``--async-verify`` (or ``async_verify = true``) turns it on.

When on, each test's call phase runs with ``DJANGO_ALLOW_ASYNC_UNSAFE`` unset and with every
blocking call or ``SynchronousOnlyOperation`` made by the project's code on an event loop recorded;
a test that recorded any fails with a report (see :mod:`verify.runtime.report`). What is exempt
and what the options change is in ``docs/runtime.md``.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from verify.runtime.detector import Detector

_DETECTOR = pytest.StashKey["Detector"]()
_UNINSTALLERS = pytest.StashKey[list]()
_VIOLATIONS = pytest.StashKey[list]()
SKIP_MARKER = "no_async_verify"
MODES = ("report", "raise")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("async-verify", "django-async-kit runtime checks of async views")
    group.addoption(
        "--async-verify",
        action="store_true",
        default=False,
        help="fail tests in which an async view blocks the event loop or raises SynchronousOnlyOperation",
    )
    group.addoption(
        "--async-verify-urls",
        action="store_true",
        default=False,
        help="also request every URL routed to an async view, anonymously, logged in and as "
        "async_verify_other_user if defined; list each status (implies --async-verify)",
    )
    group.addoption(
        "--async-verify-mode",
        choices=MODES,
        default=None,
        help="report (default): let each blocking call go ahead, as in production, and fail the test "
        "once, listing every violation; raise: raise BlockingError where the call happens",
    )
    parser.addini("async_verify", type="bool", default=False, help="turn on --async-verify")
    parser.addini("async_verify_mode", default="report", help="report or raise (see --async-verify-mode)")
    parser.addini(
        "async_verify_fetch_raise",
        type="bool",
        default=False,
        help="QuerySets made by async views load with FETCH_RAISE (Django 6.1+): any lazy load raises",
    )
    parser.addini(
        "async_verify_report_logging",
        type="bool",
        default=False,
        help="also report blocking writes made by logging handlers (exempt by default)",
    )
    parser.addini(
        "async_verify_paths",
        type="paths",
        default=[],
        help="directories of the project's own code (default: the rootdir); test files never count",
    )


def _is_enabled(config: pytest.Config) -> bool:
    return bool(
        config.getoption("async_verify") or config.getoption("async_verify_urls") or config.getini("async_verify")
    )


# Installed here, before collection, so that the patches are in place before test modules import
# the views: blockbuster cannot see `from time import sleep` references taken before it is active.
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{SKIP_MARKER}: do not check this test with --async-verify (e.g. Playwright tests)"
    )
    if not _is_enabled(config):
        return
    try:
        import blockbuster  # noqa: F401
        import django  # noqa: F401
    except ImportError as error:
        raise pytest.UsageError(
            f"--async-verify needs Django and blockbuster ({error}): pip install 'django-async-kit[runtime]'"
        ) from None
    from verify.runtime.detector import Detector
    from verify.runtime.django_hooks import ViewHook
    from verify.runtime.project_code import ProjectCode

    mode = config.getoption("async_verify_mode") or config.getini("async_verify_mode")
    if mode not in MODES:
        raise pytest.UsageError(f"async_verify_mode must be one of {', '.join(MODES)}, not {mode!r}")
    uninstallers = []
    if config.getini("async_verify_fetch_raise"):
        from verify.runtime.fetch_mode import FetchRaiseHook, fetch_modes_available

        if not fetch_modes_available():
            raise pytest.UsageError("async_verify_fetch_raise needs Django 6.1 or later (fetch modes)")
        fetch_hook = FetchRaiseHook()
        fetch_hook.install()
        uninstallers.append(fetch_hook.uninstall)
    project = ProjectCode(config.getini("async_verify_paths") or [config.rootpath], config.getini("python_files"))
    detector = Detector(
        project, raise_errors=mode == "raise", report_logging=config.getini("async_verify_report_logging")
    )
    view_hook = ViewHook(detector.lent_connections)
    detector.install()
    view_hook.install()
    config.stash[_DETECTOR] = detector
    config.stash[_UNINSTALLERS] = [*uninstallers, view_hook.uninstall, detector.uninstall]


def pytest_unconfigure(config: pytest.Config) -> None:
    for uninstall in config.stash.get(_UNINSTALLERS, []):
        uninstall()


def pytest_report_header(config: pytest.Config) -> str | None:
    if _DETECTOR not in config.stash:
        return None
    return "async-verify: on (blocking calls and SynchronousOnlyOperation in async views fail the test)"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    detector = item.config.stash.get(_DETECTOR, None)
    if detector is None or item.get_closest_marker(SKIP_MARKER):
        return (yield)
    with detector.watching() as violations:
        item.stash[_VIOLATIONS] = violations
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # The verdict goes on the report rather than into an exception raised from the call: that
    # also covers unittest-style tests (Django's TestCase), whose errors pytest takes from
    # unittest's result, and views that swallowed the error (`except Exception:`).
    report = yield
    violations = item.stash.get(_VIOLATIONS, None)
    # An xfail test is expected to fail: its violations change nothing.
    if call.when == "call" and violations and not hasattr(report, "wasxfail"):
        from verify.runtime.report import failure_message

        message = failure_message(violations, item.config.rootpath)
        if report.failed:  # the test's own failure stays the verdict; the violations go with it
            report.sections.append(("async-verify", message))
        else:
            report.outcome = "failed"
            report.longrepr = message
    return report


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselection, so it applies to the generated tests
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("async_verify_urls"):
        from verify.runtime.url_checks import collect_url_checks

        items.extend(collect_url_checks(session, items))


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if not config.getoption("async_verify_urls"):
        return
    from verify.runtime.url_checks import status_summary

    lines = status_summary(config)
    if lines:
        terminalreporter.section("async-verify URL checks: status per identity")
        for line in lines:
            terminalreporter.line(line)


@pytest.fixture
def async_verify_user(django_user_model, db):
    """The user that logged-in requests run as; override it to test as staff or with permissions."""
    username_field = django_user_model.USERNAME_FIELD
    return django_user_model.objects.create_user(
        **{username_field: "async-verify-user"}, password="async-verify-password"
    )


@pytest.fixture
def async_verify_url_kwargs() -> dict[str, dict]:
    """URL kwargs for ``--async-verify-urls``, by URL name (``"shop:order"``); override to add some."""
    return {}


@pytest.fixture
def assert_views_equivalent(async_verify_user):
    """:func:`verify.runtime.equivalence.assert_views_equivalent` with ``async_verify_user`` logged in."""
    from verify.runtime.equivalence import assert_views_equivalent

    return functools.partial(assert_views_equivalent, user=async_verify_user)

