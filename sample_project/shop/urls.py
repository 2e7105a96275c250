"""The legacy and async versions of each view, side by side under /legacy/ and /async/."""

from django.urls import path

from . import views_async, views_legacy


def shop_patterns(views) -> list:
    return [
        path("products/<int:product_id>/", views.product_detail, name="product_detail"),
        path("dashboard/", views.user_dashboard, name="user_dashboard"),
        path("orders/<int:order_id>/confirmation/", views.order_confirmation, name="order_confirmation"),
        path("categories/", views.category_list, name="category_list"),
    ]


legacy_patterns = (shop_patterns(views_legacy), "legacy")
async_patterns = (shop_patterns(views_async), "async")
