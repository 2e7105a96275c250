"""Each triage signal, read from a view's code: what counts, and what must not."""

from tests.triage.conftest import kinds


def test_orm_chains_shortcuts_and_instance_writes_are_database_queries(assess):
    views = assess(
        """
        from django.shortcuts import get_object_or_404
        from .models import Product, Review

        def detail(request, pk):
            product = get_object_or_404(Product.objects.select_related("category"), pk=pk)
            reviews = Review.objects.filter(product=product).order_by("-created")[:5]
            count = product.reviews.count()
            product.views += 1
            product.save()
            return render(request, "p.html", {"product": product, "reviews": reviews, "count": count})
        """
    )
    detail = views["detail"]
    assert kinds(detail) == ["db", "db", "db", "db"]  # the QuerySet argument of get_object_or_404 is not a query of its own
    assert "db-queries" in detail.signal_names


def test_dict_and_string_methods_are_not_database_queries(assess):
    views = assess(
        """
        def search(request):
            term = request.GET.get("q", "")
            words = term.count(" ")
            data = {"a": 1}
            return JsonResponse({"words": words, "keys": list(data.values())})
        """
    )
    assert kinds(views["search"]) == []


def test_requests_httpx_urllib_and_sdk_calls_are_external_http(assess):
    views = assess(
        """
        import requests
        import stripe
        import urllib.request
        import httpx2 as httpx

        def pay(request):
            a = requests.get("https://a.example")
            with httpx.Client() as client:
                b = client.post("https://b.example")
            c = urllib.request.urlopen("https://c.example")
            d = stripe.Customer.retrieve("cus_1")
            return JsonResponse({})
        """
    )
    assert kinds(views["pay"]) == ["http", "http", "http", "http"]
    assert "external-http" in views["pay"].signal_names


def test_calls_that_use_another_calls_result_are_dependent(assess):
    views = assess(
        """
        import requests

        def chain(request):
            token = requests.post("https://auth.example").json()["token"]
            data = requests.get("https://api.example", headers={"token": token})
            return JsonResponse(data.json())

        def fan_in(request):
            a = requests.get("https://a.example").json()
            b = requests.get("https://b.example").json()
            return JsonResponse({"a": a, "b": b})
        """
    )
    assert views["chain"].recommendation == "maybe"
    assert "each needing the previous one's result" in " ".join(views["chain"].reasons)
    assert views["fan_in"].recommendation == "convert"
    assert "1 round trip instead of 2" in " ".join(views["fan_in"].reasons)


def test_a_call_that_needs_a_database_row_still_overlaps_with_other_calls(assess):
    dashboard = assess(
        """
        import requests
        from .models import Profile

        def dashboard(request):
            profile = Profile.objects.get(user_id=request.session["uid"])
            billing = requests.get(f"https://billing.example/{profile.customer_id}").json()
            analytics = requests.get("https://analytics.example").json()
            return JsonResponse({"billing": billing, "analytics": analytics})
        """
    )["dashboard"]
    query, billing, analytics = dashboard.signals.sites
    assert (billing.deps, analytics.deps) == ({query.id}, frozenset())
    assert dashboard.recommendation == "convert"
    assert "gathered, they take 1 round trip instead of 2" in dashboard.reasons[0]


def test_calls_in_a_loop_or_comprehension_can_overlap(assess):
    views = assess(
        """
        import requests

        def prices(request):
            return JsonResponse([requests.get(url).json() for url in URLS], safe=False)
        """
    )
    assert views["prices"].recommendation == "convert"
    assert "made in a loop" in views["prices"].reasons[0]


def test_project_helpers_and_annotated_clients_are_followed(assess):
    views = assess(
        """
        import httpx2
        from shop.clients import fetch_billing

        def _get_json(client: httpx2.Client, url: str) -> dict:
            return client.get(url).json()

        def dashboard(request):
            with httpx2.Client() as client:
                billing = fetch_billing(client, 1)
                analytics = _get_json(client, "https://analytics.example")
            return JsonResponse({"billing": billing, "analytics": analytics})
        """,
        shop__clients="""
        import httpx2

        def fetch_billing(client: httpx2.Client, customer: int) -> dict:
            return client.get(f"https://billing.example/{customer}").json()
        """,
    )
    dashboard = views["dashboard"]
    assert kinds(dashboard) == ["http", "http"]
    assert [site.label for site in dashboard.signals.sites] == [
        "fetch_billing() → httpx2.Client().get",
        "_get_json() → httpx2.Client().get",
    ]
    assert "_get_json" not in views  # a helper without a request parameter is not a view


def test_boto3_calls_are_cloud_storage(assess):
    views = assess(
        """
        import boto3

        def upload(request):
            s3 = boto3.client("s3")
            s3.upload_fileobj(request.FILES["f"], "bucket", "key")
            s3.put_object(Bucket="bucket", Key="meta", Body=b"")
            return HttpResponse()
        """
    )
    assert kinds(views["upload"]) == ["cloud-storage", "cloud-storage"]
    assert any("aioboto3" in reason for reason in views["upload"].reasons)


def test_open_pathlib_and_default_storage_are_file_io(assess):
    views = assess(
        """
        from pathlib import Path
        from django.core.files.storage import default_storage

        def export(request):
            with open("/tmp/x.csv", "w") as handle:
                handle.write("a")
            Path("/tmp/y").write_text("b")
            default_storage.save("z.txt", request.FILES["f"])
            return HttpResponse()
        """
    )
    assert [site.label for site in views["export"].signals.sites] == [
        "open", "open().write", "pathlib.Path().write_text", "default_storage.save",
    ]  # fmt: skip
    assert set(kinds(views["export"])) == {"file"}
    assert views["export"].recommendation == "skip"
    assert "file I/O" in " ".join(views["export"].reasons)


def test_send_mail_email_message_and_email_helpers_are_email(assess):
    views = assess(
        """
        import smtplib
        from django.core.mail import EmailMessage, send_mail
        from shop.emails import send_receipt

        def contact(request):
            send_mail("s", "m", None, ["a@example.com"])
            message = EmailMessage("s", "m", to=["b@example.com"])
            message.send()
            send_receipt(request.POST["email"])
            request.user.email_user("subject", "body")
            with smtplib.SMTP("localhost") as smtp:
                smtp.sendmail("a@example.com", ["b@example.com"], "hi")
            return HttpResponse()
        """,
        shop__emails="""
        from django.core.mail import send_mail

        def send_receipt(email):
            send_mail("receipt", "thanks", None, [email])
        """,
    )
    assert kinds(views["contact"]) == ["email"] * 5
    assert views["contact"].prompt == "move-to-background-task"


def test_cache_calls_and_cache_page_are_cache(assess):
    views = assess(
        """
        import redis
        from django.core.cache import cache, caches
        from django.views.decorators.cache import cache_page

        def counted(request):
            hits = cache.get("hits", 0)
            caches["other"].set("hits", hits + 1)
            redis.Redis().incr("total")
            return HttpResponse(hits)

        @cache_page(60)
        def cached(request):
            return HttpResponse("x")
        """
    )
    assert kinds(views["counted"]) == ["cache", "cache", "cache"]
    assert "cache" in views["cached"].signal_names
    assert views["counted"].recommendation == "skip"


def test_sync_only_library_makes_the_view_skip_even_with_http(assess):
    views = assess(
        """
        import paramiko
        import requests

        def sftp(request):
            a = requests.get("https://a.example")
            b = requests.get("https://b.example")
            client = paramiko.SSHClient()
            client.connect("host")
            return HttpResponse()
        """
    )
    sftp = views["sftp"]
    assert "sync-only-library" in sftp.signal_names
    assert (sftp.recommendation, sftp.score) == ("skip", 0)
    assert sftp.reasons[0].startswith("uses a sync-only library (paramiko.SSHClient")


def test_image_processing_and_password_hashing_are_cpu_heavy(assess):
    views = assess(
        """
        from PIL import Image
        from django.contrib.auth.hashers import make_password

        def thumbnail(request):
            image = Image.open(request.FILES["f"])
            image.thumbnail((100, 100))
            return HttpResponse()

        def register(request):
            return HttpResponse(make_password(request.POST["password"]))
        """
    )
    assert kinds(views["thumbnail"]) == ["cpu", "cpu"]
    assert kinds(views["register"]) == ["cpu"]
    assert views["thumbnail"].recommendation == "skip"
    assert "CPU-heavy work" in views["register"].reasons[0]


def test_admin_views_by_route_wrapper_decorator_and_module(project):
    root = project(
        {
            "shop/urls.py": """
                from django.contrib import admin
                from django.urls import path
                from . import reports

                urlpatterns = [
                    path("admin/report/", reports.report),
                    path("stats/", admin.site.admin_view(reports.stats)),
                ]
            """,
            "shop/reports.py": """
                import requests

                def report(request):
                    a = requests.get("https://a.example")
                    b = requests.get("https://b.example")
                    return HttpResponse()

                def stats(request):
                    return HttpResponse()
            """,
            "shop/views.py": """
                from django.contrib.admin.views.decorators import staff_member_required

                @staff_member_required
                def backoffice(request):
                    return HttpResponse()
            """,
        }
    )
    from verify.triage import triage

    views = {a.view.qualname: a for a in triage([root])}
    assert set(views) == {"report", "stats", "backoffice"}
    assert views["report"].reasons[0] == "admin view (routed under 'admin/report/'): the Django admin has no async API"
    assert "wrapped in admin_view() in urls.py" in views["stats"].reasons[0]
    assert "decorated with staff_member_required" in views["backoffice"].reasons[0]
    assert all(a.recommendation == "skip" and "admin" in a.signal_names for a in views.values())


def test_permission_checks_in_decorators_and_body(assess):
    views = assess(
        """
        from django.contrib.auth.decorators import login_required
        from django.core.exceptions import PermissionDenied

        @login_required
        def guarded(request):
            return HttpResponse()

        def owner_only(request, pk):
            if not request.user.has_perm("shop.view_order"):
                raise PermissionDenied
            return HttpResponse()

        def open_view(request):
            return HttpResponse()
        """
    )
    assert views["guarded"].signals.permission_checks == ["@login_required"]
    assert views["owner_only"].signals.permission_checks == ["has_perm", "PermissionDenied"]
    assert "permission-checks" not in views["open_view"].signal_names


def test_class_based_view_handlers_and_self_helpers(assess):
    views = assess(
        """
        import requests
        from django.views import View
        from django.views.generic import ListView

        class Dashboard(View):
            def get(self, request):
                return JsonResponse({"a": self.fetch("a"), "b": self.fetch("b")})

            def post(self, request):
                return HttpResponse()

            def fetch(self, name):
                return requests.get(f"https://{name}.example").json()

        class ProductList(ListView):
            model = Product
        """
    )
    assert set(views) == {"Dashboard.get", "Dashboard.post", "ProductList"}
    get = views["Dashboard.get"]
    assert kinds(get) == ["http", "http"]
    assert (get.recommendation, get.prompt) == ("convert", "convert-class-based-view")
    assert "class-based-view" in get.signal_names
    assert "handlers get, post of one class must all be sync or all async: convert them together" in get.reasons
    assert any("generic class-based view" in reason for reason in views["ProductList"].reasons)


def test_async_views_are_reported_as_converted(assess):
    views = assess(
        """
        import httpx2

        async def dashboard(request):
            async with httpx2.AsyncClient() as client:
                response = await client.get("https://a.example")
            return JsonResponse(response.json())
        """
    )
    dashboard = views["dashboard"]
    assert (dashboard.recommendation, dashboard.prompt) == ("converted", "write-async-tests")
    assert dashboard.reasons[0] == "already async def; `django-async-kit verify` finds no problem in it"
    assert {"already-async", "external-http"} <= set(dashboard.signal_names)


def test_async_views_with_verifier_findings_get_the_fix_prompt(assess):
    views = assess(
        """
        from django.http import JsonResponse
        from .models import Product

        async def product(request, pk):
            item = await Product.objects.aget(pk=pk)
            return JsonResponse({"name": item.name, "user": request.user.pk})
        """
    )
    product = views["product"]
    assert (product.recommendation, product.prompt) == ("converted", "fix-verify-findings")
    assert product.reasons[0] == "already async def; `django-async-kit verify` finds 1 problem (DJA107 line 7)"
