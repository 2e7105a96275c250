"""Bad options and configuration are one line and exit 2, never a traceback or a check that
silently does nothing: unknown rule codes (with the closest known one), wrong-typed values,
unreadable TOML, an --output that cannot be written. Through the command line, on real files."""

import textwrap

import pytest

SYNC_ORM_VIEW = '''
from shop.models import Product


async def detail(request, pk):
    return Product.objects.get(pk=pk)
'''


@pytest.fixture
def shop(tmp_path):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "models.py").write_text("from django.db import models\n\n\nclass Product(models.Model):\n    pass\n")
    (tmp_path / "shop" / "views.py").write_text(textwrap.dedent(SYNC_ORM_VIEW).lstrip())
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\n')
    return tmp_path


def configure(root, section: str) -> None:
    (root / "pyproject.toml").write_text(f'[project]\nname = "shop"\n\n[tool.django-async-kit]\n{section}\n')


def one_line_error(result) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "All checks passed" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("option", ["--select", "--ignore", "--extend-select"])
def test_a_typo_in_a_rule_code_option_is_a_usage_error_naming_the_closest_code(shop, cli, option):
    error = one_line_error(cli(option, "DJA1O7", "--no-cache", cwd=shop))
    assert error == f"django-async-kit: error: {option}: unknown rule code `DJA1O7` (did you mean DJA107?)"


@pytest.mark.parametrize("section, key", [
    ('select = ["DJA1O7"]', "select"),
    ('ignore = ["DJA3O1"]', "ignore"),
    ('extend-select = ["dja4o7"]', "extend-select"),
    ('per-file-ignores = {"shop/*.py" = ["DJA1O2"]}', "per-file-ignores.shop/*.py"),
])
def test_a_typo_in_a_configured_rule_code_is_a_usage_error(shop, cli, section, key):
    configure(shop, section)
    error = one_line_error(cli("--no-cache", cwd=shop))
    assert f"{shop / 'pyproject.toml'} [tool.django-async-kit]: `{key}`: unknown rule code" in error
    assert "did you mean DJA" in error


@pytest.mark.parametrize("codes", ["DJA1", "DJA", "dja102", "DJA10,DJA2"])
def test_codes_and_prefixes_that_match_rules_stay_valid(shop, cli, codes):
    result = cli("--select", codes, "--no-cache", cwd=shop)
    assert result.returncode == 1 and "DJA102" in result.stdout, result.stderr


def test_a_prefix_that_matches_no_rule_is_an_error_too(shop, cli):
    assert "unknown rule code `DJA9`" in one_line_error(cli("--select", "DJA9", "--no-cache", cwd=shop))
    configure(shop, 'ignore = [""]')  # would match every rule
    assert "`ignore`: an empty rule code" in one_line_error(cli("--no-cache", cwd=shop))


@pytest.mark.parametrize("section, message", [
    ("cache-dir = 5", "`cache-dir` must be a string"),
    ("cheatsheet = true", "`cheatsheet` must be a string"),
    ('blocking-calls = {"mylib.fetch" = 1}', "`blocking-calls.mylib.fetch` must be a string"),
    ('blocking-calls = ["mylib.fetch"]', "`blocking-calls` must be a table"),
    ('allowed-calls = "os.path.exists"', "`allowed-calls` must be a list of strings"),
    ('exclude = [1]', "`exclude` must be a list of strings"),
    ('test-paths = "tests/"', "`test-paths` must be a list of strings"),
    ('per-file-ignores = {"x.py" = "DJA1"}', "`per-file-ignores.x.py` must be a list of strings"),
    ('per-file-ignores = ["x.py"]', "`per-file-ignores` must be a table"),
    ("target-version = 5.2", '`target-version` must be a string like "5.2"'),
    ('target-version = "five"', '`target-version` must be a string like "5.2"'),
])
def test_every_configuration_value_is_type_checked(shop, cli, section, message):
    configure(shop, section)
    error = one_line_error(cli("--no-cache", cwd=shop))
    assert f"{shop / 'pyproject.toml'} [tool.django-async-kit]: {message}" in error


@pytest.mark.parametrize("text, message", [
    ("tool = 1\n", "`tool` must be a table"),
    ("[tool.django-async-kit]\nselect = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    ("[tool.django-async-kit]\ncache-dir = " + "9" * 5000 + "\n", "an integer has too many digits"),
    ("[tool.django-async-kit\n", "invalid TOML"),
])
def test_a_pyproject_that_cannot_be_read_is_one_line(shop, cli, text, message):
    (shop / "pyproject.toml").write_text(text)
    error = one_line_error(cli("--no-cache", cwd=shop))
    assert str(shop / "pyproject.toml") in error and message in error


def test_target_version_is_checked_the_same_way_on_the_command_line(shop, cli):
    for value in ("five", "9" * 5000):
        error = one_line_error(cli("--target-version", value, "--no-cache", cwd=shop))
        assert error.startswith('django-async-kit: error: --target-version must be a string like "5.2"')
        assert len(error) < 200


@pytest.mark.parametrize("target, message", [
    ("reports", "--output reports is a folder: give a file name"),
    ("missing/report.txt", "--output missing/report.txt: folder missing does not exist"),
])
def test_an_output_that_cannot_be_written_is_refused_before_the_check(shop, cli, target, message):
    (shop / "reports").mkdir()
    assert one_line_error(cli("--output", target, "--no-cache", cwd=shop)) == f"django-async-kit: error: {message}"


def test_an_input_error_never_says_all_checks_passed(shop, cli):
    (shop / "shop" / "views.py").write_text("async def ok(request):\n    return 1\n")
    (shop / "shop" / "blob.py").write_bytes(b"\x00\x01binary")
    result = cli("--no-cache", cwd=shop)
    assert result.returncode == 2
    assert "All checks passed" not in result.stdout
    assert "but not every file could be checked: 1 input error below." in result.stdout
    assert "blob.py is a binary file" in result.stderr


def test_the_codes_options_accept_are_exactly_the_registered_rules():
    from verify.analysis.registry import all_rules, known_codes  # known_codes reads file names: it must not drift

    assert known_codes() == {rule.code for rule in all_rules()}
