"""``python -m localvt [--host 127.0.0.1] [--port 8765]``: run the local engine."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import time

from .engines import ConfigError, Engines
from .keys import DEV_API_KEY
from .protocol import describe_pairs
from .server import LocalVT, ServerOptions

logger = logging.getLogger("localvt")


def options_from_env() -> ServerOptions:
    keys = os.environ.get("LOCALVT_API_KEYS", DEV_API_KEY)
    return ServerOptions(
        api_keys={key.strip() for key in keys.split(",") if key.strip()},
        max_sessions=int(os.environ.get("LOCALVT_MAX_SESSIONS", "4")),
        end_silence_ms=int(os.environ.get("LOCALVT_END_SILENCE_MS", "350")),
        speculate_ms=int(os.environ.get("LOCALVT_SPECULATE_MS", "160")),
        interim_interval=float(os.environ.get("LOCALVT_INTERIM_SECONDS", "1.0")),
        max_utterance_s=float(os.environ.get("LOCALVT_MAX_UTTERANCE_SECONDS", "12")),
    )


async def serve(host: str, port: int) -> None:
    started = time.monotonic()
    engines = Engines()
    if engines.missing_packages:
        logger.warning(
            "Some language pairs are not installed. Add them with: sudo apt-get install -y %s",
            " ".join(engines.missing_packages),
        )
    await asyncio.to_thread(engines.warm_up)
    server = LocalVT(engines, options_from_env())
    await server.start(host, port)
    logger.info(
        "localvt ready on ws://%s:%d/vt in %.1f s; pairs: %s",
        host,
        server.port,
        time.monotonic() - started,
        describe_pairs(engines.pairs()) or "none",
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    logger.info("Shutting down")
    await server.stop()
    engines.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m localvt", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    logging.basicConfig(
        level=os.environ.get("LOCALVT_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        asyncio.run(serve(args.host, args.port))
    except ConfigError as exc:
        logger.error("%s", exc)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
