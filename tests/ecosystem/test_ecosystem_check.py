"""`make ecosystem`'s machinery on a tiny local sdist (no network): download from a file URL,
sha256 check, safe unpacking, findings matched against verdicts, the table, the exit codes."""

import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "bench" / "ecosystem" / "run.py"

MODELS = """\
from django.db import models


class Item(models.Model):
    name = models.CharField(max_length=50)
"""

VIEWS = """\
import asyncio

from shop.models import Item


async def item_detail(request, pk):
    await asyncio.sleep(0)
    item = Item.objects.get(pk=pk)
    return item.name


async def item_names(request):
    return [item.name async for item in Item.objects.all()]
"""

SYNC_GET = "item = Item.objects.get(pk=pk)"


def _tarball(path: Path, members: dict[str, str]) -> str:
    with tarfile.open(path, "w:gz") as tar:
        for name, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def fixture(tmp_path):
    """A fake sdist served from a file URL, its project list, and paths for the verdicts, cache and results."""
    archive = tmp_path / "index" / "fakeproj-1.0.tar.gz"
    archive.parent.mkdir()
    sha = _tarball(archive, {"fakeproj-1.0/shop/models.py": MODELS, "fakeproj-1.0/shop/views.py": VIEWS})
    projects = tmp_path / "projects.toml"

    def write_projects(sha256: str = sha, url: str = archive.as_uri()) -> None:
        projects.write_text(f'[[project]]\nname = "fakeproj"\nversion = "1.0"\nurl = "{url}"\nsha256 = "{sha256}"\n')

    write_projects()
    paths = {"projects": projects, "expected": tmp_path / "expected.json", "cache": tmp_path / "cache",
             "results": tmp_path / "results.json", "archive": archive, "write_projects": write_projects}
    return paths


def run(fixture, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, str(RUN), "--projects", str(fixture["projects"]), "--expected", str(fixture["expected"]),
               "--cache-dir", str(fixture["cache"]), "--results", str(fixture["results"]), *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def records(fixture) -> list[dict]:
    return json.loads(fixture["expected"].read_text())["projects"]["fakeproj"]


def write_expected(fixture, project_records: list[dict]) -> None:
    fixture["expected"].write_text(json.dumps({"projects": {"fakeproj": project_records}}))


def sync_get_record(verdict: str, line: int = 8) -> dict:
    return {"path": "shop/views.py", "line": line, "code": "DJA102", "function": "item_detail", "source": SYNC_GET,
            "verdict": verdict, "reason": "Item.objects.get() in async code raises SynchronousOnlyOperation"}


def test_a_new_finding_fails_the_check_and_update_records_it_as_unclassified(fixture):
    first = run(fixture)
    assert first.returncode == 1, first.stderr
    assert re.search(r"new +shop/views\.py:8 DJA102 \[item_detail\]", first.stdout)
    assert "fakeproj 1.0: 2 files, 2 async defs; findings: 0 true, 0 accepted, 0 wrong, 1 unclassified; 1 new, 0 vanished" in first.stdout
    assert "| fakeproj 1.0 | 2 | 0 | 0 | 0 | 1 |" in first.stdout
    assert not fixture["expected"].exists()  # without --update nothing is written

    updated = run(fixture, "--update")
    assert updated.returncode == 1
    [record] = records(fixture)
    assert {k: record[k] for k in ("path", "line", "code", "function", "source", "verdict", "reason")} == \
        {**sync_get_record("unclassified"), "reason": ""}

    again = run(fixture)  # an unclassified record still fails, but is no longer new
    assert again.returncode == 1
    assert "1 unclassified; 0 new, 0 vanished" in again.stdout


def test_classified_findings_pass_and_a_vanished_one_is_reported(fixture):
    gone = {**sync_get_record("true"), "path": "shop/old.py", "function": "old_view", "source": "Item.objects.first()"}
    write_expected(fixture, [sync_get_record("true"), gone])
    result = run(fixture)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 true, 0 accepted, 0 wrong, 0 unclassified; 0 new, 1 vanished" in result.stdout
    assert re.search(r"vanished +shop/old\.py:8 DJA102 \[old_view\] \(was true\)", result.stdout)
    results = json.loads(fixture["results"].read_text())
    assert results["projects"]["fakeproj"]["findings"]["true"] == 1
    assert results["projects"]["fakeproj"]["async_defs"] == 2

    run(fixture, "--update")
    assert [r["path"] for r in records(fixture)] == ["shop/views.py"]  # --update drops what vanished


def test_a_verdict_survives_a_moved_line_and_update_refreshes_the_line(fixture):
    write_expected(fixture, [sync_get_record("accepted", line=99)])
    result = run(fixture)
    assert result.returncode == 0, result.stdout
    assert "0 new, 0 vanished" in result.stdout
    run(fixture, "--update")
    [record] = records(fixture)
    assert (record["line"], record["verdict"]) == (8, "accepted")


def test_a_wrong_finding_fails_the_check(fixture):
    write_expected(fixture, [sync_get_record("wrong")])
    result = run(fixture)
    assert result.returncode == 1
    assert re.search(r"wrong +shop/views\.py:8 DJA102", result.stdout)


def test_a_verdict_without_a_reason_is_an_input_error(fixture):
    write_expected(fixture, [{**sync_get_record("true"), "reason": ""}])
    result = run(fixture)
    assert result.returncode == 2
    assert "needs a one-line reason" in result.stderr


def test_a_sha256_mismatch_is_an_error_and_the_file_is_not_kept(fixture):
    fixture["write_projects"](sha256="0" * 64)
    result = run(fixture)
    assert result.returncode == 2
    assert result.stderr.startswith("error: fakeproj 1.0: sha256 mismatch for fakeproj-1.0.tar.gz: expected 000")
    assert "Traceback" not in result.stderr
    assert not (fixture["cache"] / "sdists" / "fakeproj-1.0.tar.gz").exists()


def test_an_archive_member_outside_the_cache_is_refused(fixture, tmp_path):
    evil = tmp_path / "index" / "evil-1.0.tar.gz"
    sha = _tarball(evil, {"fakeproj-1.0/shop/views.py": VIEWS, "fakeproj-1.0/../../../escaped.py": "x = 1\n"})
    fixture["write_projects"](sha256=sha, url=evil.as_uri())
    result = run(fixture)
    assert result.returncode == 2
    assert "refusing archive member 'fakeproj-1.0/../../../escaped.py'" in result.stderr
    assert not list(tmp_path.rglob("escaped.py"))


def test_an_unknown_project_is_a_usage_error(fixture):
    result = run(fixture, "--project", "nope")
    assert result.returncode == 2
    assert "unknown project nope (known: fakeproj)" in result.stderr


def _block(text: str, name: str) -> str:
    [block] = re.findall(rf"<!-- {name}:begin -->\n(.*?)<!-- {name}:end -->", text, re.DOTALL)
    return block


def test_the_readme_and_docs_show_the_recorded_ecosystem_results():
    sys.path.insert(0, str(RUN.parent))
    import run as ecosystem

    results = json.loads((ROOT / "bench" / "results" / "ecosystem.json").read_text())
    hint = "run `make ecosystem`, which rewrites these tables"
    assert _block((ROOT / "README.md").read_text(), "ecosystem") == ecosystem.summary_table(results), hint
    docs = (ROOT / "docs" / "ecosystem.md").read_text()
    assert _block(docs, "ecosystem") == ecosystem.markdown_table(results), hint
    assert _block(docs, "ecosystem-rules") == ecosystem.rule_table(results), hint


def test_an_sdist_with_its_own_verify_module_does_not_run_it(fixture, tmp_path):
    marker = tmp_path / "sdist-code-ran"
    members = {"fakeproj-1.0/shop/models.py": MODELS, "fakeproj-1.0/shop/views.py": VIEWS,
               "fakeproj-1.0/verify.py": f"open({str(marker)!r}, 'w').close()\n"}
    fixture["write_projects"](sha256=_tarball(fixture["archive"], members))
    result = run(fixture)
    assert not marker.exists(), "python -m verify ran the sdist's own verify.py"
    assert re.search(r"new +shop/views\.py:8 DJA102 \[item_detail\]", result.stdout), result.stderr
