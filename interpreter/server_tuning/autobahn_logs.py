"""autobahn's per-frame debug-log arguments, built cheaply.

For every WebSocket frame daphne reads or writes, autobahn builds the arguments of a debug
line (``hltype(self.dataReceived)``, ``hltype(self.sendData)``, ``hlval(...)``) whether or
not debug logging is on. Two things made that cost more than the frame's own parsing or
framing in ``bench/bridge.py`` (see docs/benchmarks.md):

- each argument was coloured with click when click can be imported, and here it can
  (huggingface_hub needs it): about 3 % of daphne's CPU. autobahn has a plain path for when
  click is missing; :func:`install` takes it.
- ``hltype`` works out a method's qualified name anew on every call: 1.5 µs a call, twice
  per relayed frame, about 2 %. :func:`install` gives autobahn's protocol and Twisted
  modules a ``hltype`` that remembers the name per function. It keys on the function,
  never on a bound method, so it holds no connection.

Debug lines, if anyone turns them on, say the same, in plain text.
"""

from __future__ import annotations

from collections.abc import Hashable

import autobahn.twisted.websocket
import autobahn.util
import autobahn.websocket.protocol

_type_names: dict[Hashable, str] = {}


def install() -> None:
    """Make autobahn's log highlighting plain and its type names remembered; idempotent."""
    autobahn.util._HAS_CLICK = False
    autobahn.websocket.protocol.hltype = remembered_hltype
    autobahn.twisted.websocket.hltype = remembered_hltype


def remembered_hltype(obj: object) -> str:
    """``autobahn.util.hltype(obj)``, worked out once per function or class."""
    key = getattr(obj, "__func__", obj)  # a bound method's function: no instance is kept
    try:
        return _type_names[key]
    except KeyError:
        name = _type_names[key] = autobahn.util.hltype(obj)
        return name
    except TypeError:  # unhashable: nothing to remember it by
        return autobahn.util.hltype(obj)
