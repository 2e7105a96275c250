"""The README's worked example is real output, its configuration examples (README and
docs/configuration.md) are valid, and the recorded figures are the ones shown."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from verify.pipeline.config import parse

try:
    import tomllib
except ImportError:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def _examples() -> list[tuple[str, str, str]]:
    blocks = re.findall(r"<!-- example:([\w-]+) -->\n```console\n\$ (.*?)\n(.*?)```\n<!-- example:end -->", README, re.DOTALL)
    assert len(blocks) >= 2, "the README lost its worked example"
    return blocks


@pytest.mark.parametrize("name, command, expected", _examples(), ids=[b[0] for b in _examples()])
def test_worked_example_output_is_what_the_command_prints(name, command, expected):
    args = command.split()
    assert args[:2] == ["django-async-kit", "verify"]
    result = subprocess.run([sys.executable, "-m", "verify", *args[1:], "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout == expected, f"README example {name!r} is stale: run `{command}` and paste its output"


@pytest.mark.parametrize("page", ["README.md", "docs/configuration.md"])
def test_configuration_example_is_valid(page):
    [block] = re.findall(r"```toml\n(\[tool\.django-async-kit\].*?)```", (ROOT / page).read_text(), re.DOTALL)
    section = tomllib.loads(block)["tool"]["django-async-kit"]
    config = parse(section, ROOT / "pyproject.toml")
    assert config.select == ["DJA1", "DJA2", "DJA3"] and config.target_version == "5.2"


def _block(name: str) -> str:
    benchmarks = (ROOT / "docs" / "benchmarks.md").read_text()
    [block] = re.findall(rf"<!-- {name}:begin -->\n(.*?)<!-- {name}:end -->", benchmarks, re.DOTALL)
    return block


def test_measured_figures_are_the_recorded_results():
    import json

    sys.path.insert(0, str(ROOT / "bench"))
    import bench_recall
    import bench_verify

    speed = json.loads((ROOT / "bench" / "results" / "verify.json").read_text())
    recall = json.loads((ROOT / "bench" / "results" / "recall.json").read_text())
    assert _block("bench-verify") == bench_verify.readme_table(speed), "run `make bench-verify`, then `make docs`"
    assert _block("bench-recall") == bench_recall.readme_table(recall), "run `python bench/bench_recall.py --json`, then `make docs`"
    conversions = json.loads((ROOT / "bench" / "results" / "recall-conversions.json").read_text())
    assert _block("bench-recall-conversions") == bench_recall.readme_table(conversions), (
        "run `python bench/bench_recall.py --json --corpus tests/data/conversions`, then `make docs`")


def test_recorded_recall_is_the_current_verifiers():
    import json

    sys.path.insert(0, str(ROOT / "bench"))
    import bench_recall

    recorded = json.loads((ROOT / "bench" / "results" / "recall.json").read_text())
    current = bench_recall.run(ROOT / "tests" / "data" / "eval", "6.1")
    for key in ("db", "blocking", "helper"):
        assert current[key]["found"] == recorded[key]["found"], f"{key}: rerun `python bench/bench_recall.py --json`"
    assert len(current["false_positives"]) == len(recorded["false_positives"])
