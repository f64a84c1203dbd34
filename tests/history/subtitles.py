"""Small, strict SRT and WebVTT parsers used to read exports back."""

from __future__ import annotations

import re
from dataclasses import dataclass

SRT_TIMING = re.compile(
    r"^(\d{2}):([0-5]\d):([0-5]\d),(\d{3}) --> (\d{2}):([0-5]\d):([0-5]\d),(\d{3})$"
)
VTT_TIMING = re.compile(
    r"^(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})$"
)


@dataclass
class ParsedCue:
    start_ms: int
    end_ms: int
    lines: list[str]


def _ms(h, m, s, ms) -> int:
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms)


def _cue(timing: re.Match, lines: list[str]) -> ParsedCue:
    groups = timing.groups()
    cue = ParsedCue(_ms(*groups[:4]), _ms(*groups[4:]), lines)
    assert cue.end_ms > cue.start_ms, f"cue ends before it starts: {timing.string}"
    assert lines, f"cue without text: {timing.string}"
    return cue


def parse_srt(document: str) -> list[ParsedCue]:
    assert "\r" not in document
    cues = []
    for number, block in enumerate(document.strip("\n").split("\n\n"), start=1):
        index, timing, *lines = block.split("\n")
        assert index == str(number), f"cue {number} is numbered {index!r}"
        match = SRT_TIMING.match(timing)
        assert match, f"bad SRT timing line {timing!r}"
        cues.append(_cue(match, lines))
    return cues


def parse_vtt(document: str) -> list[ParsedCue]:
    header, *blocks = document.strip("\n").split("\n\n")
    assert header == "WEBVTT"
    cues = []
    for block in blocks:
        timing, *lines = block.split("\n")
        match = VTT_TIMING.match(timing)
        assert match, f"bad WebVTT timing line {timing!r}"
        for line in lines:
            assert "-->" not in line
            assert "<" not in line
        cues.append(_cue(match, lines))
    return cues


def unescape_vtt(line: str) -> str:
    return line.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
