"""Sessions on the same pair share one Apertium pipeline: a second session costs no
second set of Apertium programs."""

from __future__ import annotations

import asyncio

import psutil

from .conftest import DASHWOOD, collect_session, config, finals, open_socket, read_pcm


def eng_spa_chains() -> list[psutil.Process]:
    """This process's children that open the en-US → es-ES pipeline (its analyser)."""
    return [
        child
        for child in psutil.Process().children()
        if any(arg.endswith("/eng-spa.automorf.bin") for arg in child.cmdline())
    ]


async def test_two_sessions_on_one_pair_share_one_pipeline(localvt):
    pcm = read_pcm(DASHWOOD)
    sockets = [await open_socket(localvt), await open_socket(localvt)]
    for ws in sockets:
        await ws.send(config())
    results = await asyncio.gather(*(collect_session(ws, pcm) for ws in sockets))
    for ws in sockets:
        await ws.close()

    for events, _ in results:
        (translation,) = finals(events, "translate")
        assert "considerar" in translation["text"]
    (chain,) = eng_spa_chains()
    assert chain.pid in localvt.engines.pipelines.running()["eng-spa"]
