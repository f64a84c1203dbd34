"""Reading WAV files of every common kind as 16 kHz mono s16le, and writing them back."""

from __future__ import annotations

import struct
import wave

import numpy as np
import pytest

from interpreter.audio_files import AudioFileError, read_wav_16k_mono, write_wav


def sine(rate: int, seconds: float, freq: float = 440.0, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return amplitude * np.sin(2 * np.pi * freq * t)


def int_wav(path, samples: np.ndarray, rate: int, width: int) -> None:
    """Integer PCM through ``wave``; ``samples`` is (frames, channels) in [-1, 1]."""
    samples = samples.reshape(len(samples), -1)
    full = 1 << (8 * width - 1)
    values = np.clip(np.round(samples * full), -full, full - 1).astype(np.int64)
    if width == 1:
        raw = (values + 128).astype(np.uint8).tobytes()
    elif width == 3:
        raw = b"".join(int(v).to_bytes(3, "little", signed=True) for v in values.ravel())
    else:
        raw = values.astype(f"<i{width}").tobytes()
    with wave.open(str(path), "wb") as out:
        out.setnchannels(samples.shape[1])
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(raw)


def riff(fmt: bytes, data: bytes, extra_chunks: bytes = b"") -> bytes:
    body = b"WAVE" + chunk(b"fmt ", fmt) + extra_chunks + chunk(b"data", data)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def chunk(chunk_id: bytes, body: bytes) -> bytes:
    return chunk_id + struct.pack("<I", len(body)) + body + b"\0" * (len(body) & 1)


def fmt_chunk(tag: int, channels: int, rate: int, bits: int) -> bytes:
    align = channels * bits // 8
    return struct.pack("<HHIIHH", tag, channels, rate, rate * align, align, bits)


def extensible_fmt(subtag: int, channels: int, rate: int, bits: int) -> bytes:
    guid_tail = b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
    extension = struct.pack("<HHI", 22, bits, 0) + struct.pack("<H", subtag) + guid_tail
    return fmt_chunk(0xFFFE, channels, rate, bits) + extension


def as_int16(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2")


def expected_s16(samples: np.ndarray) -> np.ndarray:
    return np.clip(np.round(samples * 32768), -32768, 32767).astype(np.int16)


def test_16k_mono_16bit_comes_back_unchanged(tmp_path):
    path = tmp_path / "a.wav"
    samples = sine(16000, 0.5)
    int_wav(path, samples, 16000, 2)
    with wave.open(str(path)) as wav:
        raw = wav.readframes(wav.getnframes())
    assert read_wav_16k_mono(path) == raw


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_integer_widths_decode_to_the_same_signal(tmp_path, width):
    path = tmp_path / f"{width}.wav"
    samples = sine(16000, 0.25)
    int_wav(path, samples, 16000, width)
    got = as_int16(read_wav_16k_mono(path)).astype(np.int32)
    tolerance = 256 if width == 1 else 1
    assert len(got) == 4000
    assert np.max(np.abs(got - expected_s16(samples))) <= tolerance


def test_stereo_is_mixed_to_mono(tmp_path):
    path = tmp_path / "stereo.wav"
    left = sine(16000, 0.25, amplitude=0.5)
    stereo = np.stack([left, np.zeros_like(left)], axis=1)
    int_wav(path, stereo, 16000, 2)
    got = as_int16(read_wav_16k_mono(path)).astype(np.int32)
    assert np.max(np.abs(got - expected_s16(left / 2))) <= 1


@pytest.mark.parametrize(("rate", "channels"), [(44100, 2), (48000, 1), (8000, 1), (22050, 6)])
def test_other_rates_and_channel_counts_become_16k_mono(tmp_path, rate, channels):
    path = tmp_path / "in.wav"
    int_wav(path, np.repeat(sine(rate, 1.0)[:, None], channels, axis=1), rate, 2)
    got = as_int16(read_wav_16k_mono(path))
    assert len(got) == 16000
    # Still a 440 Hz tone at about the same level.
    spectrum = np.abs(np.fft.rfft(got[2000:14000]))
    assert abs(np.argmax(spectrum) * 16000 / 12000 - 440) < 2
    assert 0.45 < np.max(np.abs(got[2000:14000])) / 32768 < 0.55


def test_float32_wav_is_read(tmp_path):
    path = tmp_path / "float.wav"
    samples = sine(16000, 0.25).astype("<f4")
    path.write_bytes(riff(fmt_chunk(3, 1, 16000, 32), samples.tobytes()))
    got = as_int16(read_wav_16k_mono(path)).astype(np.int32)
    assert np.max(np.abs(got - expected_s16(samples.astype(np.float64)))) <= 1


def test_extensible_float_stereo_44k_with_extra_chunks(tmp_path):
    path = tmp_path / "ext.wav"
    tone = sine(44100, 1.0).astype("<f4")
    stereo = np.stack([tone, tone], axis=1)
    odd_chunk = chunk(b"LIST", b"abc")  # odd size: padded, must be skipped correctly
    path.write_bytes(riff(extensible_fmt(3, 2, 44100, 32), stereo.tobytes(), odd_chunk))
    assert len(read_wav_16k_mono(path)) == 16000 * 2


def test_extensible_integer_pcm_is_read(tmp_path):
    path = tmp_path / "ext24.wav"
    samples = sine(16000, 0.25)
    values = np.round(samples * (1 << 23)).astype(np.int64)
    raw = b"".join(int(v).to_bytes(3, "little", signed=True) for v in values)
    path.write_bytes(riff(extensible_fmt(1, 1, 16000, 24), raw))
    got = as_int16(read_wav_16k_mono(path)).astype(np.int32)
    assert np.max(np.abs(got - expected_s16(samples))) <= 1


def test_write_wav_round_trips(tmp_path):
    path = tmp_path / "out.wav"
    pcm = expected_s16(sine(16000, 0.1)).tobytes()
    write_wav(path, pcm)
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 16000)
        assert wav.readframes(wav.getnframes()) == pcm
    assert read_wav_16k_mono(path) == pcm


def test_write_wav_refuses_half_samples(tmp_path):
    with pytest.raises(ValueError):
        write_wav(tmp_path / "x.wav", b"\x00\x00\x00")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (None, "does not exist"),
        (lambda p: p.write_bytes(b"ID3\x03 definitely an mp3 file"), "not a WAV file"),
        (lambda p: p.write_bytes(b""), "not a WAV file"),
        (lambda p: p.write_bytes(riff(fmt_chunk(7, 1, 8000, 8), b"\x7f" * 100)), "unsupported"),
        (lambda p: p.write_bytes(riff(fmt_chunk(1, 1, 16000, 12), b"\0" * 100)), "12-bit"),
        (lambda p: p.write_bytes(riff(fmt_chunk(3, 1, 16000, 16), b"\0" * 100)), "16-bit float"),
        (lambda p: p.write_bytes(riff(fmt_chunk(3, 1, 16000, 32), b"")), "no audio"),
        (lambda p: write_wav(p, b""), "no audio"),
        (lambda p: p.write_bytes(b"RIFF\x04\0\0\0WAVE"), "no format chunk"),
        (lambda p: p.write_bytes(riff(fmt_chunk(1, 0, 16000, 16), b"\0" * 4)), "0 channels"),
        (lambda p: p.mkdir(), "is a directory"),
    ],
)
def test_unusable_files_say_why(tmp_path, make, message):
    path = tmp_path / "in.wav"
    if make is not None:
        make(path)
    with pytest.raises(AudioFileError) as caught:
        read_wav_16k_mono(path)
    assert message in caught.value.user_message
    assert str(path) in caught.value.user_message


def test_a_too_short_file_is_refused(tmp_path):
    path = tmp_path / "short.wav"
    int_wav(path, np.array([0.1]), 44100, 2)
    with pytest.raises(AudioFileError, match="too short"):
        read_wav_16k_mono(path)
