"""The kit's steps join a copilot-setup-steps workflow the user already wrote."""

from __future__ import annotations

import pytest
import yaml

from verify.assist.install import INSTALL_COMMAND
from verify.assist.safe_write import ManagedFile, UnmergeableFileError, apply_writes, plan_write
from verify.assist.setup_steps import insert_setup_steps

HAND_WRITTEN = """\
name: Copilot setup steps   # ours
on: workflow_dispatch

jobs:
  copilot-setup-steps:
    runs-on: ubuntu-latest
    steps:
    # checkout first
    - uses: actions/checkout@v5
    - name: Node
      uses: actions/setup-node@v4
      with:
        node-version: 22

    timeout-minutes: 20
"""


@pytest.fixture
def workflow(tmp_path, render_all):
    generated = render_all()[".github/workflows/copilot-setup-steps.yml"]
    path = tmp_path / ".github" / "workflows" / "copilot-setup-steps.yml"
    path.parent.mkdir(parents=True)
    return path, generated


def steps_of(text: str) -> list[dict]:
    return yaml.safe_load(text)["jobs"]["copilot-setup-steps"]["steps"]


def test_kit_steps_go_after_the_users_steps_and_everything_else_stays(workflow):
    path, generated = workflow
    path.write_text(HAND_WRITTEN)

    apply_writes([plan_write(ManagedFile.yaml(path, generated, insert_setup_steps))])

    text = path.read_text()
    steps = steps_of(text)
    assert steps[:2] == [{"uses": "actions/checkout@v5"}, {"name": "Node", "uses": "actions/setup-node@v4", "with": {"node-version": 22}}]
    assert steps[-2]["run"] == INSTALL_COMMAND
    assert yaml.safe_load(text)["jobs"]["copilot-setup-steps"]["timeout-minutes"] == 20
    kit_start = text.index("    # django-async-kit:begin\n")
    assert text[:kit_start] == HAND_WRITTEN[: HAND_WRITTEN.index("\n\n    timeout") + 1]
    assert text.endswith("    # django-async-kit:end\n\n    timeout-minutes: 20\n")
    # Now the markers are there: the next run refreshes in place and changes nothing.
    assert plan_write(ManagedFile.yaml(path, generated, insert_setup_steps)).changed is False


def test_deeper_list_indentation_is_matched(workflow):
    path, generated = workflow
    deeper = "jobs:\n    copilot-setup-steps:\n        steps:\n            -   uses: actions/checkout@v5\n"
    merged = insert_setup_steps(deeper, ManagedFile.yaml(path, generated).marked_block)
    assert [step.get("run") for step in steps_of(merged)][-2] == INSTALL_COMMAND
    assert "\n            # django-async-kit:begin\n            - name: Install the project's dependencies\n" in merged


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("jobs:\n  build:\n    steps:\n      - run: make\n", "no copilot-setup-steps job"),
        ("jobs:\n  copilot-setup-steps:\n    steps: [{uses: actions/checkout@v5}]\n", "no block-style steps list"),
        ("jobs:\n  copilot-setup-steps:\n    runs-on: ubuntu-latest\n", "no block-style steps list"),
    ],
)
def test_workflows_without_a_place_for_the_steps_are_refused(workflow, text, reason):
    path, generated = workflow
    with pytest.raises(UnmergeableFileError, match=reason):
        insert_setup_steps(text, ManagedFile.yaml(path, generated).marked_block)
