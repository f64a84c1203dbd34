"""WebSocket URL routes, mounted by interpreter.asgi behind origin and auth checks."""

websocket_urlpatterns: list = []
