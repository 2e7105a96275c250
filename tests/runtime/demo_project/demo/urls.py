from django.urls import include, path, re_path

from demo import views

demo_patterns = [
    path("sleepy/", views.sleepy, name="sleepy"),
    path("swallows-blocking/", views.swallows_blocking, name="swallows_blocking"),
    path("exchange-rate/", views.exchange_rate, name="exchange_rate"),
    path("offloaded-sleep/", views.offloaded_sleep, name="offloaded_sleep"),
    path("legacy-sleepy/", views.legacy_sleepy, name="legacy_sleepy"),
    path("whoami/", views.whoami, name="whoami"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/count/", views.order_count, name="order_count"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/customer/", views.order_customer, name="order_customer"),
    path("orders/<int:pk>/customer-offloaded/", views.order_customer_offloaded, name="order_customer_offloaded"),
    path("report/", views.report, name="report"),
    path("legacy/report/", views.legacy_report, name="legacy_report"),
    re_path(r"^ping\.json$", views.ping),  # unnamed: the URL checks request it by its literal path
]

# Namespaced, as most projects route their apps.
urlpatterns = [path("", include((demo_patterns, "demo")))]
