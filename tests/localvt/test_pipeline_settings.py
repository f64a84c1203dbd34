"""The pipeline settings: a mistyped value stops localvt at start-up with a message naming
the variable, instead of failing later or being ignored."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from localvt.engines import ConfigError, EngineOptions, parse_pairs


def test_preload_pairs_are_source_colon_target_comma_separated():
    assert parse_pairs(" en-US:es-ES, es-ES:en-US ,") == (("en-US", "es-ES"), ("es-ES", "en-US"))
    assert parse_pairs("") == ()
    assert parse_pairs("all") is None


@pytest.mark.parametrize("value", ["en-US", "en-US:", "en-US>es-ES"])
def test_a_preload_item_that_is_not_a_pair_is_refused_by_name(value):
    with pytest.raises(ConfigError, match="LOCALVT_PRELOAD_PAIRS"):
        parse_pairs(value)


@pytest.mark.parametrize("value", ["-1", "soon"])
def test_an_idle_time_that_is_not_seconds_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv("LOCALVT_PIPELINE_IDLE_SECONDS", value)
    with pytest.raises(ConfigError, match="LOCALVT_PIPELINE_IDLE_SECONDS"):
        EngineOptions.from_env()


def test_localvt_refuses_to_start_with_a_preload_pair_it_does_not_offer():
    env = dict(os.environ, LOCALVT_PRELOAD_PAIRS="en-US:es-ES,en-US:de-DE")
    result = subprocess.run(
        [sys.executable, "-m", "localvt", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "LOCALVT_PRELOAD_PAIRS names pairs not offered here: en-US:de-DE" in result.stderr
    assert "Offered: en-US:es-ES" in result.stderr
