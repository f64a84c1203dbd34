"""Measured patches of daphne's, autobahn's and Twisted's internals, in one guarded place.

A live page sends fifty 640-byte WebSocket frames a second and gets as many back, so what
daphne's libraries do per frame is most of a worker's CPU (``bench/bridge.py``). Each module
here replaces one piece of that work with a cheaper path that keeps the library's behaviour,
and each is tested against the library's own path on the same input (``tests/server_tuning/``).

They reach into private internals, so each was verified against exact versions, and
:func:`install` (called once, from ``interpreter.asgi``, where daphne serves the app) installs
a patch only when every library it touches is installed at the version it was verified on.
Otherwise it logs one line naming the patch and the mismatch and leaves the library as it is:
the app is correct without any of them, only slower. ``SERVER_TUNING=false`` turns them all
off. ``tests/server_tuning/test_verified_versions.py`` fails when ``requirements.txt`` pins
another version than the table below says, so bumping one of these libraries means checking
the patches against it (their tests, then ``bench/bridge.py``) and updating this table.

Each patch, what it replaces, the versions it was verified on, and what it saves (figures
from docs/benchmarks.md, measured with ``timeit`` and ``bench/bridge.py``):

=================  ============================  ================  =============================
patch              replaces                      verified on       saves
=================  ============================  ================  =============================
tcp_writes         Twisted's                     Twisted 26.10.0   two ``epoll_ctl`` calls and a
                   ``tcp.Connection.write``,                       reactor turn per frame sent:
                   which queues every write                        ~10 % of daphne's CPU per
                   for the reactor's next turn                     relayed frame
fast_frames        daphne's ``processData`` and  daphne 4.2.3,     13-15 % of daphne's CPU per
                   ``sendMessage`` (autobahn's   autobahn 26.11.1  relayed frame: reading a 640-B
                   frame machine) for whole      websockets 17.4   frame 17.5-21.7 -> 6.0-6.3 µs,
                   binary frames                                   writing 6.4-7.0 -> 2.4-2.6 µs
reactor_callbacks  Twisted's asyncio reactor's   Twisted 26.10.0   2.7 µs per socket read, ~2 %
                   ``callWithLogger`` (a log
                   context per socket read)
frame_masks        autobahn's                    autobahn 26.11.1  3.2 -> 0.5 µs per frame from
                   ``create_xor_masker`` (a      websockets 17.4   a page, ~2 %
                   cffi masker per frame)
autobahn_logs      autobahn's per-frame          autobahn 26.11.1  ~3 % (no click colouring) and
                   debug-log arguments (click                      ~2 % (``hltype`` 1.5 µs, twice
                   colours, ``hltype``)                            per relayed frame)
=================  ============================  ================  =============================

``bench/bridge.py`` measures daphne's CPU per relayed frame with the tuning on and off in the
same run: all five together saved 28-41 % (72-90 µs per frame tuned, 100-154 µs as shipped, at
100-200 sessions, 2026-12-03 in docs/benchmarks.md).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Patch:
    """One patch: its module here, and the distributions (name -> version) it was verified on."""

    name: str
    verified: Mapping[str, str]

    def mismatches(self, installed_version: Callable[[str], str]) -> list[str]:
        """What differs from the verified versions, e.g. ``["Twisted 26.11.0 (verified
        on 26.10.0)"]``; empty when the patch may be installed."""
        found = []
        for distribution, verified in self.verified.items():
            try:
                installed = installed_version(distribution)
            except PackageNotFoundError:
                installed = "missing"
            if installed != verified:
                found.append(f"{distribution} {installed} (verified on {verified})")
        return found

    def install(self) -> None:
        importlib.import_module(f"{__name__}.{self.name}").install()


PATCHES: tuple[Patch, ...] = (
    Patch("tcp_writes", {"Twisted": "26.10.0"}),
    Patch("fast_frames", {"daphne": "4.2.3", "autobahn": "26.11.1", "websockets": "17.4"}),
    Patch("reactor_callbacks", {"Twisted": "26.10.0"}),
    Patch("frame_masks", {"autobahn": "26.11.1", "websockets": "17.4"}),
    Patch("autobahn_logs", {"autobahn": "26.11.1"}),
)


def install(
    enabled: bool = True, installed_version: Callable[[str], str] = version
) -> tuple[str, ...]:
    """Install every patch whose libraries are at their verified versions; returns their
    names. Each patch's own install is idempotent.

    A patch whose versions differ is skipped with one warning saying which and why; with
    ``enabled`` false (``SERVER_TUNING=false``) none is installed and one line says so. A
    patch module is imported only once its versions match, so a library that changed under
    it can't break start-up either.
    """
    if not enabled:
        logger.info("Server tuning is off (SERVER_TUNING=false): daphne runs as shipped.")
        return ()
    installed = []
    for patch in PATCHES:
        mismatches = patch.mismatches(installed_version)
        if mismatches:
            logger.warning(
                "Server tuning: %s skipped: installed %s; see interpreter/server_tuning.",
                patch.name,
                ", ".join(mismatches),
            )
            continue
        patch.install()
        installed.append(patch.name)
    logger.info("Server tuning: installed %s.", ", ".join(installed) or "nothing")
    return tuple(installed)
