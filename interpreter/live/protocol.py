"""The browser's side of ``/ws/live/``: parsing what a page sends, shaping what it gets.

Every refusal is a :class:`Refusal` carrying one of the error codes live.js knows and a
sentence for the person in the meeting, so no input can do more than earn an error event.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from krisp import (
    KrispBadRequest,
    KrispError,
    KrispPaymentRequired,
    KrispRateLimited,
    KrispUnauthorized,
)
from krisp.config import VOICES, is_language_code

CONTROL_TYPES = ("start", "stop")

NOT_UNDERSTOOD = "The interpreter could not understand that message."
ALREADY_STARTED = "This session has already started."
BAD_LANGUAGES = "Choose a spoken language and a language to translate into."
SAME_LANGUAGE = "Choose two different languages."
PAIR_NOT_OFFERED = "That language pair isn't available. Choose another one."
BAD_VOICE = "Choose a male or a female voice."
GLOSSARY_UNAVAILABLE = "That glossary isn't available."
BAD_RESUME = "The interpreter could not understand which session to resume."
ROOM_UNAVAILABLE = "That room isn't available."
ROOM_LANGUAGES = "Speak in the room's language; hear one of the languages it offers, or none."
RESUMED_ELSEWHERE = (
    "This session goes on in another window, which resumed it after a lost connection."
)
AUDIO_BEFORE_READY = "Audio arrived before the session was ready; it was skipped."
ODD_FRAME = "An audio frame was not whole 16-bit samples; it was skipped."
TOO_FAST = (
    "Audio arrived faster than real time, so the session was stopped. "
    "Live interpretation needs a live microphone or meeting tab."
)
ENGINE_FAULT = (
    "The translation service failed on what was just said, so it was not interpreted. "
    "Interpreting goes on."
)
INTERNAL_ERROR = "Something went wrong on our side. What was said so far has been saved."
NOT_ALL_SAVED = "Part of this session's transcript could not be saved."
SERVER_RESTARTING = (
    "The interpreter's server is restarting, so this session was stopped. What was said so far "
    "has been saved; press Start to go on in a moment."
)
# The socket's close code when the server stops: 1012 ("Service Restart") is reserved for
# the server itself (autobahn refuses it from an application), so, as 4429 mirrors HTTP
# 429, 4503 mirrors HTTP 503.
SERVER_RESTARTING_CLOSE = 4503


def frame_too_large(limit: int) -> str:
    return f"An audio frame was larger than {limit} bytes; it was skipped."


def too_long(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    length = f"{hours}:{minutes:02d}:{secs:02d}"
    return (
        f"The session reached its maximum length ({length}) and was stopped. "
        "Everything said has been saved."
    )


def room_taken(name: str, since: str, can_take_over: bool) -> str:
    who = f"{name} is speaking in this room (since {since})."
    if can_take_over:
        return f"{who} As its owner or an admin you can take over."
    return f"{who} Wait until they stop, or ask the room's owner."


def rooms_live(limit: int) -> str:
    rooms = "room is" if limit == 1 else "rooms are"
    return f"{limit} of your team's {rooms} live already, as many as it may have at once."


def taken_over(name: str) -> str:
    return f"{name} took over the room, so your session was stopped. What you said is saved."


def busy(limit: int) -> str:
    sessions = "session" if limit == 1 else "sessions"
    return (
        f"You already have {limit} live {sessions} running. "
        "Stop one (or close its tab) and try again."
    )


def rate_limited(limit: int) -> str:
    sessions = "session" if limit == 1 else "sessions"
    return f"You can start {limit} live {sessions} a minute. Wait a moment and try again."


class Refusal(Exception):
    """Something the session won't do, said to the browser as one error event.

    ``fatal`` refusals end the session (and close the socket with ``close_code``); the
    others drop one message or frame and carry on.
    """

    def __init__(
        self, code: str, message: str, *, fatal: bool = True, close_code: int = 1000
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.fatal = fatal
        self.close_code = close_code

    def event(self) -> dict:
        return error_event(self.code, self.message, fatal=self.fatal)


# Close code for a page whose session another connection of the same user resumed.
RESUMED_ELSEWHERE_CLOSE = 4409
# Resume fields are positions on the session's audio timeline, in ms; anything larger than
# the longest session allows is not a position.
_MAX_MS = 48 * 3600 * 1000


@dataclass(frozen=True)
class ResumeRequest:
    """A page asking to carry on a session whose connection it lost (docs/protocol.md).

    ``from_ms`` is where on the session's audio timeline the audio the page holds begins,
    ``held_ms`` how much it holds (up to the live edge), ``dropped_ms`` how much it had to
    drop past its bound, ``gap_ms`` how long ago the connection was lost; ``reason`` is
    what the page saw ("connection_lost" or "server_restarting").
    """

    session_id: int
    from_ms: int
    held_ms: int
    dropped_ms: int
    gap_ms: int
    reason: str


@dataclass(frozen=True)
class StartRequest:
    """A start message that has the right shape; not yet checked against the service."""

    source_language: str
    target_language: str
    voice: str
    glossary_id: int | None
    resume: ResumeRequest | None = None
    # Speaking into a room: its id; ``target_language`` is then the language the speaker
    # hears ("" for none), and ``take_over`` asks for the floor from whoever has it.
    room_id: int | None = None
    take_over: bool = False


def error_event(code: str, message: str, *, fatal: bool) -> dict:
    return {"type": "error", "code": code, "message": message, "fatal": fatal}


def parse_control(text: str) -> dict:
    """The JSON object in a text frame, with a known ``type``; else a non-fatal Refusal."""
    try:
        message = json.loads(text)
    except ValueError:
        raise Refusal("bad_request", NOT_UNDERSTOOD, fatal=False) from None
    if not isinstance(message, dict) or message.get("type") not in CONTROL_TYPES:
        raise Refusal("bad_request", NOT_UNDERSTOOD, fatal=False)
    return message


def parse_start(message: dict) -> StartRequest:
    """The start request in ``message``; a fatal Refusal says what is wrong with it."""
    room = message.get("room")
    if room is not None and (isinstance(room, bool) or not isinstance(room, int) or room < 1):
        raise Refusal("bad_request", ROOM_UNAVAILABLE)
    source = message.get("source_language")
    target = message.get("target_language")
    if room is not None and target in (None, ""):
        target = ""  # a speaker who hears no translation
    elif not is_language_code(target):
        raise Refusal("bad_request", BAD_LANGUAGES)
    if not is_language_code(source):
        raise Refusal("bad_request", BAD_LANGUAGES)
    if source == target:
        raise Refusal("bad_request", SAME_LANGUAGE)
    voice = message.get("voice")
    if voice not in VOICES:
        raise Refusal("bad_request", BAD_VOICE)
    glossary = message.get("glossary")
    if glossary is not None and (
        isinstance(glossary, bool) or not isinstance(glossary, int) or glossary < 1
    ):
        raise Refusal("bad_request", GLOSSARY_UNAVAILABLE)
    resume = parse_resume(message.get("resume"))
    if room is not None:
        return StartRequest(
            source,
            target,
            voice,
            None,
            resume,
            room_id=room,
            take_over=message.get("take_over") is True,
        )
    return StartRequest(source, target, voice, glossary, resume)


def parse_resume(resume: object) -> ResumeRequest | None:
    """The ``resume`` object of a start message, if any; a fatal Refusal if malformed."""
    if resume is None:
        return None
    if not isinstance(resume, dict):
        raise Refusal("bad_request", BAD_RESUME)
    values = {}
    for name in ("session_id", "from_ms", "held_ms", "dropped_ms", "gap_ms"):
        value = resume.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_MS:
            raise Refusal("bad_request", BAD_RESUME)
        values[name] = value
    if values["session_id"] < 1:
        raise Refusal("bad_request", BAD_RESUME)
    reason = resume.get("reason")
    if reason not in ("connection_lost", "server_restarting"):
        reason = "connection_lost"
    return ResumeRequest(reason=reason, **values)


def service_error_code(error: KrispError) -> str:
    """The browser's error code for a service failure; retryable ones are all one code."""
    if isinstance(error, KrispBadRequest) or error.code == 400:
        return "bad_request"
    if isinstance(error, KrispUnauthorized):
        return "unauthorized"
    if isinstance(error, KrispPaymentRequired):
        return "payment_required"
    if isinstance(error, KrispRateLimited):
        return "rate_limited"
    return "service_unavailable"
