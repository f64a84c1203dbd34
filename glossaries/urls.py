from django.urls import path

from . import views

urlpatterns = [
    path("", views.glossary_list, name="glossary_list"),
    path("new/", views.glossary_create, name="glossary_create"),
    path("<int:glossary_id>/", views.glossary_detail, name="glossary_detail"),
    path("<int:glossary_id>/edit/", views.glossary_edit, name="glossary_edit"),
    path("<int:glossary_id>/vocabulary/", views.glossary_vocabulary, name="glossary_vocabulary"),
    path("<int:glossary_id>/dictionary/", views.glossary_dictionary, name="glossary_dictionary"),
    path("<int:glossary_id>/import/", views.glossary_import, name="glossary_import"),
    path(
        "<int:glossary_id>/import/confirm/",
        views.glossary_import_confirm,
        name="glossary_import_confirm",
    ),
    path(
        "<int:glossary_id>/export/<str:kind>.<str:fmt>",
        views.glossary_export,
        name="glossary_export",
    ),
    path("<int:glossary_id>/duplicate/", views.glossary_duplicate, name="glossary_duplicate"),
    path("<int:glossary_id>/delete/", views.glossary_delete, name="glossary_delete"),
]
