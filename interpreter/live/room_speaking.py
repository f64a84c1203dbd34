"""Speaking into a room: checking the start, taking the floor, and the hub's callbacks.

A live session whose start names a room (``room``) doesn't open a stream of its own: the
room's hub (``room_hub``) opens one per language its listeners use. This module decides
whether the speaker may start (a member of the room's account, in the room's language, with
fewer live rooms than the account may have) and who has the floor: one speaker at a time.
A second speaker is refused with the name of the one speaking, unless the room's owner or
an account admin asks to take over; a speaker whose worker died, who no longer answers,
loses the floor to the next one without being asked.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from rooms import events
from rooms.models import Room
from voice.client import voice_client
from voice.languages import language_choices

from . import finals, protocol, store
from .protocol import Refusal, StartRequest
from .room_hub import RoomHub, RoomLimits, RoomSink

if TYPE_CHECKING:
    from .session import LiveSession

# How long a speaker's hub has to answer "are you there?", and to let go when taken over.
PING_SECONDS = 2.0
RELEASE_SECONDS = 6.0


class RoomSpeaking:
    """One speaker's hold on one room, for the length of a live session."""

    def __init__(self, live: LiveSession, room: Room, allowed: list[str], hear: str) -> None:
        self.live = live
        self.room = room
        self.allowed = allowed
        self.hear = hear
        self.languages: list[str] = []
        self.glossaries: dict[str, dict] = {}

    @classmethod
    async def start(cls, live: LiveSession, request: StartRequest) -> RoomSpeaking:
        """Check ``request`` against the room, take the floor, and create the session's
        row; a Refusal says what stands in the way."""
        room = await store.room_for_speaker(live.account, request.room_id)
        if room is None:
            raise Refusal("bad_request", protocol.ROOM_UNAVAILABLE)
        choices = language_choices(await voice_client().languages())
        allowed = room.allowed_targets(choices.pairs)
        if request.source_language != room.source_language or (
            request.target_language and request.target_language not in allowed
        ):
            raise Refusal("bad_request", protocol.ROOM_LANGUAGES)
        limit = settings.ROOM_MAX_LIVE_PER_ACCOUNT
        if await store.rooms_live(live.account, room.pk) >= limit:
            raise Refusal("busy", protocol.rooms_live(limit))
        speaking = cls(live, room, allowed, request.target_language)
        await speaking._take_floor(request.take_over)
        speaking.glossaries = await store.room_glossaries(room, allowed)
        live.session = await store.create_room_session(live.user, live.account, room, request)
        return speaking

    async def _take_floor(self, take_over: bool) -> None:
        held = await store.claim_room(self.room, self.live.user)
        if held is None:
            return
        name, since = held
        if await speaker_answers(self.room.pk):
            may = await database_sync_to_async(self.room.can_manage)(self.live.user)
            if not (take_over and may):
                raise Refusal("room_taken", protocol.room_taken(name, since, may))
            await get_channel_layer().group_send(
                events.control_group(self.room.pk),
                {"type": events.TAKE_OVER, "name": self.live.user.get_username()},
            )
            loop = asyncio.get_running_loop()
            deadline = loop.time() + RELEASE_SECONDS
            while loop.time() < deadline:
                await asyncio.sleep(0.25)
                if await store.claim_room(self.room, self.live.user) is None:
                    return
        await store.claim_room(self.room, self.live.user, force=True)

    def hub(self) -> RoomHub:
        live = self.live
        return RoomHub(
            room_id=self.room.pk,
            session_id=live.session.pk,
            session_started=live.session.started_at,
            speaker=live.user.get_username(),
            source_language=self.room.source_language,
            voice=live.session.voice,
            allowed=self.allowed,
            hear=self.hear or None,
            glossaries=self.glossaries,
            client=voice_client(),
            sink=RoomSink(
                to_speaker=live._send,
                speech_to_speaker=live._speech_to_speaker,
                save_transcript=self._save_transcript,
                save_translation=self._save_translation,
                language_opened=self._language_opened,
            ),
            limits=RoomLimits.from_settings(),
        )

    def _save_transcript(self, uid, text, spoken, duration_ms, audio_range) -> None:
        finals.save_transcript(self.live.session.pk, uid, text, spoken, duration_ms, audio_range)

    def _save_translation(self, uid: str, language: str, text: str) -> None:
        session_id = self.live.session.pk
        finals.save_room_translation(session_id, uid, language, text)
        if language == self.hear:  # the speaker's own language, as a plain session keeps it
            finals.save_translation(session_id, uid, text)

    def _language_opened(self, language: str) -> None:
        if language not in self.languages:
            self.languages.append(language)

    async def finish(self) -> None:
        """Save which languages were open, and give up the floor."""
        with contextlib.suppress(Exception):
            await store.save_room_languages(self.live.session, self.languages)
        await store.release_room(self.room, self.live.user)


async def speaker_answers(room_id: int) -> bool:
    """Whether a hub is live in ``room_id`` (its speaker's worker answers a ping)."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_send(
        events.control_group(room_id), {"type": events.PING, "reply_to": channel}
    )
    try:
        async with asyncio.timeout(PING_SECONDS):
            while (await layer.receive(channel)).get("type") != events.ALIVE:
                pass
    except TimeoutError:
        return False
    return True
