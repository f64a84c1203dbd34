"""Talk to the configured voice-translation service from a shell.

``languages`` shows what the service supports now; ``translate-file`` runs a WAV through a
real stream and keeps everything that came back, which is how an operator checks a key, a
language pair or a glossary without a browser, and how a recording is translated offline.
Both go through :func:`voice.client.voice_client`, the client the live app uses.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from interpreter.audio_files import AudioFileError, read_wav_16k_mono, write_wav
from interpreter.log_redaction import redact
from krisp import (
    Audio,
    DictionaryTerm,
    Event,
    KrispBadRequest,
    KrispConfigError,
    KrispConnectionError,
    KrispError,
    KrispPaymentRequired,
    KrispRateLimited,
    KrispStream,
    KrispUnauthorized,
    Reconnected,
    Reconnecting,
    ServiceError,
    SessionConfig,
    Transcript,
    Translation,
)
from krisp.config import VOICES
from krisp.stream import BYTES_PER_SECOND
from voice.client import voice_client

FRAME_BYTES = 640  # 20 ms of 16 kHz mono s16le
FRAME_SECONDS = 0.02
SILENCE_SECONDS = 1.0  # lets the far end's voice-activity detector close the last utterance
MAX_BUFFERED_SECONDS = 1.0  # well under the stream's bound, so fast sending never drops audio
TAIL_BOUND_EXTRA_SECONDS = 30.0

EXIT_INPUT = 3
EXIT_CONFIG = 4
EXIT_OUTPUT = 5
EXIT_BAD_REQUEST = 10
EXIT_UNAUTHORIZED = 11
EXIT_PAYMENT_REQUIRED = 12
EXIT_RATE_LIMITED = 13
EXIT_SERVER_ERROR = 14
EXIT_CONNECTION = 15

# Most specific first: KrispConfigError is a 400 too, but nothing was sent.
_EXIT_CODES: tuple[tuple[type[KrispError], int], ...] = (
    (KrispConfigError, EXIT_CONFIG),
    (KrispBadRequest, EXIT_BAD_REQUEST),
    (KrispUnauthorized, EXIT_UNAUTHORIZED),
    (KrispPaymentRequired, EXIT_PAYMENT_REQUIRED),
    (KrispRateLimited, EXIT_RATE_LIMITED),
    (KrispConnectionError, EXIT_CONNECTION),
)

EXIT_CODES_HELP = (
    "Exit codes: 0 ok; 1 unexpected failure; 2 usage error; 3 the input file can't be used; "
    "4 invalid settings or session config (nothing was sent); 5 an output file can't be "
    "written; 10 the service refused the request (400); 11 credentials refused (401); "
    "12 balance exhausted or subscription expired (402); 13 rate or session limit (429); "
    "14 service error (500 or unknown); 15 the service can't be reached or dropped the "
    "connection."
)


def exit_code_for(error: KrispError) -> int:
    """The documented exit code for ``error``; anything unlisted is a service error."""
    for cls, code in _EXIT_CODES:
        if isinstance(error, cls):
            return code
    return EXIT_SERVER_ERROR


def _dictionary_term(text: str) -> DictionaryTerm:
    """``SOURCE=TARGET`` as a term; the entry rules are checked with the whole config."""
    source, sep, target = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"{text!r} is not SOURCE=TARGET")
    return DictionaryTerm(source.strip(), target.strip())


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 600 seconds")
    return value


@dataclass
class Recorder:
    """Everything a stream yielded: the translated speech, the final texts per utterance
    and, when asked, one JSON line per event as it arrives (so a failed run keeps its log)."""

    events_file: IO[str] | None
    started: float = field(default_factory=time.monotonic)
    last_event: float = field(default_factory=time.monotonic)
    audio: bytearray = field(default_factory=bytearray)
    transcripts: dict[str, str] = field(default_factory=dict)
    translations: dict[str, str] = field(default_factory=dict)

    def record(self, event: Event) -> None:
        self.last_event = time.monotonic()
        if isinstance(event, Audio):
            self.audio.extend(event.pcm)
            self._write("audio", bytes=len(event.pcm))
        elif isinstance(event, Transcript):
            if event.final:
                self.transcripts[event.utterance_id] = event.text
            self._write(
                "transcript",
                text=event.text,
                final=event.final,
                utterance_id=event.utterance_id,
                start=event.start.isoformat() if event.start else None,
                duration_ms=event.duration_ms,
                language=event.language,
                reference_id=event.reference_id,
            )
        elif isinstance(event, Translation):
            if event.final:
                self.translations[event.utterance_id] = event.text
            self._write(
                "translation",
                text=event.text,
                final=event.final,
                utterance_id=event.utterance_id,
                reference_id=event.reference_id,
            )
        elif isinstance(event, ServiceError):
            self.error(event.error)
        elif isinstance(event, Reconnecting):
            self._write(
                "reconnecting", attempt=event.attempt, delay=event.delay, reason=event.reason
            )
        elif isinstance(event, Reconnected):
            self._write("reconnected", attempt=event.attempt, dropped_bytes=event.dropped_bytes)

    def error(self, error: KrispError) -> None:
        self._write("error", **error.as_dict())

    def _write(self, kind: str, **fields: object) -> None:
        if self.events_file is None:
            return
        line = {"t": round(time.monotonic() - self.started, 3), "type": kind, **fields}
        self.events_file.write(json.dumps(line, ensure_ascii=False) + "\n")
        self.events_file.flush()


class Command(BaseCommand):
    help = (
        "Use the configured voice-translation service (KRISP_API_KEY, KRISP_API_BASE, "
        "KRISP_WS_URL): 'languages' lists the supported languages; 'translate-file' "
        "translates a WAV into a WAV of translated speech. " + EXIT_CODES_HELP
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        commands.add_parser("languages", help="Print the supported languages (code, name).")
        translate = commands.add_parser(
            "translate-file",
            help="Translate the speech in a WAV file.",
            description=(
                "Convert IN.wav to 16 kHz mono, stream it to the service, and write the "
                "translated speech to --out. " + EXIT_CODES_HELP
            ),
        )
        translate.add_argument("input", metavar="IN.wav", help="Any WAV: PCM or 32-bit float.")
        translate.add_argument("--source", required=True, help="Spoken language, e.g. en-US.")
        translate.add_argument("--target", required=True, help="Language to speak, e.g. es-ES.")
        translate.add_argument("--voice", required=True, choices=VOICES)
        translate.add_argument(
            "--out", required=True, metavar="OUT.wav", help="Where the translated speech goes."
        )
        translate.add_argument(
            "--events", metavar="EVENTS.jsonl", help="Also write every event as a JSON line."
        )
        translate.add_argument(
            "--vocabulary",
            nargs="+",
            action="extend",
            default=[],
            metavar="TERM",
            help="Terms to help recognition (at most 3 words each).",
        )
        translate.add_argument(
            "--dictionary",
            nargs="+",
            action="extend",
            default=[],
            type=_dictionary_term,
            metavar="SOURCE=TARGET",
            help="Forced translations.",
        )
        translate.add_argument(
            "--realtime",
            action="store_true",
            help="Send at real-time pace, as a live microphone would (default: as fast as "
            "the service takes it).",
        )
        translate.add_argument(
            "--tail-seconds",
            type=_positive_seconds,
            default=3.0,
            metavar="N",
            help="After the last frame, stop once no event came for N seconds (default 3).",
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            if options["subcommand"] == "languages":
                self._languages()
            else:
                self._translate_file(options)
        except KrispError as exc:
            raise CommandError(
                self._safe(f"{exc.user_message} ({exc})"), returncode=exit_code_for(exc)
            ) from None

    def _languages(self) -> None:
        for language in asyncio.run(voice_client().languages()):
            self.stdout.write(f"{language.code:<12} {language.name}")

    def _translate_file(self, options: dict) -> None:
        config = SessionConfig(
            source_language=options["source"],
            target_language=options["target"],
            voice=options["voice"],
            vocabulary=tuple(options["vocabulary"]),
            translation_dictionary=tuple(options["dictionary"]),
            reference_id=f"cli-{secrets.token_hex(6)}",
        )
        config.validate()
        try:
            pcm = read_wav_16k_mono(options["input"])
        except AudioFileError as exc:
            raise CommandError(exc.user_message, returncode=EXIT_INPUT) from None
        out = Path(options["out"])
        events_path = Path(options["events"]) if options["events"] else None
        for path in filter(None, (out, events_path)):
            if not os.access(path.parent, os.W_OK):
                raise CommandError(f"Can't write {path}.", returncode=EXIT_OUTPUT)
        try:
            events_file = events_path.open("w", encoding="utf-8") if events_path else None
        except OSError as exc:
            raise CommandError(
                f"Can't write {events_path}: {exc}", returncode=EXIT_OUTPUT
            ) from None
        try:
            recorder = Recorder(events_file)
            stream_stats = asyncio.run(
                self._stream(config, pcm, recorder, options["realtime"], options["tail_seconds"])
            )
        finally:
            if events_file is not None:
                events_file.close()
        try:
            write_wav(out, bytes(recorder.audio))
        except OSError as exc:
            raise CommandError(f"Can't write {out}: {exc}", returncode=EXIT_OUTPUT) from None
        self._report(pcm, recorder, stream_stats, out)

    async def _stream(
        self, config: SessionConfig, pcm: bytes, recorder: Recorder, realtime: bool, tail: float
    ) -> tuple[int, int]:
        """Send ``pcm`` and collect events until the tail is quiet; ``(reconnects, dropped
        bytes)``. A failure is logged to the events file before it is raised."""
        try:
            async with voice_client().stream(config) as stream:
                recorder.started = time.monotonic()
                reader = asyncio.create_task(_read(stream, recorder))
                sender = asyncio.create_task(_send(stream, pcm, realtime))
                try:
                    done, _ = await asyncio.wait(
                        {reader, sender}, return_when=asyncio.FIRST_COMPLETED
                    )
                    for task in done:
                        task.result()
                    if reader not in done:
                        bound = len(pcm) / BYTES_PER_SECOND + TAIL_BOUND_EXTRA_SECONDS
                        await _wait_for_tail(reader, recorder, tail, bound)
                finally:
                    for task in (reader, sender):
                        task.cancel()
                    await asyncio.gather(reader, sender, return_exceptions=True)
                return stream.reconnects, stream.dropped_bytes
        except KrispError as exc:
            recorder.error(exc)
            raise

    def _report(self, pcm: bytes, recorder: Recorder, stats: tuple[int, int], out: Path) -> None:
        reconnects, dropped = stats
        self.stdout.write("Transcript: " + " ".join(recorder.transcripts.values()))
        self.stdout.write("Translation: " + " ".join(recorder.translations.values()))
        utterances = len(recorder.transcripts.keys() | recorder.translations.keys())
        summary = (
            f"Sent {len(pcm) / BYTES_PER_SECOND:.2f} s of audio (plus {SILENCE_SECONDS:g} s "
            f"of silence); received {len(recorder.audio) / BYTES_PER_SECOND:.2f} s of "
            f"translated speech in {out}; {utterances} utterance"
            f"{'' if utterances == 1 else 's'}."
        )
        if reconnects or dropped:
            summary += (
                f" Reconnected {reconnects} time{'' if reconnects == 1 else 's'}; "
                f"{dropped / BYTES_PER_SECOND:.2f} s of audio were lost."
            )
        self.stdout.write(self.style.SUCCESS(summary))

    @staticmethod
    def _safe(text: str) -> str:
        """``text`` without the API key, whatever a service or library put in it."""
        return redact(text, (settings.KRISP_API_KEY,))


async def _read(stream: KrispStream, recorder: Recorder) -> None:
    async for event in stream:
        recorder.record(event)


async def _send(stream: KrispStream, pcm: bytes, realtime: bool) -> None:
    """Send ``pcm`` and then the closing silence in 20 ms frames.

    In real time each frame goes at its due time; otherwise as fast as the stream drains,
    never letting more than a second wait in its buffer, which drops audio past its bound.
    """
    audio = pcm + bytes(int(SILENCE_SECONDS * BYTES_PER_SECOND))
    loop = asyncio.get_running_loop()
    start = loop.time()
    for index, offset in enumerate(range(0, len(audio), FRAME_BYTES)):
        if realtime:
            await asyncio.sleep(max(0.0, start + index * FRAME_SECONDS - loop.time()))
        else:
            await _drain(stream, MAX_BUFFERED_SECONDS)
        stream.send_audio(audio[offset : offset + FRAME_BYTES])
        await asyncio.sleep(0)
    await _drain(stream, 0.0)


async def _drain(stream: KrispStream, seconds: float) -> None:
    """Wait until at most ``seconds`` of audio wait in the stream's buffer.

    The stream has no "drained" signal to await, so this polls once per frame time.
    """
    while stream.buffered_seconds > seconds:  # noqa: ASYNC110
        await asyncio.sleep(FRAME_SECONDS)


async def _wait_for_tail(
    reader: asyncio.Task, recorder: Recorder, quiet: float, bound: float
) -> None:
    """Wait until no event came for ``quiet`` seconds (at most ``bound`` seconds), or the
    stream ended; a stream that ended with an error raises it."""
    loop_start = time.monotonic()
    recorder.last_event = max(recorder.last_event, loop_start)
    while True:
        now = time.monotonic()
        remaining = min(recorder.last_event + quiet, loop_start + bound) - now
        if remaining <= 0:
            return
        done, _ = await asyncio.wait({reader}, timeout=remaining)
        if done:
            reader.result()
            return
