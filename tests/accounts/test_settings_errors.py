"""A bad setting stops start-up with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def start_django(**environment: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KRISP_", "DJANGO_"))}
    env.update({"DEBUG": "true", "DJANGO_SETTINGS_MODULE": "interpreter.settings"})
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "perhaps"),
        ("DATABASE_URL", "nosuchdb://x"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("KRISP_WS_URL", "streaming.krisp.ai/vt"),
        ("LIVE_MAX_SESSIONS_PER_USER", "two"),
        ("KRISP_SESSION_KEY_TTL_MINUTES", "3"),
        ("CSRF_TRUSTED_ORIGINS", "example.com"),
        ("ROOM_JOINS_PER_MINUTE", "thirty"),
        ("ROOM_JOINS_PER_MINUTE", "0"),
        ("ROOM_MAX_LANGUAGES", "0"),
        ("ROOM_STREAM_GRACE_SECONDS", "-1"),
        ("LIVE_HOLD_SECONDS", "0"),
        ("LIVE_CATCH_UP_RATE", "0.5"),
        ("SERVER_TUNING", "sometimes"),
        ("TRUSTED_PROXIES", "10.0.0.0/8,proxy.example.com"),
        ("UPLOAD_MAX_MB", "0"),
        ("INVITATION_DAYS", "a week"),
    ],
)
def test_a_bad_value_names_the_variable(variable, value):
    result = start_django(**{variable: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.strip().splitlines()[-1]


def test_production_refuses_to_start_without_a_secret_key():
    result = start_django(DEBUG="false", SECRET_KEY="")

    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_the_defaults_start_with_sqlite_and_the_local_engine():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'], "
            "s.VOICE_BACKEND, s.KRISP_WS_URL)",
        ],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "interpreter.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "channels.layers.InMemoryChannelLayer",
        "localvt",
        "ws://127.0.0.1:8765/vt",
    ]
