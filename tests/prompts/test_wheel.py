"""The cheatsheet ships inside the wheel and is loaded from the installed package."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hatchling.builders.wheel import WheelBuilder

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    return Path(next(WheelBuilder(str(REPO)).build(directory=str(out), versions=["standard"])))


def test_the_wheel_carries_the_cheatsheet_and_its_schema(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"verify/prompts/cheatsheet.yaml", "verify/prompts/cheatsheet.schema.json"} <= names


def test_an_installed_package_loads_the_cheatsheet_from_itself(wheel, tmp_path):
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    probe = (
        "import json; from verify.assist import cheatsheet; "
        "print(json.dumps([str(cheatsheet.builtin_dir()), len(cheatsheet.load().prompts)]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "site"), "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    directory, count = json.loads(result.stdout)
    assert directory == str(tmp_path / "site" / "verify" / "prompts")
    assert count == 10
