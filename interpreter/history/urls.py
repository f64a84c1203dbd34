from django.urls import path

from . import views

urlpatterns = [
    path("", views.history_list, name="history"),
    path("delete/", views.history_bulk_delete, name="history_bulk_delete"),
    path("<int:session_id>/", views.session_detail, name="history_session"),
    path(
        "<int:session_id>/utterances.json",
        views.session_utterances,
        name="history_utterances",
    ),
    path("<int:session_id>/title/", views.session_title, name="history_title"),
    path("<int:session_id>/delete/", views.session_delete, name="history_delete"),
    path(
        "<int:session_id>/export/<str:fmt>/",
        views.session_export,
        name="history_export",
    ),
]
