"""Adopting the kit in a project that already has findings: ``--changed`` reports what the change
introduced, ``--baseline`` what is not recorded, ``--add-noqa`` suppresses the rest; SARIF keeps
an alert's fingerprint when its lines move. Real git repositories, through the command line."""

import json
import os
import subprocess
import sys

import pytest

from .gitrepo import MAIN, run_verify


@pytest.fixture(autouse=True)
def served_over_asgi(repo):
    """An ASGI entry point, so that the project-wide DJA605 stays out of these whole-project runs."""
    repo.write("shop/asgi.py", "from django.core.asgi import get_asgi_application\n\napplication = get_asgi_application()\n")

OLD_AND_NEW = '''
from .models import Order


async def order_count(request):
    return Order.objects.count()


def order_total(request):
    return Order.objects.count()
'''

NEW_FINDING = OLD_AND_NEW.replace("def order_total", "async def order_total")


def _lines(result) -> list[tuple[str, int]]:
    return [(finding["code"], finding["line"]) for finding in result.findings]


def test_changed_reports_the_new_finding_and_leaves_out_the_old_one_in_an_unchanged_function(repo):
    repo.write("shop/views.py", OLD_AND_NEW)
    repo.commit()
    repo.write("shop/views.py", NEW_FINDING)
    result = repo.verify("--changed")
    assert result.returncode == 1
    assert _lines(result) == [("DJA102", 9)]  # order_total's; order_count's (lines 4-5) are older
    assert json.loads(result.stdout)["summary"]["left_out"] == 1
    everything = repo.verify("--changed", "--all")
    assert _lines(everything) == [("DJA102", 5), ("DJA102", 9)]
    assert "left_out" not in json.loads(everything.stdout)["summary"]
    text = run_verify("--changed", cwd=repo.path, output_format="text").stdout
    assert "Found 1 finding in 1 file (DJA102 x1)" in text
    assert "Left out 1 older finding in the changed files (outside the changed code; `--all` shows them)." in text


def test_an_edit_inside_a_function_reports_that_function_and_a_deletion_counts_too(repo):
    repo.write("shop/views.py", OLD_AND_NEW.replace("    return Order.objects.count()\n\n\ndef",
                                                    "    total = 0\n    return Order.objects.count()\n\n\ndef"))
    repo.commit()
    repo.write("shop/views.py", OLD_AND_NEW)  # deletes `total = 0` from order_count
    assert _lines(repo.verify("--changed")) == [("DJA102", 5)]
    repo.write("shop/views.py", OLD_AND_NEW.replace("async def order_count(request):", "async def order_count(request, page=1):"))
    assert _lines(repo.verify("--changed")) == [("DJA102", 5)]


def test_a_new_file_counts_as_wholly_changed_even_with_unusual_names(repo):
    repo.commit("models and urls")
    repo.write('shop/vüe "x".py', NEW_FINDING)
    result = repo.verify("--changed")
    assert _lines(result) == [("DJA102", 5), ("DJA102", 9)]
    repo.commit("views")
    text = (repo.path / 'shop/vüe "x".py').read_text()
    (repo.path / 'shop/vüe "x".py').write_text(text.replace("def order_total(request):", "def order_total(request, page=1):"))
    assert _lines(repo.verify("--changed")) == [("DJA102", 9)]  # the quoted name's hunks were read


def test_all_and_the_adoption_options_are_checked(repo):
    repo.write("shop/views.py", OLD_AND_NEW)
    repo.commit()
    result = repo.verify("--all")
    assert result.returncode == 2 and "--all goes with --changed" in result.stderr
    result = repo.verify("--baseline", "a.json", "--write-baseline", "b.json")
    assert result.returncode == 2 and "use one of --baseline, --write-baseline and --add-noqa" in result.stderr


def _branch_with_a_committed_conversion(repo):
    repo.write("shop/views.py", OLD_AND_NEW)
    repo.commit()
    repo.git("checkout", "--quiet", "-b", "copilot/convert-order-total")
    repo.write("shop/views.py", NEW_FINDING)
    repo.commit("convert order_total")
    repo.write("shop/notes.py", "NOTES = []\n")
    repo.commit("an unrelated commit on the branch")


def test_on_a_branch_with_commits_changed_compares_with_the_merge_base(repo):
    _branch_with_a_committed_conversion(repo)
    # main moves on after the branch started: the branch is still compared with where it started
    repo.git("checkout", "--quiet", "main")
    repo.write("shop/other.py", "X = 1\n")
    repo.commit("meanwhile on main")
    repo.git("checkout", "--quiet", "copilot/convert-order-total")
    assert _lines(repo.verify("--changed")) == [("DJA102", 9)]
    assert repo.verify("--changed", "--base", "HEAD").findings == []  # an explicit base wins


def test_on_the_default_branch_itself_changed_compares_with_head(repo):
    repo.write("shop/views.py", OLD_AND_NEW)
    repo.commit()
    repo.write("shop/views.py", NEW_FINDING)
    repo.commit("convert on main")
    assert repo.verify("--changed").findings == []  # nothing beyond HEAD


def test_the_default_branch_is_the_one_origin_head_names(repo, tmp_path):
    _branch_with_a_committed_conversion(repo)
    repo.git("branch", "--move", "main", "trunk")  # neither main nor master exists any more
    assert repo.verify("--changed").findings == []  # no default branch known: HEAD
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", "--branch", "trunk", str(repo.path), str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    repo.git("fetch", "--quiet", "origin")
    repo.git("remote", "set-head", "origin", "trunk")
    assert _lines(repo.verify("--changed")) == [("DJA102", 9)]


def test_the_agent_hook_on_a_branch_with_commits_lists_only_the_changes_findings(repo):
    _branch_with_a_committed_conversion(repo)
    result = subprocess.run([sys.executable, "-m", "verify", "--changed", "--format", "agent-stop", "--no-config"],
                            cwd=repo.path, input="", capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(MAIN)})
    assert result.returncode == 0
    reason = json.loads(result.stdout)["reason"]
    assert "found 1 problem in the async code you changed" in reason
    assert "shop/views.py:9:12: DJA102" in reason
    assert "shop/views.py:5:" not in reason  # order_count's older finding stays out


# DJA407 (advice, off by default; in a project served by WSGI) flags a whole function: its
# fingerprint must not change with the function's body. DJA605 (no ASGI entry point) stays out.
WITH_ADVICE = ("--extend-select", "DJA407", "--ignore", "DJA605")


def _served_over_wsgi(repo):
    (repo.path / "shop/asgi.py").unlink()
    repo.write("shop/wsgi.py", "from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n")

BASELINE_VIEWS = '''
from .models import Order


def unrelated(request):
    return None


async def order_count(request):
    return Order.objects.count()
'''


def test_a_baseline_survives_inserted_lines_and_a_renamed_unrelated_function(repo):
    _served_over_wsgi(repo)
    repo.write("shop/views.py", BASELINE_VIEWS)
    written = repo.verify("--write-baseline", "async-baseline.json", *WITH_ADVICE)
    assert written.returncode == 0 and written.stdout.startswith("Recorded 2 findings in async-baseline.json.")
    recorded = json.loads((repo.path / "async-baseline.json").read_text())
    assert [(entry["path"], entry["code"]) for entry in recorded["findings"]] == [("shop/views.py", "DJA407"), ("shop/views.py", "DJA102")]
    edited = BASELINE_VIEWS.replace("from .models import Order\n", "import logging\n\nfrom .models import Order\n\nlog = logging.getLogger(__name__)\n")
    repo.write("shop/views.py", edited.replace("def unrelated(", "def renamed_helper("))
    result = repo.verify("--baseline", "async-baseline.json", *WITH_ADVICE)
    assert result.returncode == 0, result.findings
    assert result.findings == [] and json.loads(result.stdout)["summary"]["in_baseline"] == 2
    # a new finding is reported, even one that looks like a recorded one elsewhere
    repo.write("shop/stats.py", BASELINE_VIEWS)
    result = repo.verify("--baseline", "async-baseline.json", *WITH_ADVICE)
    assert result.returncode == 1
    assert {(finding["path"], finding["code"]) for finding in result.findings} == {("shop/stats.py", "DJA407"), ("shop/stats.py", "DJA102")}
    # from another folder: the baseline's paths are relative to the baseline
    assert repo.verify("--baseline", "../async-baseline.json", "views.py", *WITH_ADVICE, cwd=repo.path / "shop").findings == []


def test_a_second_identical_finding_in_the_same_function_is_new(repo):
    repo.write("shop/views.py", BASELINE_VIEWS)
    repo.verify("--write-baseline", "b.json")
    repo.write("shop/views.py", BASELINE_VIEWS.replace("    return Order.objects.count()",
                                                       "    Order.objects.count()\n    return Order.objects.count()"))
    assert _lines(repo.verify("--baseline", "b.json")) == [("DJA102", 10)]  # the second occurrence


def test_a_bad_baseline_is_one_line_and_exit_2(repo):
    repo.write("shop/views.py", BASELINE_VIEWS)
    (repo.path / "broken.json").write_text("{")
    (repo.path / "other.json").write_text('{"findings": 3}')
    for name, message in [("missing.json", "baseline file not found: missing.json"), ("broken.json", "baseline broken.json is not JSON"),
                          ("other.json", "other.json is not a django-async-kit baseline")]:
        result = repo.verify("--baseline", name)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr


def _sarif_fingerprints(repo) -> dict[str, str]:
    result = run_verify("shop/views.py", *WITH_ADVICE, cwd=repo.path, output_format="sarif")
    results = json.loads(result.stdout)["runs"][0]["results"]
    return {item["ruleId"]: item["partialFingerprints"]["djangoAsyncKit/v1"] for item in results}


def test_a_moved_finding_keeps_its_sarif_fingerprint(repo):
    _served_over_wsgi(repo)
    repo.write("shop/views.py", BASELINE_VIEWS)
    before = _sarif_fingerprints(repo)
    assert set(before) == {"DJA102", "DJA407"} and len(set(before.values())) == 2
    moved = BASELINE_VIEWS.replace("from .models import Order\n", "from .models import Order\n\n\ndef first(request):\n    return None\n")
    repo.write("shop/views.py", moved.replace("Order.objects.count()", "Order.objects.count(\n    )"))
    assert _sarif_fingerprints(repo) == before  # other lines, reformatted: the same alerts
    repo.write("shop/views.py", BASELINE_VIEWS.replace("order_count", "order_total"))
    assert _sarif_fingerprints(repo)["DJA102"] != before["DJA102"]  # another function: another alert


NOQA_VIEWS = '''
from .models import Order


async def order_count(request):  # the dashboard's counter
    if request.GET:
        return Order.objects.count()  # noqa: E501
    text = str(Order.objects.count()) + """
    orders"""
    return text
'''


def test_add_noqa_suppresses_every_finding_with_its_code_and_keeps_existing_comments(repo):
    _served_over_wsgi(repo)
    repo.write("shop/views.py", NOQA_VIEWS)
    result = repo.verify("--add-noqa", *WITH_ADVICE)
    assert result.returncode == 0
    assert result.stdout.startswith("Added 2 noqa codes in 1 file.")
    text = (repo.path / "shop/views.py").read_text()
    assert "async def order_count(request):  # the dashboard's counter  # noqa: DJA407\n" in text
    assert "        return Order.objects.count()  # noqa: E501, DJA102\n" in text
    # a finding on a line that ends inside a string cannot take a comment: reported, the file left intact there
    assert 'shop/views.py:7:16: DJA102 not suppressed' in result.stdout
    assert '    text = str(Order.objects.count()) + """\n    orders"""\n' in text
    assert repo.verify("--add-noqa", *WITH_ADVICE).stdout.startswith("Added 0 noqa codes in 0 files.")  # nothing left to suppress
    assert [finding["line"] for finding in repo.verify(*WITH_ADVICE).findings] == [7]


def test_after_add_noqa_verify_passes(repo):
    _served_over_wsgi(repo)
    repo.write("shop/views.py", BASELINE_VIEWS)
    repo.write("shop/stats.py", OLD_AND_NEW.replace("def order_total", "async def order_total"))
    assert repo.verify(*WITH_ADVICE).returncode == 1
    result = repo.verify("--add-noqa", *WITH_ADVICE)
    assert result.returncode == 0 and result.stdout.startswith("Added 6 noqa codes in 2 files.")
    assert "# noqa\n" not in (repo.path / "shop/stats.py").read_text()  # never a bare noqa
    assert repo.verify(*WITH_ADVICE).returncode == 0


THREE_VIEWS = '''
from .models import Order


def first(request):
    return Order.objects.count()


async def middle(request):
    return Order.objects.count()


def last(request):
    return Order.objects.count()
'''


def test_hunks_joined_by_the_users_diff_configuration_do_not_widen_the_change(repo):
    repo.write("shop/views.py", THREE_VIEWS)
    repo.commit()
    repo.git("config", "diff.interHunkContext", "20")  # git then joins the two edits into one hunk
    repo.write("shop/views.py", THREE_VIEWS.replace("def first", "async def first").replace("def last", "async def last"))
    assert _lines(repo.verify("--changed")) == [("DJA102", 5), ("DJA102", 13)]  # not middle's (line 9)
