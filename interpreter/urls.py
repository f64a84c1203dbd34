from django.contrib import admin
from django.urls import include, path

from interpreter import views

admin.site.site_header = "Interpreter administration"
admin.site.site_title = "Interpreter admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("live/", views.live, name="live"),
    path("history/", include("interpreter.history.urls")),
    path("glossaries/", include("glossaries.urls")),
    path("", include("rooms.urls")),
]
