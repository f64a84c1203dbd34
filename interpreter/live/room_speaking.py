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
from datetime import datetime
from typing import TYPE_CHECKING

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from rooms import events
from rooms.models import Room
from voice.client import voice_client
from voice.languages import language_choices

from . import finals, protocol, store
from .channel_listening import receive_within
from .protocol import Refusal, StartRequest
from .room_hub import RoomHub, RoomLimits, RoomSink

if TYPE_CHECKING:
    from accounts.models import Account

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
        self.claimed_at: datetime | None = None  # the floor's claim, while this holds it

    @classmethod
    async def start(cls, live: LiveSession, request: StartRequest) -> RoomSpeaking:
        """Check ``request`` against the room, take the floor, and create the session's
        row (unless ``live`` resumed one); a Refusal says what stands in the way. A start
        that fails after taking the floor gives it up."""
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
        if await rooms_live(live.account, room.pk) >= limit:
            raise Refusal("busy", protocol.rooms_live(limit))
        speaking = cls(live, room, allowed, request.target_language)
        await speaking._take_floor(request.take_over)
        try:
            speaking.glossaries = await store.room_glossaries(room, allowed)
            if live.session is None:
                live.session = await store.create_room_session(
                    live.user, live.account, room, request
                )
            else:  # resumed: its earlier segments' languages stay in its record
                speaking.languages = list(live.session.languages or [])
        except BaseException:
            await asyncio.shield(speaking._give_up_floor())
            raise
        return speaking

    async def _take_floor(self, take_over: bool) -> None:
        """Take the floor, or raise a Refusal naming who has it. A holder whose hub doesn't
        answer (its worker died) loses it unasked; a live one to the room's owner or an
        account admin who asks to take over, and to its own user (their page reconnecting
        while the old connection lingers, or another tab of theirs)."""
        user = self.live.user
        holder = None
        while holder is None:  # (a holder may let go between the two questions)
            self.claimed_at = await store.claim_room(self.room, user)
            if self.claimed_at is not None:
                return
            holder = await store.floor_holder(self.room)
        if await speaker_answers(self.room.pk):
            may = await database_sync_to_async(self.room.can_manage)(user)
            if not (holder.user_id == user.pk or (take_over and may)):
                raise Refusal("room_taken", protocol.room_taken(holder.name, holder.since, may))
            await get_channel_layer().group_send(
                events.control_group(self.room.pk),
                {"type": events.TAKE_OVER, "name": user.get_username()},
            )
            loop = asyncio.get_running_loop()
            deadline = loop.time() + RELEASE_SECONDS
            while loop.time() < deadline:
                await asyncio.sleep(0.25)
                self.claimed_at = await store.claim_room(self.room, user)
                if self.claimed_at is not None:
                    return
        self.claimed_at = await store.claim_room(self.room, user, force=True)

    async def _give_up_floor(self) -> None:
        if self.claimed_at is not None:
            await store.release_room(self.room.pk, self.live.user.pk, self.claimed_at)

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
            timeline_start_ms=live.timeline.base_ms,
            utterance_prefix="" if live.segment == 1 else f"{live.segment}:",
            reopen=tuple(self.languages) if live.segment > 1 else (),
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
        await self._give_up_floor()


async def rooms_live(account: Account, excluding: int) -> int:
    """How many other rooms of ``account`` have a speaker now. A room whose hub doesn't
    answer (its worker died) is not counted, and its floor is freed; asked only when the
    account is at its limit, so a start usually pays no ping."""
    live = await store.rooms_with_speaker(account, excluding)
    if len(live) < settings.ROOM_MAX_LIVE_PER_ACCOUNT:
        return len(live)
    answers = await asyncio.gather(*(speaker_answers(room_id) for room_id, _, _ in live))
    for (room_id, user_id, claimed_at), alive in zip(live, answers, strict=True):
        if not alive:
            await store.release_room(room_id, user_id, claimed_at)
    return sum(answers)


async def speaker_answers(room_id: int) -> bool:
    """Whether a hub is live in ``room_id`` (its speaker's worker answers a ping)."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_send(
        events.control_group(room_id), {"type": events.PING, "reply_to": channel}
    )
    alive = await receive_within(
        layer, channel, PING_SECONDS, lambda message: message.get("type") == events.ALIVE
    )
    return alive is not None
