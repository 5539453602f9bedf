from django.contrib import admin
from django.urls import path

from .payments_admin import site

urlpatterns = [
    path("admin/", admin.site.urls),
    path("test-admin/", site.urls),
]
