"""``python -m localvt [--host 127.0.0.1] [--port 8765]``: run the local engine."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import time
from urllib.parse import urlsplit

from .engines import ConfigError, Engines
from .faults import FaultPlan
from .keys import DEV_API_KEY, KeyStore
from .protocol import describe_pairs
from .server import LocalVT, ServerOptions

logger = logging.getLogger("localvt")


def cors_origins(text: str) -> frozenset[str]:
    """``LOCALVT_CORS_ORIGINS``: comma-separated origins (``https://app.example.com``), or
    ``*`` for any; raises ValueError naming a value that is not an origin."""
    origins = frozenset(item.strip().rstrip("/") for item in text.split(",") if item.strip())
    for origin in origins - {"*"}:
        url = urlsplit(origin)
        if url.scheme not in ("http", "https") or not url.netloc or url.path:
            raise ValueError(
                f"LOCALVT_CORS_ORIGINS: {origin!r} is not an origin such as https://app.example.com"
            )
    return origins


def _number(name: str, kind: type[int] | type[float], default: float) -> float:
    """``name``'s value as ``kind`` (``default`` when unset); not negative."""
    text = os.environ.get(name, "").strip()
    try:
        value = kind(text) if text else kind(default)
    except ValueError:
        raise ValueError(f"{name}: {text!r} is not a number") from None
    if value < 0:
        raise ValueError(f"{name}: {text!r} must not be negative")
    return value


def options_from_env() -> ServerOptions:
    """The server's options; raises ValueError naming the variable whose value is bad."""
    keys = os.environ.get("LOCALVT_API_KEYS", DEV_API_KEY)
    secret = os.environ.get("LOCALVT_SECRET") or None
    KeyStore(set(), secret)  # a short secret is refused here, before the models load
    return ServerOptions(
        api_keys={key.strip() for key in keys.split(",") if key.strip()},
        max_sessions=_number("LOCALVT_MAX_SESSIONS", int, 4),
        end_silence_ms=_number("LOCALVT_END_SILENCE_MS", int, 350),
        speculate_ms=_number("LOCALVT_SPECULATE_MS", int, 160),
        interim_interval=_number("LOCALVT_INTERIM_SECONDS", float, 1.0),
        max_utterance_s=_number("LOCALVT_MAX_UTTERANCE_SECONDS", float, 12),
        secret=secret,
        cors_origins=cors_origins(os.environ.get("LOCALVT_CORS_ORIGINS", "")),
        drain_seconds=_number("LOCALVT_DRAIN_SECONDS", float, 20),
        faults=FaultPlan.parse(os.environ.get("LOCALVT_INJECT_FAULTS", "")),
    )


async def serve(host: str, port: int) -> None:
    try:
        options = options_from_env()
    except ValueError as exc:
        sys.exit(f"localvt: {exc}")
    if options.faults:
        logger.warning("LOCALVT_INJECT_FAULTS is set: engine steps will fail on purpose")
    if options.secret is None:
        logger.info("No LOCALVT_SECRET: session keys work on this engine only")
    started = time.monotonic()
    engines = Engines()
    if engines.missing_packages:
        logger.warning(
            "Some language pairs are not installed. Add them with: sudo apt-get install -y %s",
            " ".join(engines.missing_packages),
        )
    await asyncio.to_thread(engines.warm_up)
    server = LocalVT(engines, options)
    await server.start(host, port)
    logger.info(
        "localvt ready on ws://%s:%d/vt in %.1f s; pairs: %s",
        host,
        server.port,
        time.monotonic() - started,
        describe_pairs(engines.pairs()) or "none",
    )
    await _until_stopped(server)
    engines.close()


async def _until_stopped(server: LocalVT) -> None:
    """SIGTERM drains (a deploy, a balancer taking the engine out); SIGINT, or a second
    signal during a drain, stops at once."""
    loop = asyncio.get_running_loop()
    signalled: asyncio.Queue[int] = asyncio.Queue()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, signalled.put_nowait, signum)
    if await signalled.get() == signal.SIGTERM:
        logger.info("SIGTERM: draining (LOCALVT_DRAIN_SECONDS=%g)", server.options.drain_seconds)
        drain = asyncio.create_task(server.drain())
        again = asyncio.create_task(signalled.get())
        await asyncio.wait({drain, again}, return_when=asyncio.FIRST_COMPLETED)
        again.cancel()
        if drain.done():
            logger.info("Drained")
            return
        drain.cancel()
    logger.info("Shutting down")
    await server.stop()


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
