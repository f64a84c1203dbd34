"""Read any common WAV as the 16 kHz mono s16le PCM the voice-translation service takes.

Recordings people have at hand come in every rate and channel count, and editors often
save 32-bit float or WAVE_FORMAT_EXTENSIBLE files that Python 3.11's ``wave`` refuses, so
this module reads plain integer PCM with ``wave`` and parses the RIFF chunks itself for
the rest. Every failure is an :class:`AudioFileError` whose ``user_message`` says what is
wrong with the file, so a command can show it as it is. No Django imports.
"""

from __future__ import annotations

import struct
import wave
from pathlib import Path

import numpy as np
import soxr

TARGET_RATE = 16000

WAVE_FORMAT_PCM = 0x0001
WAVE_FORMAT_IEEE_FLOAT = 0x0003
WAVE_FORMAT_EXTENSIBLE = 0xFFFE
_INTEGER_WIDTHS = (1, 2, 3, 4)
_FLOAT_WIDTHS = (4, 8)


class AudioFileError(Exception):
    """An input file that can't be used; ``user_message`` is fit to show as it is."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


def read_wav_16k_mono(path: str | Path) -> bytes:
    """The audio of the WAV at ``path`` as 16 kHz mono s16le PCM.

    Channels are averaged and the rate converted with soxr; a file that is already 16 kHz
    mono 16-bit comes back unchanged, sample for sample.
    """
    path = Path(path)
    samples, rate = _read_samples(path)
    if samples.shape[0] == 0:
        raise AudioFileError(f"{path} contains no audio.")
    mono = samples.mean(axis=1, dtype=np.float64) if samples.shape[1] > 1 else samples[:, 0]
    if rate != TARGET_RATE:
        mono = soxr.resample(mono, rate, TARGET_RATE, quality="HQ")
        if len(mono) == 0:
            raise AudioFileError(f"{path} is too short to convert to {TARGET_RATE} Hz.")
    return _to_s16le(np.asarray(mono, dtype=np.float64))


def write_wav(path: str | Path, pcm: bytes, rate: int = TARGET_RATE) -> None:
    """Write 16-bit mono ``pcm`` (s16le) as a WAV anyone can play."""
    if len(pcm) % 2:
        raise ValueError("PCM must be whole 16-bit samples (an even number of bytes)")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)


def _read_samples(path: Path) -> tuple[np.ndarray, int]:
    """``(samples, rate)``: float samples in [-1, 1] shaped (frames, channels)."""
    try:
        with path.open("rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise AudioFileError(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise AudioFileError(f"{path} is a directory, not a WAV file.") from None
    except OSError as exc:
        raise AudioFileError(f"{path} can't be read ({exc.strerror or exc}).") from None
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioFileError(f"{path} is not a WAV file (no RIFF/WAVE header).")
    fmt, payload = _chunks(path, data)
    declared, tag, channels, rate, width = fmt
    if channels < 1 or rate < 1:
        raise AudioFileError(f"{path} declares {channels} channels at {rate} Hz.")
    if declared == WAVE_FORMAT_PCM:
        return _read_with_wave(path), rate
    frame_bytes = channels * width
    payload = payload[: len(payload) - len(payload) % frame_bytes]
    if tag == WAVE_FORMAT_IEEE_FLOAT:
        dtype = "<f4" if width == 4 else "<f8"
        samples = np.frombuffer(payload, dtype=dtype).astype(np.float64)
        return np.nan_to_num(samples).reshape(-1, channels), rate
    return _decode_integers(payload, width).reshape(-1, channels), rate


def _chunks(path: Path, data: bytes) -> tuple[tuple[int, int, int, int, int], bytes]:
    """The ``fmt `` chunk as ``(declared tag, sample format tag, channels, rate, bytes per
    sample)`` and the ``data`` chunk's bytes. The sample format of WAVE_FORMAT_EXTENSIBLE
    is its sub-format; only a plain PCM file is left to ``wave``, which refuses the rest."""
    fmt = None
    offset = 12
    while offset + 8 <= len(data):
        chunk_id = data[offset : offset + 4]
        (size,) = struct.unpack_from("<I", data, offset + 4)
        body = data[offset + 8 : offset + 8 + size]
        if chunk_id == b"fmt ":
            fmt = _format(path, body)
        elif chunk_id == b"data":
            if fmt is None:
                raise AudioFileError(f"{path} is not a valid WAV file (data before format).")
            # A streaming writer may leave the size unset; ``body`` then runs to the end.
            return fmt, body
        offset += 8 + size + (size & 1)
    if fmt is None:
        raise AudioFileError(f"{path} is not a valid WAV file (no format chunk).")
    raise AudioFileError(f"{path} contains no audio (no data chunk).")


def _format(path: Path, body: bytes) -> tuple[int, int, int, int, int]:
    if len(body) < 16:
        raise AudioFileError(f"{path} is not a valid WAV file (short format chunk).")
    declared, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", body)
    tag = declared
    if declared == WAVE_FORMAT_EXTENSIBLE:
        if len(body) < 40:
            raise AudioFileError(f"{path} is not a valid WAV file (short extensible format).")
        # The sub-format GUID starts with the plain format tag.
        (tag,) = struct.unpack_from("<H", body, 24)
    width, partial = divmod(bits, 8)
    widths = {WAVE_FORMAT_PCM: _INTEGER_WIDTHS, WAVE_FORMAT_IEEE_FLOAT: _FLOAT_WIDTHS}
    if tag not in widths:
        raise AudioFileError(
            f"{path} uses an unsupported encoding (format tag {tag:#06x}); "
            "use integer PCM or 32-bit float."
        )
    if partial or width not in widths[tag]:
        kind = "integer" if tag == WAVE_FORMAT_PCM else "float"
        raise AudioFileError(f"{path} uses {bits}-bit {kind} samples, which are not supported.")
    return declared, tag, channels, rate, width


def _read_with_wave(path: Path) -> np.ndarray:
    try:
        with wave.open(str(path), "rb") as wav:
            channels = wav.getnchannels()
            width = wav.getsampwidth()
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise AudioFileError(f"{path} is not a valid WAV file ({exc}).") from None
    frames = frames[: len(frames) - len(frames) % (channels * width)]
    return _decode_integers(frames, width).reshape(-1, channels)


def _decode_integers(payload: bytes, width: int) -> np.ndarray:
    """Little-endian integer PCM to floats in [-1, 1); 8-bit WAV samples are unsigned."""
    if width == 1:
        return (np.frombuffer(payload, dtype=np.uint8).astype(np.float64) - 128) / 128
    if width == 3:
        triples = np.frombuffer(payload, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        values = triples[:, 0] | (triples[:, 1] << 8) | (triples[:, 2] << 16)
        values = np.where(values & 0x800000, values - (1 << 24), values)
        return values.astype(np.float64) / (1 << 23)
    dtype = "<i2" if width == 2 else "<i4"
    return np.frombuffer(payload, dtype=dtype).astype(np.float64) / (1 << (8 * width - 1))


def _to_s16le(samples: np.ndarray) -> bytes:
    scaled = np.clip(np.round(samples * 32768), -32768, 32767)
    return scaled.astype("<i2").tobytes()
