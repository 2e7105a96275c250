"""The result cache is never trusted blindly: a damaged manifest is a miss, never a crash, and a
file replaced with same-size content under its old modification time is checked again (issue 22)."""

import json
import os
import subprocess
import sys
import time

import pytest

from verify.pipeline import cache as cache_module
from verify.api import check_paths

QUERY = "from shop.models import Order\n\n\nasync def view(request):\n    return Order.objects.count()\n"
FIRST = "from shop.models import Order\n\n\nasync def view(request):\n    return Order.objects.first()\n"  # same size
assert len(QUERY) == len(FIRST)
MODELS = "from django.db import models\n\n\nclass Order(models.Model):\n    total = models.IntegerField()\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "manage.py").write_text("")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "models.py").write_text(MODELS)
    (shop / "views.py").write_text(QUERY)
    (shop / "other.py").write_text(QUERY.replace("view(", "other_view("))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _findings(**options) -> list[tuple]:
    return [(f.path, f.line, f.code, f.message) for f in check_paths(["shop"], jobs=1, **options).findings]


def _manifest(project):
    return project / ".django-async-kit-cache" / "results.json"


def _settle(path, seconds_ago=60):
    past = time.time() - seconds_ago
    os.utime(path, (past, past))


def _first_entry(data):
    return next(entry for entry in data["entries"].values() if entry["findings"])


DAMAGE = {
    "finding line as text": lambda data: _first_entry(data)["findings"][0].update(line="5"),
    "unknown severity": lambda data: _first_entry(data)["findings"][0].update(severity="fatal"),
    "finding field missing": lambda data: _first_entry(data)["findings"][0].pop("code"),
    "findings not a list": lambda data: _first_entry(data).update(findings={"a": 1}),
    "dependency hash a number": lambda data: _first_entry(data).update(deps={"shop/models.py": 5}),
    "content a number": lambda data: _first_entry(data).update(content=5),
    "entry a list": lambda data: data["entries"].update({slot: [] for slot in data["entries"]}),
    "entries a string": lambda data: data.update(entries="x"),
    "file record of the wrong types": lambda data: data["files"].update({path: ["1", 2, 3, "x", None, 0] for path in data["files"]}),
    "file record too short": lambda data: data["files"].update({path: [1, 2] for path in data["files"]}),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_manifest_is_a_miss_never_a_crash(project, damage):
    for path in (project / "shop").iterdir():
        _settle(path)
    expected = _findings(cache=False)
    assert _findings() == expected
    data = json.loads(_manifest(project).read_text())
    damage(data)
    _manifest(project).write_text(json.dumps(data))
    assert _findings() == expected
    assert _findings() == expected  # the run that read the damage wrote a sound manifest


@pytest.mark.parametrize("content", [b"[" * 100_000, b"\xff\xfe", b"{\"entries\": {}, \"files\": []}", b"null"],
                         ids=["nested too deep", "not UTF-8", "files a list", "null"])
def test_an_unparseable_manifest_is_an_empty_cache(project, content):
    expected = _findings(cache=False)
    _manifest(project).parent.mkdir()
    _manifest(project).write_bytes(content)
    assert _findings() == expected


def test_a_manifest_that_is_a_fifo_is_an_empty_cache(project):
    expected = _findings(cache=False)
    _manifest(project).parent.mkdir()
    os.mkfifo(_manifest(project))
    result = subprocess.run([sys.executable, "-m", "verify", "shop"], cwd=project, capture_output=True, text=True, timeout=60)
    assert "Traceback" not in result.stderr and result.returncode == 1
    assert f"DJA102 x{len([f for f in expected if f[2] == 'DJA102'])}" in result.stdout


def _replace_keeping_mtime(path, text, *, new_inode: bool):
    """What `cp -p` (in place) or `rsync -t` (a new file renamed over the old) leave behind."""
    status = os.stat(path)
    if new_inode:
        temporary = path.with_suffix(".tmp")
        temporary.write_text(text)
        os.replace(temporary, path)
    else:
        path.write_text(text)
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert os.stat(path).st_size == status.st_size and os.stat(path).st_mtime_ns == status.st_mtime_ns


@pytest.mark.parametrize("new_inode", [False, True], ids=["cp -p", "rsync -t"])
def test_same_size_content_under_the_old_modification_time_is_checked_again(project, new_inode):
    views = project / "shop" / "views.py"
    for path in (project / "shop").iterdir():
        _settle(path)
    assert any("count" in finding[3] for finding in _findings() if finding[0] == "shop/views.py")
    _replace_keeping_mtime(views, FIRST, new_inode=new_inode)
    after = _findings()
    assert after == _findings(cache=False)
    assert any("first" in finding[3] for finding in after if finding[0] == "shop/views.py")


@pytest.mark.parametrize("new_inode", [False, True], ids=["cp -p", "rsync -t"])
def test_a_trusted_record_is_dropped_when_the_status_change_time_moves(project, monkeypatch, new_inode):
    """With the status-change time settled (here: no settling period), the record is trusted
    until the inode or the status-change time differ."""
    monkeypatch.setattr(cache_module, "_SETTLED_NS", 0)
    views = project / "shop" / "views.py"
    _findings()
    records = json.loads(_manifest(project).read_text())["files"]
    assert records[str(views)][5] is not None  # trusted: the status-change time is kept
    time.sleep(0.05)  # past the file system's timestamp granularity
    _replace_keeping_mtime(views, FIRST, new_inode=new_inode)
    assert any("first" in finding[3] for finding in _findings() if finding[0] == "shop/views.py")
