"""The benefit model: external I/O that can overlap gains, database queries alone do not."""

import pytest

from verify.triage.benefit import RECOMMENDED_PROMPTS

TWO_INDEPENDENT_CALLS = """
import requests

def dashboard(request):
    billing = requests.get("https://billing.example").json()
    analytics = requests.get("https://analytics.example").json()
    return JsonResponse({"billing": billing, "analytics": analytics})
"""


def test_independent_external_calls_are_worth_converting(assess):
    dashboard = assess(TWO_INDEPENDENT_CALLS)["dashboard"]
    assert (dashboard.recommendation, dashboard.score, dashboard.benefit) == ("convert", 50, "high")
    assert dashboard.prompt == "convert-external-api-view"


def test_one_external_call_is_a_maybe(assess):
    weather = assess(
        """
        import requests

        def weather(request):
            return JsonResponse(requests.get("https://weather.example").json())
        """
    )["weather"]
    assert (weather.recommendation, weather.score, weather.prompt) == ("maybe", 15, "should-this-be-async")
    assert "frees the worker while the view waits on the network (under ASGI only)" in weather.reasons[1]


def test_many_database_queries_alone_gain_nothing(assess):
    report = assess(
        """
        from .models import Order, Product, Review

        def report(request):
            orders = Order.objects.count()
            products = Product.objects.count()
            reviews = Review.objects.count()
            latest = Order.objects.latest("created")
            return JsonResponse({"orders": orders, "products": products, "reviews": reviews})
        """
    )["report"]
    assert (report.recommendation, report.score) == ("skip", 0)
    assert report.reasons == [
        "4 database queries (lines 5, 6, 7, 8; none needs another's result, yet they would not overlap): "
        "no gain from async, Django runs async ORM calls one after another on one thread per request"
    ]


def test_simple_one_or_two_query_views_are_skipped_as_simple(assess):
    views = assess(
        """
        from .models import Category

        def categories(request):
            return render(request, "c.html", {"categories": Category.objects.all()})
        """
    )
    assert views["categories"].recommendation == "skip"
    assert "simple view (1 query, no external I/O)" in views["categories"].reasons[1]


@pytest.mark.parametrize(
    "extra_import, decorator, extra_line, blocker",
    [
        ("from django.contrib.admin.views.decorators import staff_member_required", "@staff_member_required", "", "admin view"),
        ("from PIL import Image", "", "Image.open(request.FILES['f']).thumbnail((64, 64))", "CPU-heavy work"),
        ("import ldap3", "", "ldap3.Connection('ldap://x').bind()", "uses a sync-only library"),
    ],
)
def test_a_blocker_overrides_the_benefit_of_overlapping_calls(assess, extra_import, decorator, extra_line, blocker):
    source = (
        TWO_INDEPENDENT_CALLS.replace("import requests", f"import requests\n{extra_import}")
        .replace("def dashboard", f"{decorator}\ndef dashboard")
        .replace("    return JsonResponse", f"    {extra_line}\n    return JsonResponse")
    )
    dashboard = assess(source)["dashboard"]
    assert (dashboard.recommendation, dashboard.score, dashboard.prompt) == ("skip", 0, "should-this-be-async")
    assert dashboard.reasons[0].startswith(blocker)
    assert "1 round trip instead of 2" in " ".join(dashboard.reasons)  # the lost benefit is still explained


def test_permission_heavy_views_get_the_business_logic_prompt(assess):
    checkout = assess(
        """
        import requests
        from django.core.exceptions import PermissionDenied

        def checkout(request, pk):
            if not request.user.is_authenticated:
                return redirect("login")
            if not request.user.has_perm("shop.checkout"):
                raise PermissionDenied
            try:
                quote = requests.get("https://quote.example").json()
                stock = requests.get("https://stock.example").json()
            except requests.RequestException:
                return HttpResponse(status=502)
            return JsonResponse({"quote": quote, "stock": stock})
        """
    )["checkout"]
    assert (checkout.recommendation, checkout.prompt) == ("convert", "convert-business-logic-view")


def test_every_recommended_prompt_exists_in_the_builtin_cheatsheet():
    from verify.assist import cheatsheet

    assert RECOMMENDED_PROMPTS <= set(cheatsheet.load().prompts)
