"""A virtual microphone for browsers that cannot capture from a file (Firefox).

A private PulseAudio daemon has two null sinks: "speaker", where the browser's own output
goes, and "voice", whose monitor is remapped into the default source "microphone". Playing
a WAV into "voice" with paplay (paced in real time by the sink's clock) is then heard by
getUserMedia exactly as a person speaking into a microphone would be.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

TOOLS = ("pulseaudio", "pactl", "paplay")

SCRIPT = """\
load-module module-native-protocol-unix auth-anonymous=1 socket={socket}
load-module module-null-sink sink_name=speaker sink_properties=device.description=Speaker
load-module module-null-sink sink_name=voice channels=1 channel_map=mono \
sink_properties=device.description=Voice
load-module module-remap-source source_name=microphone master=voice.monitor \
source_properties=device.description=Microphone
set-default-sink speaker
set-default-source microphone
"""


def missing_tools() -> list[str]:
    """The PulseAudio programs that are not installed (pulseaudio, pulseaudio-utils)."""
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@dataclass
class VirtualMicrophone:
    """The running daemon, as its clients address it (``unix:/path/to/socket``)."""

    server: str

    @property
    def env(self) -> dict[str, str]:
        """What a client (the browser) needs to find this daemon and no other."""
        return {"PULSE_SERVER": self.server}

    def play(self, wav: Path) -> subprocess.Popen:
        """Start speaking ``wav`` into the microphone; it plays once, in real time."""
        return subprocess.Popen(
            ["paplay", "--server", self.server, "--device", "voice", str(wav)],
        )


def _wait_until_answering(server: str, daemon: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if daemon.poll() is not None:
            raise RuntimeError(f"pulseaudio exited with {daemon.returncode}")
        probe = subprocess.run(["pactl", "--server", server, "info"], capture_output=True)
        if probe.returncode == 0:
            return
        time.sleep(0.2)
    raise RuntimeError(f"pulseaudio did not answer on {server} within {seconds:.0f} s")


@contextmanager
def virtual_microphone(directory: Path) -> Iterator[VirtualMicrophone]:
    """Run a throwaway PulseAudio daemon whose state lives in ``directory``.

    HOME and XDG_RUNTIME_DIR point into ``directory`` so the daemon neither reads nor
    writes the caller's PulseAudio setup; ``-n`` skips the system default.pa.
    """
    socket = directory / "native"
    script = directory / "test.pa"
    script.write_text(SCRIPT.format(socket=socket))
    env = {**os.environ, "HOME": str(directory), "XDG_RUNTIME_DIR": str(directory)}
    daemon = subprocess.Popen(
        [
            "pulseaudio",
            "-n",
            f"--file={script}",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--use-pid-file=no",
            "--log-target=stderr",
            "--log-level=error",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        server = f"unix:{socket}"
        _wait_until_answering(server, daemon, seconds=15)
        yield VirtualMicrophone(server)
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=10)
        except subprocess.TimeoutExpired:
            daemon.kill()
