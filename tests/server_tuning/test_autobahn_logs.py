"""autobahn's per-frame debug-log arguments are built as plain text under daphne."""

from __future__ import annotations

import gc
import weakref

import autobahn.twisted.websocket
import autobahn.util
import autobahn.websocket.protocol

from interpreter.server_tuning import autobahn_logs


def a_function() -> None:
    """Something for autobahn to name."""


class AConnection:
    def send_data(self) -> None:
        """A method autobahn names in its debug line for every frame written."""


def test_log_arguments_carry_no_terminal_colour_codes():
    autobahn_logs.install()

    assert autobahn.util.hlval(640) == "640"
    assert autobahn.util.hltype(a_function) == f"<{__name__}.a_function>"


def test_the_protocol_names_a_method_as_autobahn_does():
    autobahn_logs.install()
    hltype = autobahn.websocket.protocol.hltype

    for obj in (AConnection().send_data, AConnection().send_data, a_function, AConnection):
        assert hltype(obj) == autobahn.util.hltype(obj)
    assert hltype(AConnection().send_data) == f"<{__name__}.AConnection.send_data>"
    assert hltype([]) == autobahn.util.hltype([])  # unhashable: named, not remembered


def test_remembering_a_method_name_keeps_no_connection_alive():
    autobahn_logs.install()
    connection = AConnection()
    gone = weakref.ref(connection)

    autobahn.websocket.protocol.hltype(connection.send_data)
    del connection
    gc.collect()

    assert gone() is None


def test_the_twisted_adapter_names_a_method_as_autobahn_does():
    autobahn_logs.install()

    name = autobahn.twisted.websocket.hltype(AConnection().send_data)

    assert name == autobahn.util.hltype(AConnection().send_data)
