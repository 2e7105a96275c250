"""``verify --changed`` and ``verify --compare`` as a user runs them: which files, which base, which errors."""

import json
import os
import subprocess
import sys

from verify.compare.run import check_changed

from .gitrepo import MAIN, run_verify
from .test_order_view_conversions import CARELESS, SYNC

BLOCKING = '''
from .models import Order


async def order_count(request):
    return Order.objects.count()
'''


def test_outside_a_git_repository_changed_says_so_and_exits_2(tmp_path, monkeypatch):
    # Stop git from finding a repository above the temporary folder.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    result = run_verify("--changed", cwd=tmp_path)
    assert result.returncode == 2
    assert "is not inside a git repository" in result.stderr


def test_unknown_base_is_a_clear_error(repo):
    repo.write("shop/views.py", SYNC)
    repo.commit()
    result = repo.verify("--changed", "--base", "no-such-branch")
    assert result.returncode == 2
    assert "--base no-such-branch: no such revision" in result.stderr


def test_repository_without_commits_is_a_clear_error(repo):
    result = repo.verify("--changed")
    assert result.returncode == 2
    assert "has no commit yet" in result.stderr


def test_base_without_changed_is_a_usage_error(repo):
    result = repo.verify("--base", "HEAD")
    assert result.returncode == 2 and "--base goes with --changed" in result.stderr


def test_only_changed_files_are_checked_and_all_rules_run_on_them(repo):
    repo.write("shop/reports.py", BLOCKING)  # committed: not checked by --changed
    repo.write("shop/views.py", SYNC)
    repo.commit()
    repo.write("shop/views.py", CARELESS)
    repo.write("shop/stats.py", BLOCKING)  # untracked: checked
    result = repo.verify("--changed")
    assert result.returncode == 1
    paths = {finding["path"] for finding in result.findings}
    assert paths == {"shop/views.py", "shop/stats.py"}
    assert "DJA102" in [f["code"] for f in result.findings if f["path"] == "shop/stats.py"]
    assert sorted(result.codes()) == ["DJA502", "DJA503", "DJA504"]


def test_staged_and_unstaged_edits_are_both_compared_with_head(repo):
    repo.write("shop/views.py", SYNC)
    repo.commit()
    repo.write("shop/views.py", CARELESS)
    repo.git("add", "shop/views.py")
    assert sorted(repo.verify("--changed").codes()) == ["DJA502", "DJA503", "DJA504"]
    # The real index is left as it was: the scratch index is a copy.
    assert repo.git("status", "--porcelain") == "M  shop/views.py\n"


def test_new_file_has_nothing_to_compare_but_is_checked(repo):
    repo.commit("models and urls")
    repo.write("shop/views.py", CARELESS)
    result = repo.verify("--changed")
    assert result.returncode == 0, result.findings  # CARELESS has no DJA1xx-4xx problem and no old version
    assert result.codes() == []
    repo.write("shop/stats.py", BLOCKING)
    assert "DJA102" in [f["code"] for f in repo.verify("--changed").findings]


def test_renamed_file_is_compared_with_its_old_path(repo):
    repo.write("shop/views.py", SYNC)
    repo.commit()
    repo.git("mv", "shop/views.py", "shop/order_views.py")
    repo.write("shop/order_views.py", CARELESS)
    result = repo.check_changed(select="DJA502,DJA503,DJA504")
    assert {f["path"].removeprefix(str(repo.path) + "/") for f in result.findings} == {"shop/order_views.py"}
    assert sorted(result.codes()) == ["DJA502", "DJA503", "DJA504"]


def test_file_moved_without_git_mv_is_still_paired_by_rename_detection(repo):
    repo.write("shop/views.py", SYNC)
    repo.commit()
    os.rename(repo.path / "shop/views.py", repo.path / "shop/order_views.py")
    # Same content as before (git pairs it by similarity), then only the def line changes.
    text = (repo.path / "shop/order_views.py").read_text().replace("def order_detail", "async def order_detail")
    (repo.path / "shop/order_views.py").write_text(text)
    result = repo.check_changed(select="DJA502,DJA503,DJA504")
    assert result.codes() == []  # paired with the old file: nothing lost, and no "new file" either
    text = text.replace("@login_required\n", "")
    (repo.path / "shop/order_views.py").write_text(text)
    assert repo.check_changed(select="DJA502,DJA503,DJA504").codes() == ["DJA502"]


def test_detached_head(repo):
    repo.write("shop/views.py", SYNC)
    repo.commit()
    repo.git("checkout", "--quiet", "--detach")
    assert repo.git("rev-parse", "--abbrev-ref", "HEAD").strip() == "HEAD"  # no branch
    repo.write("shop/views.py", CARELESS)
    assert sorted(repo.check_changed().codes()) == ["DJA502", "DJA503", "DJA504"]


def test_base_revision_compares_committed_conversions(repo):
    repo.write("shop/views.py", SYNC)
    repo.commit()
    repo.write("shop/views.py", CARELESS)
    repo.commit("convert to async")
    assert repo.check_changed().findings == []  # nothing changed against HEAD
    assert sorted(repo.verify("--changed", "--base", "HEAD~1").codes()) == ["DJA502", "DJA503", "DJA504"]


def test_function_moved_within_the_file_is_still_paired(repo):
    helper = "\n\ndef order_total(order):\n    return order.total\n"
    repo.write("shop/views.py", SYNC + helper)
    repo.commit()
    moved = CARELESS.replace("from .models import Order\n", "from .models import Order\n" + helper)
    repo.write("shop/views.py", moved)
    assert repo.check_changed(select="DJA502").only("DJA502")["line"] == 10  # the async def, now below the helper


def test_select_ignore_and_noqa_apply_to_regression_rules(repo):
    repo.write("shop/views.py", SYNC)
    repo.commit()
    repo.write("shop/views.py", CARELESS)
    assert sorted(repo.verify("--changed", "--ignore", "DJA503").codes()) == ["DJA502", "DJA504"]
    assert repo.verify("--changed", "--select", "DJA1").findings == []
    noqa = CARELESS.replace("async def order_detail(request, order_id):", "async def order_detail(request, order_id):  # noqa: DJA502")
    repo.write("shop/views.py", noqa)
    assert sorted(repo.verify("--changed").codes()) == ["DJA503", "DJA504"]


def test_text_output_names_both_versions_lines(repo):
    repo.write("shop/views.py", SYNC)
    repo.commit()
    repo.write("shop/views.py", CARELESS)
    result = run_verify("--changed", cwd=repo.path, output_format="text")
    assert result.returncode == 1
    assert "shop/views.py:6:1: DJA502 `@login_required` of `order_detail` (old line 8) is missing in the async version (line 6)" in result.stdout


def test_compare_two_files_without_git(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "old.py").write_text(SYNC)
    (tmp_path / "new.py").write_text(CARELESS)
    result = run_verify("--compare", "old.py", "new.py", cwd=tmp_path)
    assert result.returncode == 1
    assert sorted(result.codes()) == ["DJA502", "DJA503", "DJA504"]
    assert {f["path"] for f in result.findings} == {"new.py"}


def test_compare_with_a_missing_file_exits_2(tmp_path):
    (tmp_path / "new.py").write_text(CARELESS)
    result = run_verify("--compare", "missing.py", "new.py", cwd=tmp_path)
    assert result.returncode == 2 and "cannot read missing.py" in result.stderr


def test_changed_files_skipped_by_a_folder_walk_are_skipped(repo):
    repo.write("pyproject.toml", '[tool.django-async-kit]\nexclude = ["scripts"]\n')
    repo.commit("config")
    repo.write("shop/migrations/0002_auto.py", BLOCKING)
    repo.write("scripts/stats.py", BLOCKING)
    assert check_changed(start=repo.path).findings == []
    repo.write("shop/stats.py", BLOCKING)
    assert "DJA102" in [finding.code for finding in check_changed(start=repo.path).findings]


def _agent_stop(repo, stdin: str = "") -> tuple[int, dict]:
    """The agent hook's command, fed what Copilot writes on its stdin."""
    result = subprocess.run([sys.executable, "-m", "verify", "--changed", "--format", "agent-stop", "--no-config"],
                            cwd=repo.path, input=stdin, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(MAIN)})
    return result.returncode, json.loads(result.stdout)


def test_the_agent_hook_keeps_the_agent_working_until_its_changes_have_no_findings(repo):
    repo.write("shop/views.py", SYNC)
    repo.commit()
    hook_input = json.dumps({"timestamp": 1704614750000, "cwd": str(repo.path), "sessionId": "s1", "stopReason": "end_turn"})
    assert _agent_stop(repo, hook_input) == (0, {})  # nothing changed: the agent may stop
    repo.write("shop/stats.py", BLOCKING)
    code, decision = _agent_stop(repo, hook_input)
    assert code == 0 and decision["decision"] == "block"
    # one problem: the view also awaits nothing, but that is advice (DJA407), off by default and never blocking
    assert "`django-async-kit verify --changed` found 1 problem in the async code you changed" in decision["reason"]
    assert "DJA407" not in decision["reason"]
    assert "- shop/stats.py:5:12: DJA102 `Order.objects.count()`" in decision["reason"]
    assert "(fix: " in decision["reason"]
    # VS Code marks an agent already kept running by a stop hook: let it stop rather than loop
    assert _agent_stop(repo, json.dumps({"stop_hook_active": True})) == (0, {})
