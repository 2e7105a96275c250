"""Target Django version detection and the static model index."""

import pytest

from verify.analysis.models_index import build_index
from verify.project.target import detect_django_version, target_version


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("requirements.txt", "psycopg[binary]>=3.2\nDjango==5.2.4\n", (5, 2)),
        ("requirements.txt", "django>=4.2,<5.0  # LTS\npytest-django>=4\n", (4, 2)),
        ("requirements.txt", "Django~=5.1.3\n", (5, 1)),
        ("pyproject.toml", '[project]\ndependencies = ["pytest-django>=4", "django[argon2]>=6.0"]\n', (6, 0)),
        ("pyproject.toml", '[tool.poetry.dependencies]\npython = "^3.12"\ndjango = "^5.2"\n', (5, 2)),
        ("uv.lock", 'version = 1\n\n[[package]]\nname = "django"\nversion = "6.1.3"\n', (6, 1)),
        ("poetry.lock", '[[package]]\nname = "Django"\nversion = "4.2.20"\n', (4, 2)),
        ("Pipfile.lock", '{"default": {"django": {"hashes": [], "version": "==5.0.9"}}}', (5, 0)),
    ],
)
def test_django_version_is_detected_from_project_files(tmp_path, name, content, expected):
    (tmp_path / name).write_text(content)
    assert detect_django_version(tmp_path)[0] == expected


def test_lock_file_wins_over_requirement_spec(tmp_path):
    (tmp_path / "requirements.txt").write_text("django>=4.2\n")
    (tmp_path / "uv.lock").write_text('[[package]]\nname = "django"\nversion = "5.2.1"\n')
    version, source = detect_django_version(tmp_path)
    assert version == (5, 2) and source.startswith("uv.lock")


def test_installed_django_is_the_fallback_and_config_wins(tmp_path):
    version, source = detect_django_version(tmp_path)
    import django

    assert source == "installed Django" and version == django.VERSION[:2]  # read from its source, not imported
    assert target_version(tmp_path, "4.2") == ((4, 2), "configuration")


def test_model_index_relations_managers_and_inheritance():
    index = build_index(['''
from django.conf import settings
from django.db import models

class Stamped(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    class Meta:
        abstract = True

class PublishedManager(models.Manager):
    def published(self):
        return self.get_queryset().filter(published=True)
    def total(self):
        return self.count()

class Article(Stamped):
    author = models.ForeignKey("auth.User", on_delete=models.CASCADE)
    editor = models.OneToOneField("accounts.Editor", null=True, on_delete=models.SET_NULL, related_name="desk")
    tags = models.ManyToManyField("Tag", related_name="articles")
    live = PublishedManager()
'''])
    article = index.models["Article"]
    assert {name: rel.kind for name, rel in article.relations.items()} == {"owner": "fk", "author": "fk", "editor": "o2o", "tags": "m2m"}
    assert index.relation("User", "article_set").kind == "reverse_fk"
    assert index.relation("Editor", "desk").kind == "reverse_o2o"
    assert index.relation("Tag", "articles").kind == "reverse_m2m"
    assert "live" in article.managers
    assert index.custom_method_returns_queryset("Article", "published") is True
    assert index.custom_method_returns_queryset("Article", "total") is False


def test_reading_class_headers_as_text_first_loses_no_model_or_manager():
    """The index parses only the files whose class headers may add a model or a manager: a model
    whose base is a (multi-line) model in another file and a custom QuerySet are still found."""
    abstract = "from django.db import models\n\nclass Stamped(\n    models.Model,\n):\n    class Meta:\n        abstract = True\n"
    child = "from base_models import Stamped\n\nclass Order(Stamped):\n    user = models.ForeignKey('auth.User', on_delete=models.CASCADE)\n"
    managers = "from django.db import models\n\nclass LiveQuerySet(models.QuerySet):\n    def live(self):\n        return self.filter(live=True)\n"
    unrelated = "class Helper:\n    pass\n\nclass Other(Helper):\n    pass\n(\n"  # a syntax error: parsing it would skip the file anyway
    index = build_index([child, unrelated, abstract, managers])
    assert index.relation("Order", "user") is not None
    assert index.queryset_methods == {"LiveQuerySet": {"live": True}}
    assert "Helper" not in index.models and "Other" not in index.models
