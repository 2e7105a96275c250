from django.contrib.auth import views as auth_views
from django.urls import include, path

from shop.urls import async_patterns, legacy_patterns

urlpatterns = [
    path("legacy/", include(legacy_patterns)),
    path("async/", include(async_patterns)),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
]
