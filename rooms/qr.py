"""The QR code of a room's listener link, drawn on the server as an SVG ``data:`` URI.

An image from the page's own markup needs no script and passes the CSP (img-src allows
``data:``); people in the room scan it with their phones.
"""

from __future__ import annotations

import segno


def qr_data_uri(text: str) -> str:
    """``text`` as a QR code (error correction M: a phone still reads it from a projector)."""
    return segno.make(text, error="m").svg_data_uri(scale=6, border=4)
