"""``django-async-kit triage``: the text table, the JSON objects, bad input."""

import json

from verify.cli import main

VIEWS = """
import requests

def dashboard(request):
    a = requests.get("https://a.example").json()
    b = requests.get("https://b.example").json()
    return JsonResponse({"a": a, "b": b})

def about(request):
    return HttpResponse("about")
"""


def test_json_gives_one_object_per_view_with_the_documented_keys(project, capsys, monkeypatch):
    root = project({"shop/views.py": VIEWS})
    monkeypatch.chdir(root)
    assert main(["triage", ".", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["view"] for row in rows] == ["shop.views.dashboard", "shop.views.about"]
    assert rows[0] == {
        "view": "shop.views.dashboard",
        "file": "shop/views.py",
        "line": 4,
        "recommendation": "convert",
        "score": 50,
        "benefit": "high",
        "reasons": [
            "2 external HTTP calls (requests.get; lines 5, 6) that do not all depend on each other: "
            "gathered, they take 1 round trip instead of 2"
        ],
        "prompt": "convert-external-api-view",
        "signals": ["external-http"],
    }


def test_text_is_a_sorted_table_with_reasons_and_a_summary(project, capsys, monkeypatch):
    root = project({"shop/views.py": VIEWS})
    monkeypatch.chdir(root)
    assert main(["triage"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["VIEW", "RECOMMENDATION", "SCORE", "PROMPT"]
    assert lines[1].split() == ["shop.views.dashboard", "convert", "50", "convert-external-api-view"]
    assert lines[2].strip() == "shop/views.py:4"
    assert lines[4].split() == ["shop.views.about", "skip", "0", "should-this-be-async"]
    assert lines[6] == "    - no queries, external I/O or other triage signal found: nothing for async to overlap"
    assert "2 views: 1 convert, 1 skip" in lines


def test_a_missing_path_is_a_usage_error(tmp_path, capsys):
    assert main(["triage", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err.strip() == f"django-async-kit: error: {tmp_path / 'nope'}: no such file or directory"


def test_no_views_is_said_plainly(tmp_path, capsys):
    assert main(["triage", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == f"no views found under {tmp_path}"
