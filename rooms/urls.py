from django.urls import path

from . import listen, views

urlpatterns = [
    path("rooms/", views.room_list, name="room_list"),
    path("rooms/new/", views.room_create, name="room_create"),
    path("rooms/<int:room_id>/", views.room_detail, name="room_detail"),
    path("rooms/<int:room_id>/edit/", views.room_edit, name="room_edit"),
    path("rooms/<int:room_id>/rotate-link/", views.room_rotate_link, name="room_rotate_link"),
    path("rooms/<int:room_id>/delete/", views.room_delete, name="room_delete"),
    # A token is URL-safe base64, which is exactly what the slug converter matches.
    path("r/<slug:token>/", listen.listen, name="room_listen"),
]
