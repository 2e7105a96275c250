"""The composite GitHub Action (action.yml): its inputs, its install step, and its verify step's
script run locally with the inputs of the workflow snippets of docs/integrations.md, as the runner would run it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from integration_support import BAD_LINE, BAD_VIEW, GOOD_VIEW, REPO, SNIPPETS, make_project, offline_pip_env
from readers import parse_annotation, sarif_schema_errors

from verify import __version__
from verify.assist.install import INSTALL_COMMAND

ACTION = yaml.safe_load((REPO / "action.yml").read_text())
ACTION_REF = f"django-async-kit/django-async-kit@v{__version__}"
KIT_BIN = str(Path(sys.executable).parent)  # where this test environment's `django-async-kit` lives


def step(name: str) -> dict:
    [found] = [s for s in ACTION["runs"]["steps"] if s["name"] == name]
    return found


def action_inputs_of(workflow: Path) -> dict[str, str]:
    """The `with:` of the workflow's step that uses this action at this version."""
    steps = yaml.safe_load(workflow.read_text())["jobs"]["verify"]["steps"]
    [uses] = [s for s in steps if s.get("uses", "").startswith("django-async-kit/django-async-kit@")]
    assert uses["uses"] == ACTION_REF, "the documented workflows must use the action at the kit's version"
    return {key: str(value) for key, value in uses.get("with", {}).items()}


def expand(value: str, inputs: dict[str, str], kit_bin: str) -> str:
    """Evaluate the `${{ ... }}` expressions the verify step uses."""
    def evaluate(match: re.Match) -> str:
        expression = match.group(1)
        if expression == "steps.install.outputs.bin":
            return kit_bin
        name = expression.removeprefix("inputs.")
        assert name in ACTION["inputs"], f"unknown expression {expression}"
        return inputs.get(name, ACTION["inputs"][name]["default"])

    return re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", evaluate, value)


def run_bash_step(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    # GitHub runs `shell: bash` steps as `bash --noprofile --norc -eo pipefail {0}`.
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                          cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)


def run_verify_step(project: Path, inputs: dict[str, str], kit_bin: str = KIT_BIN) -> subprocess.CompletedProcess:
    verify = step("Verify")
    unknown = set(inputs) - set(ACTION["inputs"])
    assert not unknown, f"inputs the action does not declare: {unknown}"
    return run_bash_step(verify["run"], project, {key: expand(value, inputs, kit_bin) for key, value in verify["env"].items()})


def run_install_step(runner_temp: Path, wheels: Path) -> dict[str, str]:
    """The install step as the runner runs it, with pip reading the wheelhouse; the step's outputs."""
    runner_temp.mkdir()
    outputs = runner_temp / "github_output"
    env = {**offline_pip_env(wheels), "RUNNER_TEMP": str(runner_temp), "GITHUB_OUTPUT": str(outputs),
           "PATH": f"{KIT_BIN}{os.pathsep}{os.environ['PATH']}"}  # this Python first, as actions/setup-python does
    result = run_bash_step(step("Install django-async-kit")["run"], runner_temp, env)
    assert result.returncode == 0, result.stdout + result.stderr
    return dict(line.split("=", 1) for line in outputs.read_text().splitlines())


def test_action_is_composite_with_documented_inputs() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {"paths", "select", "ignore", "target-version", "sarif-file", "args"}
    for name, spec in ACTION["inputs"].items():
        assert spec["description"] and "default" in spec, name
    for action_step in ACTION["runs"]["steps"]:
        assert action_step["shell"] == "bash", "composite run steps must name their shell"
        assert "${{" not in action_step["run"], "inputs must reach scripts through env, not be pasted into them"


def test_install_step_uses_the_shared_pinned_install_command() -> None:
    install = step("Install django-async-kit")
    assert install["id"] == "install"
    assert INSTALL_COMMAND in install["run"].splitlines()
    assert 'echo "bin=' in install["run"], "the verify step finds the kit through this output"


def test_action_installs_the_pinned_kit_in_its_own_virtualenv_and_annotates(tmp_path: Path, wheelhouse: Path) -> None:
    outputs = run_install_step(tmp_path / "runner-temp", wheelhouse)
    kit_bin = Path(outputs["bin"])
    assert kit_bin.is_relative_to(tmp_path / "runner-temp")
    version = subprocess.run([kit_bin / "django-async-kit", "--version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.strip() == f"django-async-kit {__version__}"

    project = make_project(tmp_path / "project", BAD_VIEW)
    result = run_verify_step(project, action_inputs_of(SNIPPETS / "github-workflow.yml"), kit_bin=str(kit_bin))
    assert result.returncode == 1, result.stderr
    assert parse_annotation(result.stdout.splitlines()[0])[1]["title"] == "DJA102 sync-orm-call"


def test_annotations_workflow_snippet_fails_on_a_bad_view(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", BAD_VIEW)
    inputs = action_inputs_of(SNIPPETS / "github-workflow.yml")
    result = run_verify_step(project, inputs)
    assert result.returncode == 1, result.stderr
    [line] = result.stdout.splitlines()
    level, properties, message = parse_annotation(line)
    assert (level, properties["file"], properties["line"], properties["title"]) == ("error", "shop/views.py", str(BAD_LINE), "DJA102 sync-orm-call")
    assert "Product.objects.get" in message


def test_annotations_workflow_snippet_passes_a_good_view(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", GOOD_VIEW)
    result = run_verify_step(project, action_inputs_of(SNIPPETS / "github-workflow.yml"))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_code_scanning_snippet_writes_the_sarif_file_it_uploads(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", BAD_VIEW)
    workflow = yaml.safe_load((SNIPPETS / "code-scanning-workflow.yml").read_text())
    [upload] = [s for s in workflow["jobs"]["verify"]["steps"] if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    assert workflow["permissions"]["security-events"] == "write"
    inputs = action_inputs_of(SNIPPETS / "code-scanning-workflow.yml")
    assert upload["with"]["sarif_file"] == inputs["sarif-file"]

    result = run_verify_step(project, inputs)

    assert result.returncode == 0, "the snippet leaves failing to code scanning (--exit-zero)"
    assert len(result.stdout.splitlines()) == 1, "annotations are still printed"
    log = json.loads((project / upload["with"]["sarif_file"]).read_text())
    assert sarif_schema_errors(log) == []
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["DJA102"]


@pytest.mark.parametrize(("inputs", "expected_codes"), [
    ({"select": "DJA2"}, []),
    ({"ignore": "DJA102"}, []),
    ({"select": "DJA1", "paths": "shop/views.py"}, ["DJA102"]),
    ({"paths": "other.py\nshop"}, ["DJA102"]),
    ({"target-version": "4.2", "args": "--exit-zero"}, ["DJA102"]),
])
def test_inputs_reach_the_verifier(tmp_path: Path, inputs: dict[str, str], expected_codes: list[str]) -> None:
    project = make_project(tmp_path / "project", BAD_VIEW)
    (project / "other.py").write_text("async def helper():\n    return 1\n")
    result = run_verify_step(project, {**inputs, "sarif-file": "out.sarif"})
    log = json.loads((project / "out.sarif").read_text())
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == expected_codes
    exit_zero = "--exit-zero" in inputs.get("args", "")
    assert result.returncode == (1 if expected_codes and not exit_zero else 0), result.stderr


def test_paths_are_not_glob_expanded(tmp_path: Path) -> None:
    # Word splitting would expand `*` in the runner's working directory: the verifier must see it as typed.
    project = make_project(tmp_path / "project", BAD_VIEW)
    result = run_verify_step(project, {"paths": "shop/*.py"})
    assert result.returncode == 2
    assert "shop/*.py" in result.stderr
