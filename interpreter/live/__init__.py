"""One live session behind ``/ws/live/``: the browser protocol, its limits, and persistence.

``interpreter.consumers.LiveConsumer`` only authenticates and hands frames to
:class:`~interpreter.live.session.LiveSession`, which owns the service stream, the relay
tasks and the session's rows. ``docs/protocol.md`` describes the protocol for people.
"""
