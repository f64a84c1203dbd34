"""WebSocket URL routes, mounted by interpreter.asgi behind origin and auth checks."""

from django.urls import path

from interpreter.consumers import LiveConsumer
from rooms.consumers import ListenerConsumer

websocket_urlpatterns = [
    path("ws/live/", LiveConsumer.as_asgi()),
    path("ws/listen/<str:token>/", ListenerConsumer.as_asgi()),
]
