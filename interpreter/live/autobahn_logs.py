"""autobahn's per-frame debug-log arguments, built without colour.

For every WebSocket frame daphne reads or writes, autobahn builds the arguments of a debug
line (``hltype``, ``hlval``) whether or not debug logging is on, and colours each with
click when click can be imported. Here it can (huggingface_hub needs it), and the colouring
alone cost about 3 % of daphne's CPU per relayed frame in ``bench/bridge.py`` (see
docs/benchmarks.md). autobahn has a plain path for when click is missing; :func:`install`
takes it. Debug lines, if anyone turns them on, say the same, in plain text.
"""

from __future__ import annotations

import autobahn.util


def install() -> None:
    """Make autobahn's log highlighting plain text for this process; idempotent."""
    autobahn.util._HAS_CLICK = False
