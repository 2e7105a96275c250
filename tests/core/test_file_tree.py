"""verify.pipeline.file_tree: one walk per folder, one read and (mostly) one parse per file in a run."""

from pathlib import Path

from verify.pipeline import file_tree


def test_the_walk_skips_virtualenvs_caches_and_migrations_and_lists_files_like_os_walk(tmp_path):
    for relative in ("b.py", "a/x.py", "a/b/y.txt", "env2/lib/z.py", "env2/pyvenv.cfg", "node_modules/m.py",
                     "shop/migrations/0001.py", "pkg.egg-info/PKG-INFO", "z.py"):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    file_tree.new_run()
    # a folder's own files first, then its subfolders, each sorted (as os.walk with sorted names)
    assert file_tree.relative_files_under(tmp_path) == ["b.py", "z.py", "a/x.py", "a/b/y.txt"]


def test_a_listing_is_walked_once_per_run(tmp_path):
    (tmp_path / "a.py").write_text("")
    file_tree.new_run()
    assert file_tree.relative_files_under(tmp_path) == ["a.py"]
    (tmp_path / "b.py").write_text("")
    assert file_tree.relative_files_under(Path(str(tmp_path))) == ["a.py"]  # same folder, same run
    file_tree.new_run()
    assert file_tree.relative_files_under(tmp_path) == ["a.py", "b.py"]


def test_a_tree_is_reused_only_for_the_same_text(tmp_path):
    file_tree.new_run()
    path = tmp_path / "m.py"
    first = file_tree.parse(path, "x = 1\n")
    assert file_tree.parse(str(path), "x = 1\n") is first
    assert file_tree.parse(path, "x = 2\n") is not first
    file_tree.new_run()
    assert file_tree.parse(path, "x = 2\n").body[0].value.value == 2


def test_triage_init_and_the_checks_share_the_one_walk_and_its_skip_set(tmp_path):
    import os

    from verify.project.facts import _walk_python_files
    from verify.triage.discovery import python_files

    for relative in ("views.py", "shop/views.py", "shop/api/urls.py", "b/x.py", "env2/pyvenv.cfg", "env2/lib/site.py",
                     "node_modules/n.py", "shop/migrations/0001_initial.py"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("")
    os.mkfifo(tmp_path / "shop" / "views_pipe.py")  # not a regular file: triage still names it (as unreadable)
    file_tree.new_run()
    walked = ["views.py", "b/x.py", "shop/views.py", "shop/api/urls.py"]
    assert [path.relative_to(tmp_path).as_posix() for path in _walk_python_files(tmp_path)] == walked
    assert [path.relative_to(tmp_path).as_posix() for path in python_files(tmp_path)] == [
        "views.py", "b/x.py", "shop/views.py", "shop/views_pipe.py", "shop/api/urls.py"]


def test_no_module_walks_folders_itself():
    package = Path(__file__).resolve().parents[2] / "verify"
    walkers = sorted(path.relative_to(package).as_posix() for path in package.rglob("*.py")
                     if "os.walk(" in path.read_text(encoding="utf-8") or ".rglob(" in path.read_text(encoding="utf-8"))
    assert walkers == []
