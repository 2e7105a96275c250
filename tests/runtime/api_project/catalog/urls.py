from django.urls import path

from catalog import drf_views, planted, views
from catalog.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("welcome/", views.welcome, name="welcome"),
    path("mine/", views.MyProductsView.as_view(), name="my_products"),
    path("api/", api.urls),
    path("drf/products/count/", drf_views.ProductCountView.as_view(), name="product_count"),
    path("drf/products/cheapest/", drf_views.cheapest_product, name="cheapest_product"),
    path("planted/", planted.api.urls),
    path("planted/drf/", planted.SlowCountView.as_view(), name="planted_drf"),
    path("planted/page/", planted.SlowPageView.as_view(), name="planted_page"),
]
