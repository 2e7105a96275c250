"""Finding views: views modules, anything urls.py routes to, class-based handlers, dotted paths."""

from verify.triage import find_view, triage


def test_routed_views_outside_views_modules_are_found_and_named_by_module(project):
    root = project(
        {
            "shop/urls.py": """
                from django.urls import path
                from shop.handlers import checkout
                from .api import Prices

                urlpatterns = [path("checkout/", checkout), path("prices/", Prices.as_view())]
            """,
            "shop/handlers.py": """
                def checkout(req):
                    return HttpResponse()

                def not_routed(request):
                    return HttpResponse()
            """,
            "shop/api.py": """
                from django.views import View

                class Prices(View):
                    async def get(self, request):
                        return JsonResponse({})
            """,
            "shop/utils.py": """
                def helper(request):
                    return 1
            """,
        }
    )
    dotted = sorted(a.view.dotted for a in triage([root]))
    # handlers.py is scanned because urls.py routes into it, so its other request-taking function counts too;
    # utils.py is neither a views module nor routed.
    assert dotted == ["shop.api.Prices.get", "shop.handlers.checkout", "shop.handlers.not_routed"]


def test_views_packages_and_named_modules_are_scanned_without_urls(project):
    root = project(
        {
            "shop/views/orders.py": "def order(request):\n    return 1\n",
            "shop/legacy_views.py": "def old(request):\n    return 1\n",
            "shop/views_v2.py": "def new(request):\n    return 1\n",
            "shop/migrations/0001_initial.py": "def forwards(request):\n    return 1\n",
            "shop/broken_views.py": "def broken(request:\n",
        }
    )
    assert sorted(a.view.dotted for a in triage([root])) == [
        "shop.legacy_views.old",
        "shop.views.orders.order",
        "shop.views_v2.new",
    ]


def test_report_is_sorted_by_recommendation_then_score(project):
    root = project(
        {
            "shop/views.py": """
                import requests

                def a_skip(request):
                    return HttpResponse()

                async def b_converted(request):
                    return HttpResponse()

                def c_maybe(request):
                    return JsonResponse(requests.get("https://x.example").json())

                def d_convert(request):
                    return JsonResponse([requests.get(u).json() for u in URLS], safe=False)
            """
        }
    )
    assert [a.view.qualname for a in triage([root])] == ["d_convert", "c_maybe", "a_skip", "b_converted"]


def test_find_view_by_function_method_or_class_name(project):
    root = project(
        {
            "shop/views.py": """
                from django.views import View

                def listing(request):
                    return HttpResponse()

                class Orders(View):
                    def get(self, request):
                        return HttpResponse()

                    def post(self, request):
                        return HttpResponse()
            """
        }
    )
    file = root / "shop/views.py"
    assert find_view(file, "listing").qualname == "listing"
    assert find_view(file, "Orders.post").qualname == "Orders.post"
    assert find_view(file, "Orders").qualname == "Orders.get"
    assert find_view(file, "missing") is None


def test_a_file_named_on_the_command_line_is_scanned_whatever_its_name(project):
    root = project({"drafts/converted.py": "async def draft(request):\n    return 1\n"})
    assert triage([root]) == []
    assert [a.view.dotted for a in triage([root / "drafts" / "converted.py"])] == ["drafts.converted.draft"]
