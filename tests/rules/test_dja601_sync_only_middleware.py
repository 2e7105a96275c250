"""DJA601: the project's own sync-only middleware, reported at its MIDDLEWARE entry."""

from dja6_project import SETTINGS, VIEWS, make_project, project_findings, where

SYNC_MIDDLEWARE = '''\
from django.utils.decorators import async_only_middleware, sync_and_async_middleware
from django.utils.deprecation import MiddlewareMixin

from shop.base import ProjectMixinMiddleware


class TimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


class ExplicitlySyncMiddleware(TimingMiddleware):
    async_capable = False


class MixinMiddleware(MiddlewareMixin):
    def process_request(self, request):
        return None


class InheritsMixinMiddleware(ProjectMixinMiddleware):
    pass


class FlaggedLaterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response


FlaggedLaterMiddleware.async_capable = True


def audit_middleware(get_response):
    def middleware(request):
        return get_response(request)

    return middleware


@sync_and_async_middleware
def both_middleware(get_response):
    return get_response


@async_only_middleware
def async_middleware(get_response):
    return get_response
'''

BASE_CLASSES = '''\
from django.utils.deprecation import MiddlewareMixin


class ProjectMixinMiddleware(MiddlewareMixin):
    pass
'''

ALL_ENTRIES = SETTINGS.replace(
    '    "shop.middleware.TimingMiddleware",\n',
    '    "shop.middleware.TimingMiddleware",\n'
    '    "shop.middleware.ExplicitlySyncMiddleware",\n'
    '    "shop.middleware.MixinMiddleware",\n'
    '    "shop.middleware.InheritsMixinMiddleware",\n'
    '    "shop.middleware.FlaggedLaterMiddleware",\n'
    '    "shop.middleware.audit_middleware",\n'
    '    "shop.middleware.both_middleware",\n'
    '    "shop.middleware.async_middleware",\n'
    '    "corsheaders.middleware.CorsMiddleware",\n',
)


def test_sync_only_classes_and_functions_are_reported_at_their_middleware_entry(tmp_path):
    make_project(tmp_path, {"shop/middleware.py": SYNC_MIDDLEWARE, "shop/base.py": BASE_CLASSES, "config/settings.py": ALL_ENTRIES})
    findings = project_findings(tmp_path, ["DJA601"])
    assert where(findings, tmp_path) == [
        ("DJA601", "config/settings.py", 6),  # TimingMiddleware
        ("DJA601", "config/settings.py", 7),  # async_capable = False
        ("DJA601", "config/settings.py", 11),  # audit_middleware
    ]
    timing = findings[0]
    assert timing.column == 5 and timing.end_column == 5 + len('"shop.middleware.TimingMiddleware"')
    assert "`shop.middleware.TimingMiddleware` is sync-only" in timing.message
    assert "function middleware" in findings[2].message


def test_middleware_added_in_split_settings_is_found_in_the_file_that_adds_it(tmp_path):
    make_project(tmp_path, {
        "manage.py": None,
        "config/settings.py": None,
        "config/asgi.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.prod')\n"
                          "from django.core.asgi import get_asgi_application\napplication = get_asgi_application()\n",
        "config/settings/__init__.py": "",
        "config/settings/base.py": SETTINGS.replace('    "shop.middleware.TimingMiddleware",\n', ""),
        "config/settings/prod.py": "from .base import *\n\nMIDDLEWARE += [\"shop.middleware.TimingMiddleware\"]\n"
                                   "MIDDLEWARE.insert(0, \"shop.middleware.audit_middleware\")\n",
        "shop/middleware.py": SYNC_MIDDLEWARE,
        "shop/base.py": BASE_CLASSES,
    })
    assert where(project_findings(tmp_path, ["DJA601"]), tmp_path) == [
        ("DJA601", "config/settings/prod.py", 3),
        ("DJA601", "config/settings/prod.py", 4),
    ]


def test_views_deep_in_packages_count_as_async_views(tmp_path):
    make_project(tmp_path, {"shop/middleware.py": SYNC_MIDDLEWARE, "shop/base.py": BASE_CLASSES,
                            "shop/views.py": VIEWS.replace("async def", "def").replace("await ", ""),
                            "shop/api/v1/orders/views/detail.py": VIEWS})
    assert len(project_findings(tmp_path, ["DJA601"])) == 1


def test_a_project_without_async_views_is_not_checked(tmp_path):
    sync_views = VIEWS.replace("async def", "def").replace("await Order.objects.acount()", "Order.objects.count()")
    make_project(tmp_path, {"shop/middleware.py": SYNC_MIDDLEWARE, "shop/base.py": BASE_CLASSES, "shop/views.py": sync_views})
    assert project_findings(tmp_path, ["DJA601"]) == []


def test_async_capable_project_middleware_passes(tmp_path):
    make_project(tmp_path)
    assert project_findings(tmp_path, ["DJA601"]) == []
