"""Keep API keys and session keys out of every log line.

Installed as a filter on the root handler, so a key that reaches a message or its
arguments (an error string quoting a URL, a header echoed by a library) is masked before
anything is written.
"""

from __future__ import annotations

import logging
import re

# "Api-Key <key>" in any spelling, the authorization query parameter, and bearer tokens.
_PATTERNS = [
    re.compile(r"(?i)(api[-_ ]?key(?:%20|\s|\+|=|:)+)[^\s&\"',]+"),
    re.compile(r"(?i)(authorization=)[^\s&\"',]+"),
    re.compile(r"(?i)(bearer\s+)[^\s\"',]+"),
    re.compile(r"(?i)(session_key\"?\s*[:=]\s*\"?)[^\s\"',}]+"),
]
MASK = "[redacted]"


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """``text`` with known secrets and anything shaped like a key replaced by a mask."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + MASK, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Rewrites each record's message with secrets masked; never drops a record."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
