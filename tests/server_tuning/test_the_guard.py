"""Each patch installs only on the library versions it was verified on, and the switch turns
them all off; each case runs in a fresh interpreter, so what it sees is the libraries' state."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(body: str) -> subprocess.CompletedProcess:
    script = textwrap.dedent(
        """
        import logging, sys
        logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
        from importlib.metadata import version
        from twisted.internet import asyncioreactor, tcp
        import autobahn.websocket.protocol
        from daphne import ws_protocol
        original = {
            "tcp_writes": tcp.Connection.write,
            "reactor_callbacks": asyncioreactor.callWithLogger,
            "frame_masks": autobahn.websocket.protocol.create_xor_masker,
            "fast_frames": ws_protocol.WebSocketProtocol.processData,
        }
        def changed():
            now = {
                "tcp_writes": tcp.Connection.write,
                "reactor_callbacks": asyncioreactor.callWithLogger,
                "frame_masks": autobahn.websocket.protocol.create_xor_masker,
                "fast_frames": ws_protocol.WebSocketProtocol.processData,
            }
            return sorted(name for name in now if now[name] is not original[name])
        from interpreter import server_tuning
        """
    ) + textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_on_the_verified_versions_every_patch_is_installed():
    result = run(
        """
        print("installed:", server_tuning.install())
        print("changed:", changed())
        """
    )
    assert result.returncode == 0, result.stderr
    assert (
        "installed: ('tcp_writes', 'fast_frames', 'reactor_callbacks', 'frame_masks', "
        "'autobahn_logs')" in result.stdout
    )
    assert "changed: ['fast_frames', 'frame_masks', 'reactor_callbacks', 'tcp_writes']" in (
        result.stdout
    )


def test_a_patch_whose_library_moved_on_is_skipped_with_one_line_saying_why():
    result = run(
        """
        def newer_twisted(name):
            return "27.1.0" if name == "Twisted" else version(name)
        print("installed:", server_tuning.install(installed_version=newer_twisted))
        print("changed:", changed())
        """
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    skipped = [line for line in lines if "skipped" in line]
    assert skipped == [
        "Server tuning: tcp_writes skipped: installed Twisted 27.1.0 (verified on 26.10.0); "
        "see interpreter/server_tuning.",
        "Server tuning: reactor_callbacks skipped: installed Twisted 27.1.0 (verified on "
        "26.10.0); see interpreter/server_tuning.",
    ]
    assert "installed: ('fast_frames', 'frame_masks', 'autobahn_logs')" in lines
    assert "changed: ['fast_frames', 'frame_masks']" in lines


def test_a_missing_library_counts_as_a_mismatch():
    result = run(
        """
        from importlib.metadata import PackageNotFoundError
        def no_daphne(name):
            if name == "daphne":
                raise PackageNotFoundError(name)
            return version(name)
        print("installed:", server_tuning.install(installed_version=no_daphne))
        """
    )
    assert result.returncode == 0, result.stderr
    assert "fast_frames skipped: installed daphne missing (verified on 4.2.3)" in result.stdout
    assert "fast_frames" not in result.stdout.splitlines()[-1]


def test_switched_off_nothing_is_installed_and_one_line_says_so():
    result = run(
        """
        print("installed:", server_tuning.install(enabled=False))
        print("changed:", changed())
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Server tuning is off (SERVER_TUNING=false): daphne runs as shipped.",
        "installed: ()",
        "changed: []",
    ]
