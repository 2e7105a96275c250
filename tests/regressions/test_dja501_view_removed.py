"""DJA501: a view removed or renamed while urls.py, reverse() or {% url %} still refer to it."""

from .gitrepo import regressions

SYNC = '''
from django.http import HttpResponse


def order_detail(request, order_id):
    return HttpResponse()
'''

RENAMED = '''
from django.http import HttpResponse


async def order_detail_async(request, order_id):
    return HttpResponse()
'''

URLS_BY_NAME = '''
from django.urls import path

from .views import order_detail

urlpatterns = [path("orders/<int:order_id>/", order_detail, name="order_detail")]
'''


def test_renamed_view_still_routed_by_urls_is_reported_in_urls(repo):
    finding = regressions(repo, SYNC, RENAMED).only("DJA501")
    assert finding["path"].endswith("shop/urls.py") and finding["line"] == 6
    assert finding["message"] == (
        "`views.order_detail` (urls.py line 6) still refers to `order_detail`, which the edit removed from "
        "shop/views.py (old line 4); renamed to `order_detail_async` (line 4)?"
    )


def test_view_imported_by_name_in_urls_is_found(repo):
    repo.write("shop/urls.py", URLS_BY_NAME)
    finding = regressions(repo, SYNC, RENAMED).only("DJA501")
    assert finding["line"] == 5 and "`order_detail` (urls.py line 5)" in finding["message"]


def test_url_name_still_linked_from_a_template_after_its_route_went(repo):
    repo.write("shop/templates/shop/orders.html", '<a href="{% url \'order_detail\' order.id %}">order</a>\n')
    repo.write("shop/views.py", SYNC)
    repo.commit()
    repo.write("shop/views.py", RENAMED)
    repo.write("shop/urls.py", "from django.urls import path\n\nurlpatterns = []\n")
    finding = repo.check_changed().only("DJA501")
    assert finding["path"].endswith("shop/templates/shop/orders.html") and finding["line"] == 1
    assert "`{% url 'order_detail' %}` (orders.html line 1) still refers to `order_detail`" in finding["message"]
    assert "(old line 4)" in finding["message"]


def test_url_name_still_reversed_in_python_after_its_route_went(repo):
    repo.write("shop/views.py", SYNC)
    repo.write("shop/emails.py", 'from django.urls import reverse\n\n\ndef link(order):\n    return reverse("order_detail", args=[order.pk])\n')
    repo.commit()
    repo.write("shop/views.py", RENAMED)
    repo.write("shop/urls.py", "from django.urls import path\n\nurlpatterns = []\n")
    finding = repo.check_changed().only("DJA501")
    assert finding["path"].endswith("shop/emails.py") and finding["line"] == 5


def test_renamed_view_with_urls_updated_is_not_reported(repo):
    repo.write("shop/views.py", SYNC)
    repo.commit()
    repo.write("shop/views.py", RENAMED)
    repo.write("shop/urls.py", URLS_BY_NAME.replace("order_detail,", "order_detail_async,").replace("import order_detail", "import order_detail_async"))
    assert repo.check_changed().findings == []


def test_view_still_defined_by_an_import_or_alias_is_not_reported(repo):
    aliased = RENAMED + "\n\norder_detail = order_detail_async\n"
    assert regressions(repo, SYNC, aliased).findings == []


def test_deleted_views_module_still_routed_is_reported(repo):
    repo.write("shop/views.py", SYNC)
    repo.commit()
    (repo.path / "shop/views.py").unlink()
    finding = repo.check_changed().only("DJA501")
    assert finding["path"].endswith("shop/urls.py")
    assert "which the edit removed from shop/views.py (old line 4)" in finding["message"]


def test_views_module_moved_while_urls_still_import_it_from_the_old_place(repo):
    repo.write("shop/views.py", SYNC)
    repo.commit()
    repo.git("mv", "shop/views.py", "shop/order_views.py")
    repo.write("shop/order_views.py", SYNC.replace("def order_detail", "async def order_detail"))
    finding = repo.check_changed().only("DJA501")
    assert finding["path"].endswith("shop/urls.py") and finding["line"] == 6
    assert finding["message"] == ("`views.order_detail` (urls.py line 6) still refers to `order_detail` (old line 4) in shop/views.py, "
                                  "which the edit moved to shop/order_views.py")
