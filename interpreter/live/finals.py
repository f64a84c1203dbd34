"""Final transcripts and translations, saved without holding up the captions.

A live session used to await its own ``update_or_create`` (a SELECT, then an UPDATE or an
INSERT, on the one database thread) for each final before it forwarded the stream's next
event. When finals came faster than that thread could write them (many sessions on one
worker, or a slow database), every session's captions queued behind the writes, and the
events piled up in the streams' buffers (``bench/soak.py``, see docs/benchmarks.md).

Now a session hands each final to its event loop's writer and goes on. The writer writes all
that has accumulated in one transaction (group commit): a row at a time while the database
keeps up, hundreds in two statements when it does not. A transcript and its translation
that arrive together are merged into one row, as before (one row per service utterance id,
updated in place). A session that ends waits for its finals with :func:`written` before it
marks its row ended, so a browser or service disconnect still loses nothing already final.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime

from channels.db import database_sync_to_async
from django.db import transaction
from django.utils import timezone

from interpreter.models import Utterance, UtteranceTranslation

logger = logging.getLogger(__name__)

_UNIQUE = ["session", "utterance_id"]


@dataclass
class _Final:
    """What has arrived for one utterance and is not in the database yet."""

    arrived: datetime
    text: str | None = None
    started_at: datetime | None = None
    duration_ms: int = 0
    translation: str | None = None
    audio_start_ms: int | None = None
    audio_end_ms: int | None = None
    # A room session's translations, by listeners' language.
    translations: dict[str, str] = field(default_factory=dict)


_Key = tuple[int, str]  # (session id, the service's utterance id)


@database_sync_to_async
def write(finals: dict[_Key, _Final]) -> None:
    """Insert or update every utterance in ``finals`` in one transaction.

    Transcripts and translations are two upserts, so that neither overwrites the other's
    columns. A translation that beats its transcript starts the row at its arrival time;
    the transcript then corrects ``started_at``.
    """
    transcripts = [
        Utterance(
            session_id=session_id,
            utterance_id=utterance_id,
            text=final.text,
            started_at=final.started_at or final.arrived,
            duration_ms=final.duration_ms,
            audio_start_ms=final.audio_start_ms,
            audio_end_ms=final.audio_end_ms,
        )
        for (session_id, utterance_id), final in finals.items()
        if final.text is not None
    ]
    translations = [
        Utterance(
            session_id=session_id,
            utterance_id=utterance_id,
            translation=final.translation,
            started_at=final.arrived,
        )
        for (session_id, utterance_id), final in finals.items()
        if final.translation is not None
    ]
    with transaction.atomic():
        if transcripts:
            Utterance.objects.bulk_create(
                transcripts,
                update_conflicts=True,
                unique_fields=_UNIQUE,
                update_fields=[
                    "text",
                    "started_at",
                    "duration_ms",
                    "audio_start_ms",
                    "audio_end_ms",
                    "updated_at",
                ],
            )
        if translations:
            Utterance.objects.bulk_create(
                translations,
                update_conflicts=True,
                unique_fields=_UNIQUE,
                update_fields=["translation", "updated_at"],
            )
        _write_languages({key: f.translations for key, f in finals.items() if f.translations})


def _write_languages(by_utterance: dict[_Key, dict[str, str]]) -> None:
    """A room session's per-language translations, each onto its utterance's row (which the
    same transaction has written, or an earlier one)."""
    if not by_utterance:
        return
    sessions = {session_id for session_id, _ in by_utterance}
    ids = {utterance_id for _, utterance_id in by_utterance}
    rows = Utterance.objects.filter(session_id__in=sessions, utterance_id__in=ids).values_list(
        "session_id", "utterance_id", "pk"
    )
    pks = {(session_id, utterance_id): pk for session_id, utterance_id, pk in rows}
    UtteranceTranslation.objects.bulk_create(
        [
            UtteranceTranslation(utterance_id=pks[key], language=language, text=text)
            for key, texts in by_utterance.items()
            if key in pks
            for language, text in texts.items()
        ],
        update_conflicts=True,
        unique_fields=["utterance", "language"],
        update_fields=["text", "updated_at"],
    )


class _Writer:
    """One event loop's unwritten finals, and the task that writes them while there are any."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.pending: dict[_Key, _Final] = {}
        self.handed = 0  # finals handed over so far
        self.done = 0  # of those, how many have been written (or have failed)
        self.waiters: list[tuple[int, asyncio.Future[None]]] = []
        self.lost: set[int] = set()  # sessions with finals that could not be written
        self.task: asyncio.Task | None = None

    def final(self, session_id: int, utterance_id: str) -> _Final:
        self.handed += 1
        if self.task is None:
            self.task = self.loop.create_task(self._run(), name="live-finals")
        key = (session_id, utterance_id)
        final = self.pending.get(key)
        if final is None:
            final = self.pending[key] = _Final(arrived=timezone.now())
        return final

    async def _run(self) -> None:
        try:
            while self.pending:
                batch, self.pending = self.pending, {}
                upto = self.handed
                try:
                    await write(batch)
                except Exception:
                    sessions = sorted({session_id for session_id, _ in batch})
                    logger.exception(
                        "Could not save %d final utterances of live sessions %s",
                        len(batch),
                        sessions,
                    )
                    self.lost.update(sessions)
                self.done = upto
                self._release()
        finally:
            self.task = None
            self._release()
            # Forget this loop when there is nothing left to report: the next final starts
            # afresh (tests run many loops, which must not pile up here).
            idle = not self.pending and not self.waiters and not self.lost
            if idle and _by_loop.get(self.loop) is self:
                del _by_loop[self.loop]

    def _release(self) -> None:
        still_waiting = []
        for upto, future in self.waiters:
            if upto <= self.done:
                if not future.done():
                    future.set_result(None)
            else:
                still_waiting.append((upto, future))
        self.waiters = still_waiting


# One per running event loop (tests run several).
_by_loop: dict[asyncio.AbstractEventLoop, _Writer] = {}


def _writer() -> _Writer:
    loop = asyncio.get_running_loop()
    writer = _by_loop.get(loop)
    if writer is None:
        writer = _by_loop[loop] = _Writer(loop)
    return writer


def save_transcript(
    session_id: int,
    utterance_id: str,
    text: str,
    started_at: datetime | None,
    duration_ms: int,
    audio_range: tuple[int, int] | None = None,
) -> None:
    """Hand over a final transcript (and where it lies on the session's audio timeline, if
    known); it is written soon, without waiting here."""
    final = _writer().final(session_id, utterance_id)
    final.text, final.started_at, final.duration_ms = text, started_at, duration_ms
    if audio_range is not None:
        final.audio_start_ms, final.audio_end_ms = audio_range


def save_translation(session_id: int, utterance_id: str, text: str) -> None:
    """Hand over a final translation; it is written soon, without waiting here."""
    _writer().final(session_id, utterance_id).translation = text


def save_room_translation(session_id: int, utterance_id: str, language: str, text: str) -> None:
    """Hand over a room session's final translation into ``language`` of an utterance whose
    transcript was handed over before; written soon, without waiting here."""
    _writer().final(session_id, utterance_id).translations[language] = text


async def written(session_id: int) -> bool:
    """Wait until every final handed over so far is written. False if some of
    ``session_id``'s could not be (the error is logged)."""
    writer = _by_loop.get(asyncio.get_running_loop())
    if writer is None:
        return True
    if writer.done < writer.handed:
        future = writer.loop.create_future()
        writer.waiters.append((writer.handed, future))
        await asyncio.shield(future)
    if session_id in writer.lost:
        writer.lost.discard(session_id)
        return False
    return True
