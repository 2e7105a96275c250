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
