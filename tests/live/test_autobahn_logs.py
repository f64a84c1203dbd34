"""autobahn's per-frame debug-log arguments are built as plain text under daphne."""

from __future__ import annotations

import autobahn.util

from interpreter.live import autobahn_logs


def a_function() -> None:
    """Something for autobahn to name."""


def test_log_arguments_carry_no_terminal_colour_codes():
    autobahn_logs.install()

    assert autobahn.util.hlval(640) == "640"
    assert autobahn.util.hltype(a_function) == f"<{__name__}.a_function>"
