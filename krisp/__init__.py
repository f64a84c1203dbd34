"""A client for the Krisp Voice Translation API, with no Django imports.

The public surface: :class:`KrispClient` (session keys, languages, streams), the
:class:`SessionConfig` a stream is opened with, the event types a stream yields, and the
:class:`KrispError` family every failure is raised as.
"""

from .client import KrispClient
from .config import DictionaryTerm, SessionConfig
from .errors import (
    KrispBadRequest,
    KrispConfigError,
    KrispConnectionError,
    KrispError,
    KrispPaymentRequired,
    KrispRateLimited,
    KrispServerError,
    KrispUnauthorized,
)
from .events import (
    Audio,
    Event,
    Ready,
    Reconnected,
    Reconnecting,
    ServiceError,
    Transcript,
    Translation,
)
from .rest import Language, SessionKey
from .stream import KrispStream, StreamOptions

__all__ = [
    "Audio",
    "DictionaryTerm",
    "Event",
    "KrispBadRequest",
    "KrispClient",
    "KrispConfigError",
    "KrispConnectionError",
    "KrispError",
    "KrispPaymentRequired",
    "KrispRateLimited",
    "KrispServerError",
    "KrispStream",
    "KrispUnauthorized",
    "Language",
    "Ready",
    "Reconnected",
    "Reconnecting",
    "ServiceError",
    "SessionConfig",
    "SessionKey",
    "StreamOptions",
    "Transcript",
    "Translation",
]
