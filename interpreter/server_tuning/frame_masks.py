"""autobahn unmasks each WebSocket frame from a page with websockets' C ``apply_mask``.

Every frame a browser sends is masked (RFC 6455, section 5.3), so daphne's autobahn makes a
masker per frame. Its native masker is a cffi object: importing the extension, allocating
two C buffers with finalizers and copying the payload in and out came to 3.2 µs for a 20 ms
audio frame, about 2 % of daphne's CPU per relayed frame in ``bench/bridge.py`` (see
docs/benchmarks.md), and each left a finalizer for the garbage collector. websockets, which
the Krisp client already uses, has the same XOR in C as one call (0.1 µs).

:func:`install` gives autobahn's protocol module a ``create_xor_masker`` that returns a
:class:`Masker`: autobahn's masker interface (``pointer``, ``reset``, ``process``) over
``apply_mask``, keeping its place in the 4-byte key across a frame split between reads.
"""

from __future__ import annotations

import autobahn.websocket.protocol
from websockets.speedups import apply_mask


def install() -> None:
    """Make autobahn mask and unmask frames with :class:`Masker`; idempotent."""
    autobahn.websocket.protocol.create_xor_masker = create_xor_masker


def create_xor_masker(mask: bytes, length: int | None = None) -> Masker:
    """autobahn's factory, for any payload length."""
    return Masker(mask)


class Masker:
    """XOR a frame's payload, chunk by chunk, with its 4-byte masking key."""

    __slots__ = ("_mask", "_pointer")

    def __init__(self, mask: bytes) -> None:
        if len(mask) != 4:
            raise ValueError("A WebSocket masking key is 4 bytes")
        self._mask = bytes(mask)
        self._pointer = 0

    def pointer(self) -> int:
        """How many payload bytes have been processed so far."""
        return self._pointer

    def reset(self) -> None:
        self._pointer = 0

    def process(self, data: bytes) -> bytes:
        """The next ``data`` of the payload, masked or unmasked (XOR is its own inverse)."""
        mask, offset = self._mask, self._pointer & 3
        if offset:  # a chunk that starts part-way into the key (rare: most frames come whole)
            mask = mask[offset:] + mask[:offset]
        self._pointer += len(data)
        return apply_mask(data, mask)
