"""``bench/bench_runtime_suites.py`` without the network: its planting, its run and its reading of the
report, on a small local project in place of a public one."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "bench_runtime_suites.py"
SETTINGS = """
SECRET_KEY = "bench-test"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
ROOT_URLCONF = "shop.urls"
USE_TZ = True
"""
PYTEST_INI = """[pytest]
DJANGO_SETTINGS_MODULE = shop.settings
django_find_project = false
pythonpath = .
"""


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_runtime_suites", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text('__version__ = "1.2.3"\n')
    (tmp_path / "shop" / "settings.py").write_text(SETTINGS)
    (tmp_path / "shop" / "urls.py").write_text("urlpatterns = []\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_shop.py").write_text("def test_nothing():\n    pass\n")
    (tmp_path / "pytest.ini").write_text(PYTEST_INI)
    return tmp_path


def test_the_three_planted_bugs_are_found_at_their_lines(bench, project, tmp_path):
    suite = bench.Suite("shop", "example/shop", "0" * 40, "shop", "tests", ())
    bench.plant(suite, project)
    run = bench.run_tests(
        Path(sys.executable),
        project,
        ["--async-verify", "-o", f"async_verify_paths={project / 'shop'}", "tests"],
        tmp_path / "run.xml",
        load_kit=False,  # installed in this environment: pytest loads it through its entry point
    )

    assert run.outcomes == {
        "tests.test_async_verify_planted::test_planted_bugs": "failed",
        "tests.test_shop::test_nothing": "passed",
    }
    findings = bench.planted_findings(suite, run.output)
    assert findings == {
        "time.sleep": {"where": "shop/async_verify_planted.py:11", "reported": True},
        "sync ORM call": {"where": "shop/async_verify_planted.py:12", "reported": True},
        "lazy foreign key": {"where": "shop/async_verify_planted.py:14", "reported": True},
    }


def test_a_bug_the_report_does_not_name_is_missed(bench):
    suite = bench.Suite("shop", "example/shop", "0" * 40, "shop", "tests", ())
    output = (
        "async-verify: 3 async-safety violations\n"
        "  at:      shop/async_verify_planted.py:11 in shop.x\n"
        # Absolute when pytest's rootdir is the test directory (a tests/pytest.ini).
        "  at:      /src/shop/shop/async_verify_planted.py:12 in shop.x\n"
        "  at:      shop/async_verify_planted.py:13 in shop.x\n"  # not the lazy load's line (14)
    )
    findings = bench.planted_findings(suite, output)
    assert [bug for bug, finding in findings.items() if finding["reported"]] == ["time.sleep", "sync ORM call"]


def test_the_results_render_as_the_readme_table():
    from verify.docgen.runtime_suites import summary_table

    suite = {
        "name": "shop", "version": "1.2.3", "commit": "abcdef0123", "tests": 12,
        "plain": {"passed": 11, "failed": 1, "skipped": 0}, "checked": {"passed": 10, "failed": 2, "skipped": 0},
        "wall_seconds": {"plain": 10.0, "checked": 11.0}, "cpu_seconds": {"plain": 4.0, "checked": 4.2},
        "planted": {"time.sleep": {"reported": True}, "sync ORM call": {"reported": True},
                    "lazy foreign key": {"reported": False}},
    }  # fmt: skip
    table = summary_table({"suites": [suite]})
    row = "| shop (1.2.3, abcdef0) | 12 | 11 passed, 1 failed | 10 passed, 2 failed | 10.0 s / 11.0 s (1.10x) "
    assert row in table
    assert "| 4.0 s / 4.2 s (1.05x) | 2 / 3 |" in table
