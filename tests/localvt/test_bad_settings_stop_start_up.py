"""A bad ``LOCALVT_*`` value stops localvt at start-up with a message naming the variable,
before any model loads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("LOCALVT_SECRET", "too-short", "LOCALVT_SECRET must be at least 32 characters"),
        ("LOCALVT_CORS_ORIGINS", "meet.example.com", "LOCALVT_CORS_ORIGINS: 'meet.example.com'"),
        ("LOCALVT_INJECT_FAULTS", "asr:1", "LOCALVT_INJECT_FAULTS: 'asr:1'"),
        ("LOCALVT_DRAIN_SECONDS", "soon", "LOCALVT_DRAIN_SECONDS: 'soon' is not a number"),
        ("LOCALVT_MAX_SESSIONS", "-1", "LOCALVT_MAX_SESSIONS: '-1' must not be negative"),
    ],
)
def test_a_bad_value_is_named_and_nothing_starts(name, value, words):
    env = {**os.environ, "PYTHONPATH": str(ROOT), name: value}
    done = subprocess.run(
        [sys.executable, "-m", "localvt", "--port", str(free_port())],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert words in done.stderr
    assert "localvt ready" not in done.stderr
