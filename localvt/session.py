"""One live translation session: audio in, captions and translated speech out.

Three tasks per session. The receiver reads the socket into a bounded inbox (when the
pipeline falls behind, the socket stops being read and TCP pushes back on the client).
The listener runs voice activity on the inbox, sends interim transcripts while someone
speaks (greedy decoding, about every ``interim_interval`` seconds, skipped unless a
recognition worker is idle beyond the one kept for finals) and queues finished
utterances. The finisher takes utterances in order: accurate recognition biased by the
vocabulary, translation with the dictionary enforced, and synthesis sentence by sentence,
each sentence's audio sent as soon as it exists.

A step that fails for one utterance (recognition, translation, synthesis) costs that
utterance only: the client gets a non-fatal 500 error event saying which step failed, and
the next utterance is served as usual. :data:`MAX_FAULTS_IN_A_ROW` failed utterances in a
row, or a failure of the session's own machinery, is fatal: a 500 error event, then the
socket closes (1011), so a fault is never a silent close. A session asked to hand over (the
engine is draining) stops taking audio at the next pause, finishes the utterances it has,
and then sends a 500 error and closes (1012), so the client reconnects elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import numpy as np
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from . import protocol
from .asr import apply_vocabulary
from .engines import Engines
from .faults import FaultPlan
from .languages import whisper_language
from .protocol import ProtocolError, SessionSettings
from .vad import SAMPLE_RATE, Segmenter, SpeechEnded

logger = logging.getLogger(__name__)

INBOX_FRAMES = 250  # ~5 s of 20 ms frames
AUDIO_CHUNK_BYTES = 3200  # translated speech is sent in 100 ms frames
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")
# Failed utterances in a row after which the engine is taken to be broken for this session.
MAX_FAULTS_IN_A_ROW = 3
HANDOVER = "This engine is shutting down; reconnect to go on"
_T = TypeVar("_T")


class StepFailed(Exception):
    """One utterance's recognition, translation or synthesis raised."""

    def __init__(self, step: str) -> None:
        super().__init__(step)
        self.step = step


class SessionFailed(Exception):
    """The session can't go on; ``description`` is for the 500 error event."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class LiveSession:
    """Runs one session on an open socket whose config was accepted."""

    def __init__(
        self,
        ws: ServerConnection,
        settings: SessionSettings,
        engines: Engines,
        *,
        interim_interval: float = 1.0,
        end_silence_ms: int = 350,
        speculate_ms: int = 160,
        max_utterance_s: float = 12.0,
        faults: FaultPlan | None = None,
    ) -> None:
        self.ws = ws
        self.settings = settings
        self.engines = engines
        self.language = whisper_language(settings.source_language)
        self.voice = engines.voice(settings.target_language)
        self.segmenter = Segmenter(end_silence_ms=end_silence_ms, max_utterance_s=max_utterance_s)
        self.interim_samples = int(interim_interval * SAMPLE_RATE)
        self.speculate_ms = min(speculate_ms, end_silence_ms)
        # utterance start sample -> (samples covered, recognition task) of an early final
        self._early: dict[int, tuple[int, asyncio.Task]] = {}
        self.started = datetime.now(UTC)
        self._prefix = secrets.token_hex(4)
        self._inbox: asyncio.Queue[bytes | None] = asyncio.Queue(INBOX_FRAMES)
        self._finals: asyncio.Queue[SpeechEnded | None] = asyncio.Queue()
        self._interim: asyncio.Task | None = None
        self._interim_at = 0  # utterance length (samples) at the last interim
        self._finished_ids: set[str] = set()
        self.audio_in_bytes = 0
        self.audio_out_bytes = 0
        self._faults_in_a_row = 0
        self._injected = (faults or FaultPlan()).counter()
        self._handing_over = False
        self._handover_deadline = 0.0
        self.max_utterance_s = max_utterance_s

    def utterance_id(self, start_sample: int) -> str:
        return f"{self._prefix}-{start_sample:x}"

    async def run(self) -> None:
        """Serve until the client leaves or a fatal error; raises nothing."""
        tasks = [
            asyncio.create_task(self._receive(), name="localvt-receive"),
            asyncio.create_task(self._listen(), name="localvt-listen"),
            asyncio.create_task(self._finish_utterances(), name="localvt-finish"),
            asyncio.create_task(self._warm_translation(), name="localvt-warm"),
        ]
        try:
            await asyncio.gather(*tasks)
        except ProtocolError as exc:
            await self._fatal(exc.code, exc.description)
        except ConnectionClosed:
            pass
        except SessionFailed as exc:
            logger.warning("Session failed: %s", exc.description)
            await self._fatal(500, exc.description)
        except Exception:
            logger.exception("Session failed")
            await self._fatal(500, "The engine failed and can't go on with this session")
        finally:
            for task in tasks:
                task.cancel()
            if self._interim is not None:
                self._interim.cancel()
            for _, early in self._early.values():
                early.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def hand_over(self) -> None:
        """The engine is draining: at the next pause (or after ``max_utterance_s`` at the
        latest) stop taking audio, finish what was heard, then tell the client to reconnect."""
        if self._handing_over:
            return
        self._handing_over = True
        self._handover_deadline = asyncio.get_running_loop().time() + self.max_utterance_s
        with contextlib.suppress(asyncio.QueueFull):
            self._inbox.put_nowait(b"")  # wakes a listener waiting on a silent client

    async def _warm_translation(self) -> None:
        """A cold pair's pipelines load while the first sentence is spoken, not after it."""
        settings = self.settings
        try:
            await self.engines.run(
                self.engines.translator.warm,
                settings.source_language,
                settings.target_language,
                bool(settings.dictionary),
            )
        except Exception:  # the first sentence starts them instead, and says what failed
            logger.exception("Could not start the translation pipelines ahead of time")

    async def _fatal(self, code: int, description: str, close_code: int | None = None) -> None:
        if close_code is None:
            close_code = 1011 if code >= 500 else 1000
        with contextlib.suppress(ConnectionClosed):
            await self.ws.send(protocol.error(code, description, self.settings.reference_id))
            await self.ws.close(close_code)

    async def _receive(self) -> None:
        try:
            async for message in self.ws:
                if isinstance(message, str):
                    logger.info("Ignored a text frame after the config")
                    continue
                if len(message) % 2:
                    raise ProtocolError(
                        400, "A binary frame must hold whole 16-bit samples (an even length)"
                    )
                self.audio_in_bytes += len(message)
                await self._inbox.put(message)
        finally:
            await self._inbox.put(None)

    async def _listen(self) -> None:
        while True:
            chunk = await self._inbox.get()
            batch = [] if not chunk else [chunk]
            while chunk is not None and not self._inbox.empty():
                chunk = self._inbox.get_nowait()
                if chunk:
                    batch.append(chunk)
            if batch:
                for ended in await self.engines.run(self.segmenter.feed, b"".join(batch)):
                    await self._finals.put(ended)
                self._maybe_start_early_final()
                self._maybe_interim()
            if self._handing_over and self._may_hand_over():
                # Audio the client sends from now on is not heard here: it is at a pause,
                # and a client sends what no final covered again to the next engine.
                chunk = None
            if chunk is None:
                last = self.segmenter.flush()
                if last is not None:
                    await self._finals.put(last)
                await self._finals.put(None)
                return

    def _may_hand_over(self) -> bool:
        """True between utterances, or once the hand-over has waited long enough."""
        if self.segmenter.current is None:
            return True
        return asyncio.get_running_loop().time() >= self._handover_deadline

    def _maybe_start_early_final(self) -> None:
        """Once a pause has lasted ``speculate_ms``, start the final recognition; if the
        pause becomes the end of the utterance, its result is ready sooner."""
        current = self.segmenter.current
        if current is None or self.segmenter.silence_ms < self.speculate_ms:
            return
        early = self._early.get(current.start_sample)
        covered = current.last_speech_sample - current.start_sample
        if early is not None and early[0] >= covered:
            return
        if early is not None:
            early[1].cancel()
        audio = current.samples()
        task = asyncio.create_task(self._recognize(audio, accurate=True))
        # An early result dropped after it failed is not an unretrieved error: the final's
        # own recognition reports failures.
        task.add_done_callback(lambda done: done.cancelled() or done.exception())
        self._early[current.start_sample] = (audio.size, task)

    async def _recognize_final(self, ended: SpeechEnded) -> str:
        early = self._early.pop(ended.start_sample, None)
        speech_end = ended.last_speech_sample - ended.start_sample
        if early is not None and early[0] >= speech_end:
            return await early[1]
        if early is not None:
            early[1].cancel()
        return await self._recognize(ended.audio, accurate=True)

    async def _recognize(self, audio: np.ndarray, *, accurate: bool) -> str:
        """Recognition in the session's language, biased by its vocabulary."""
        return await self.engines.recognize(
            audio, language=self.language, accurate=accurate, hotwords=self.settings.vocabulary
        )

    def _maybe_interim(self) -> None:
        current = self.segmenter.current
        if current is None:
            self._interim_at = 0
            return
        if not self.settings.interim or (self._interim and not self._interim.done()):
            return
        if current.length - self._interim_at < self.interim_samples:
            return
        if not self.engines.interims_welcome:
            return
        self._interim_at = current.length
        uid = self.utterance_id(current.start_sample)
        audio = current.samples()
        self._interim = asyncio.create_task(self._send_interim(uid, current.start_sample, audio))

    async def _send_interim(self, uid: str, start_sample: int, audio: np.ndarray) -> None:
        """Best effort: an interim that fails or comes too late is simply not sent."""
        try:
            text = await self._recognize(audio, accurate=False)
            text = apply_vocabulary(text, self.settings.vocabulary, language=self.language)
            if text and uid not in self._finished_ids:
                await self.ws.send(self._transcript(text, False, uid, start_sample, audio.size))
        except ConnectionClosed:
            pass
        except Exception:
            logger.exception("Interim recognition failed")

    def _transcript(self, text: str, final: bool, uid: str, start: int, samples: int) -> str:
        return protocol.transcript(
            text,
            final=final,
            start=self.started + timedelta(seconds=start / SAMPLE_RATE),
            duration_ms=samples * 1000 // SAMPLE_RATE,
            utterance_id=uid,
            reference_id=self.settings.reference_id,
        )

    async def _finish_utterances(self) -> None:
        while (ended := await self._finals.get()) is not None:
            try:
                await self._finish(ended)
            except StepFailed as failed:
                await self._utterance_failed(failed.step)
            else:
                self._faults_in_a_row = 0
        if self._handing_over:
            await self._fatal(500, HANDOVER, close_code=1012)

    async def _utterance_failed(self, step: str) -> None:
        """Tell the client one utterance lost its ``step``; too many in a row end the session."""
        self._faults_in_a_row += 1
        if self._faults_in_a_row >= MAX_FAULTS_IN_A_ROW:
            raise SessionFailed(
                f"The engine failed on {self._faults_in_a_row} utterances in a row "
                f"(last: {step}) and can't go on with this session"
            )
        await self.ws.send(
            protocol.error(
                500,
                f"{step.capitalize()} failed for one utterance; the session goes on",
                self.settings.reference_id,
            )
        )

    async def _step(self, step: str, call: Callable[[], Awaitable[_T]]) -> _T:
        """Run one engine step of an utterance; its failure becomes :class:`StepFailed`."""
        try:
            result = await call()
            self._injected.check(step)  # a test's fault strikes as the step returns
            return result
        except ConnectionClosed:
            raise
        except Exception:
            logger.exception("%s failed for one utterance", step.capitalize())
            raise StepFailed(step) from None

    async def _finish(self, ended: SpeechEnded) -> None:
        settings = self.settings
        uid = self.utterance_id(ended.start_sample)
        self._finished_ids.add(uid)
        heard = await self._step("recognition", lambda: self._recognize_final(ended))
        text = apply_vocabulary(heard, settings.vocabulary, language=self.language)
        if not text:
            return
        if settings.final:
            await self.ws.send(
                self._transcript(text, True, uid, ended.start_sample, ended.audio.size)
            )
        translated = await self._step(
            "translation",
            lambda: self.engines.run(
                self.engines.translator.translate,
                text,
                settings.source_language,
                settings.target_language,
                settings.dictionary,
            ),
        )
        if settings.translate:
            await self.ws.send(
                protocol.translation(
                    translated, final=True, utterance_id=uid, reference_id=settings.reference_id
                )
            )
        for sentence in _SENTENCE_END.split(translated):
            if not sentence.strip():
                continue
            pcm = await self._step(
                "synthesis",
                lambda s=sentence: self.engines.run(
                    self.engines.synthesizer.synthesize, s, self.voice, settings.voice
                ),
            )
            for offset in range(0, len(pcm), AUDIO_CHUNK_BYTES):
                await self.ws.send(pcm[offset : offset + AUDIO_CHUNK_BYTES])
            self.audio_out_bytes += len(pcm)
