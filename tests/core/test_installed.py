"""verify.project.installed: the one reader of what is installed, in the project's virtualenvs
and in the environment the kit runs in."""

from __future__ import annotations

import re
import sys
from importlib.metadata import version
from pathlib import Path

from verify.project import installed
from verify.project.dependencies import detect_dependencies
from verify.project.target import detect_django_version, installed_django_version

PACKAGE = Path(__file__).resolve().parents[2] / "verify"


def _venv(root: Path, *dist_infos: str, python: str = "python3.12") -> Path:
    site_packages = root / ".venv" / "lib" / python / "site-packages"
    for name in dist_infos:
        (site_packages / name).mkdir(parents=True)
    site_packages.mkdir(parents=True, exist_ok=True)
    return site_packages


def test_a_project_virtualenv_lists_its_distributions_by_normalised_name(tmp_path):
    site_packages = _venv(tmp_path, "Django-5.1.4.dist-info", "django_ninja-1.3.0.dist-info", "not-a-distribution", "psycopg.egg-info")
    assert list(installed.project_site_packages(tmp_path)) == [(tmp_path / ".venv", site_packages)]
    assert sorted(installed.distributions(site_packages)) == [("django", "5.1.4"), ("django-ninja", "1.3.0")]


def test_the_dependencies_and_the_django_version_read_the_virtualenv_through_it(tmp_path):
    _venv(tmp_path, "Django-5.1.4.dist-info", "Channels-4.2.0.dist-info")
    found = detect_dependencies([tmp_path])
    assert found["django"].version == (5, 1) and found["django"].source == "installed in .venv/: django 5.1.4"
    assert found["channels"].version == (4, 2) and not found["channels"].direct  # installed is never a reason to use it
    assert detect_django_version(tmp_path) == ((5, 1), "installed in .venv/: django 5.1.4")


def test_the_installed_django_is_read_without_importing_it():
    before = set(sys.modules)
    release = installed.installed_django_release()
    assert release == version("django")
    assert installed_django_version() == tuple(int(part) for part in release.split(".")[:2])
    assert not {name for name in set(sys.modules) - before if name == "django" or name.startswith("django.")}


def test_the_kit_environment_holds_its_site_packages_and_standard_library():
    import sysconfig

    folders = installed.kit_environment_folders()
    assert sysconfig.get_paths()["stdlib"] in folders and sysconfig.get_paths()["purelib"] in folders
    assert Path(sysconfig.get_paths()["purelib"]) in installed.kit_site_packages()


# What only the one reader may do: read distribution metadata, find or scan installed packages.
_READING_INSTALLED = re.compile(r"importlib\.metadata|importlib_metadata|pkg_resources|\.dist-info|getsitepackages|find_spec\(|"
                                r"site-packages\"\)|lib/python3\*/site-packages|\"site-packages\" in")


def test_no_other_module_reads_what_is_installed():
    readers = sorted(path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
                     if _READING_INSTALLED.search(path.read_text(encoding="utf-8")))
    assert readers == ["project/installed.py"]
