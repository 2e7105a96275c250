import shutil
from pathlib import Path

import pytest

# The projects are run by pytester in a subprocess with their own settings; the main suite
# runs with the sample project's settings and must not import them.
collect_ignore = ["demo_project", "api_project"]

DEMO_PROJECT = Path(__file__).parent / "demo_project"
# An API project in the shape of real ones (django-ninja, adrf, logging to a file, templates,
# httpx2 to a local fake): its api_tests/ must pass with the plugin, its planted_tests/ fail.
API_PROJECT = Path(__file__).parent / "api_project"


class DemoProject:
    """A copy of a project in pytester's directory, run by pytest in a subprocess."""

    def __init__(self, pytester: pytest.Pytester, source: Path = DEMO_PROJECT) -> None:
        self.pytester = pytester
        self.source = source
        shutil.copytree(source, pytester.path, dirs_exist_ok=True)

    def run(self, *args: str) -> pytest.RunResult:
        return self.pytester.runpytest_subprocess("-v", "-p", "no:cacheprovider", *args)

    def where(self, source: str, file: str = "demo/views.py") -> str:
        """``file:line`` of the line holding ``source``, as the report prints it."""
        lines = (self.source / file).read_text().splitlines()
        (number,) = [number for number, line in enumerate(lines, start=1) if source in line]
        return f"{file}:{number}"

    def add_ini_line(self, line: str) -> None:
        ini = self.pytester.path / "pytest.ini"
        ini.write_text(f"{ini.read_text()}{line}\n")


@pytest.fixture
def demo(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> DemoProject:
    # pytest-django exported the main suite's settings module; it would beat the demo's ini.
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    return DemoProject(pytester)


@pytest.fixture
def api_project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> DemoProject:
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    return DemoProject(pytester, API_PROJECT)
