"""Apertium pipelines cost memory only while a pair is in use: they start with the first
sentence that needs them, stop after the idle time, run without a shell, and come back
after a program of theirs dies or stalls, the sentence that met the failure translated."""

from __future__ import annotations

import os
import signal
import time

import psutil
import pytest

from localvt.mt import Translator, installed_routes
from localvt.pipelines import MODES_DIR, PipelinePool, mode_stages, split_pipeline

IDLE_SECONDS = 0.5
TIMEOUT = 3.0  # long enough for a cold start on a busy machine
SENTENCE = "The house of light."
SPANISH = "La casa de ligero."


@pytest.fixture
def translator():
    routes, _ = installed_routes()
    translator = Translator(routes, PipelinePool(idle_seconds=IDLE_SECONDS, timeout=TIMEOUT))
    yield translator
    translator.close()


def wait_until(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_a_pair_starts_on_first_use_and_stops_after_the_idle_time(translator):
    assert translator.pool.running() == {}
    assert translator.translate(SENTENCE, "en-US", "es-ES") == SPANISH
    last_used = time.monotonic()
    running = translator.pool.running()
    assert sorted(running) == ["eng-spa", "eng-spa:generation"]
    programs = [psutil.Process(pid) for pids in running.values() for pid in pids]
    assert len(programs) == len(mode_stages(MODES_DIR / "eng-spa.mode"))
    assert all(p.is_running() for p in programs)

    assert wait_until(lambda: translator.pool.running() == {})
    assert time.monotonic() - last_used >= IDLE_SECONDS
    assert not any(psutil.pid_exists(p.pid) for p in programs)

    assert translator.translate(SENTENCE, "en-US", "es-ES") == SPANISH
    assert sorted(translator.pool.running()) == ["eng-spa", "eng-spa:generation"]


def test_a_route_through_spanish_starts_both_of_its_pipelines(translator):
    assert translator.translate(SENTENCE, "en-US", "fr-FR")
    assert sorted(translator.pool.running()) == [
        "eng-spa",
        "eng-spa:generation",
        "es-fr",
        "es-fr:generation",
    ]


def test_a_pipeline_in_use_is_not_stopped(translator):
    for _ in range(8):
        assert translator.translate(SENTENCE, "en-US", "es-ES") == SPANISH
        time.sleep(IDLE_SECONDS / 2)
    assert all(pipeline.starts == 1 for pipeline in translator.pipelines("eng-spa"))


def test_a_preloaded_pair_keeps_running_however_long_it_is_idle(translator):
    translator.preload([("es-ES", "en-US")])
    running = translator.pool.running()
    assert sorted(running) == ["spa-eng", "spa-eng:generation"]
    time.sleep(IDLE_SECONDS * 3)
    assert translator.pool.running() == running


def test_the_programs_of_a_pipeline_are_localvts_own_children_with_no_shell(translator):
    translator.translate(SENTENCE, "en-US", "es-ES")
    running = translator.pool.running()
    pids = running["eng-spa"] + running["eng-spa:generation"]
    programs = [psutil.Process(pid) for pid in pids]
    assert {p.ppid() for p in programs} == {os.getpid()}
    names = {p.name() for p in programs}
    assert {"lt-proc", "apertium-tagger", "apertium-transfer"} <= names
    assert not names & {"bash", "sh", "dash"}
    # What each program runs is what the mode file says, argument for argument.
    stages = mode_stages(MODES_DIR / "eng-spa.mode")
    assert [tuple(p.cmdline()) for p in programs] == list(stages)


def test_a_mode_that_needs_a_shell_for_more_than_pipes_runs_under_bash():
    assert split_pipeline("lt-proc -z 'a b.bin' | cg-proc -z x.bin") == (
        ("lt-proc", "-z", "a b.bin"),
        ("cg-proc", "-z", "x.bin"),
    )
    redirected = "lt-proc -z 'a.bin' 2>/dev/null | cat"
    assert split_pipeline(redirected) == (("bash", "-c", redirected),)


def test_a_killed_pipeline_program_is_restarted_and_its_sentence_translated(translator):
    translator.translate(SENTENCE, "en-US", "es-ES")
    before = translator.pool.running()["eng-spa"]
    victim = psutil.Process(before[len(before) // 2])
    victim.send_signal(signal.SIGKILL)
    victim.wait(5)

    assert translator.translate("The season of light.", "en-US", "es-ES") == (
        "La estación de ligero."
    )
    after = translator.pool.running()["eng-spa"]
    assert not set(before) & set(after)
    assert not any(psutil.pid_exists(pid) for pid in before)


def test_the_sentence_that_meets_a_stalled_pipeline_is_retried_once_and_translated(translator):
    translator.translate(SENTENCE, "en-US", "es-ES")
    before = translator.pool.running()["eng-spa"]
    os.kill(before[len(before) // 2], signal.SIGSTOP)

    started = time.monotonic()
    assert translator.translate("The season of light.", "en-US", "es-ES") == (
        "La estación de ligero."
    )
    assert time.monotonic() - started >= TIMEOUT  # it waited for the stalled one first
    assert translator.pipelines("eng-spa")[0].failures == 1
    assert not set(before) & set(translator.pool.running()["eng-spa"])


def test_warming_a_pair_starts_its_pipelines_without_waiting_for_them(translator):
    started = time.monotonic()
    translator.warm("en-US", "es-ES", dictionary=True)

    assert time.monotonic() - started < 1.0  # the session opens at once
    # The route's pipelines, and Spanish's analyser for the article before a term.
    assert sorted(translator.pool.running()) == [
        "eng-spa",
        "eng-spa:generation",
        "spa-eng:analyser",
    ]
    assert translator.translate(SENTENCE, "en-US", "es-ES") == SPANISH
    assert all(pipeline.starts == 1 for pipeline in translator.pipelines("eng-spa"))


def test_warming_a_pair_nobody_offers_does_nothing(translator):
    translator.warm("en-US", "xx-XX")

    assert translator.pool.running() == {}
