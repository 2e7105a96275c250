"""Settings of the conversions corpus: SQLite, database sessions, and back ends that do real I/O
(a file-based cache, a file-based mail outbox, files on disk) so that a blocking call is a
blocking call."""

import os
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# One scratch folder per process: cache, outbox, uploads and exports.
SCRATCH = Path(os.environ.get("CONVERSIONS_SCRATCH") or tempfile.mkdtemp(prefix="conversions-"))

SECRET_KEY = "conversions-corpus-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "convsite.urls"
USE_TZ = True

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework",
    "catalog",
    "teams",
    "api",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(SCRATCH / "db.sqlite3")}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(SCRATCH / "cache")}
}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = str(SCRATCH / "outbox")
DEFAULT_FROM_EMAIL = "shop@example.com"
MEDIA_ROOT = str(SCRATCH / "media")
EXPORT_DIR = SCRATCH / "exports"
RATES_URL = "http://127.0.0.1:9/rates"  # replaced by the tests with a local server

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# Templates live in memory: reading a template file would be a blocking call of Django's own.
from convsite.templates import TEMPLATES_BY_NAME  # noqa: E402

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": False,
        "OPTIONS": {
            "loaders": [("django.template.loaders.locmem.Loader", TEMPLATES_BY_NAME)],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"]}
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"null": {"class": "logging.NullHandler"}},
           "loggers": {"django.request": {"handlers": ["null"], "propagate": False}}}
