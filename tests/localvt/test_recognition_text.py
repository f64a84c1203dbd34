"""What the recognizer does to Whisper's raw text, and where its model comes from."""

from __future__ import annotations

import pytest

from localvt.asr import apply_vocabulary
from localvt.whisper_model import ModelMissing, assemble, model_dir


def test_a_vocabulary_term_replaces_the_words_that_sound_like_it():
    assert apply_vocabulary("We deploy on Cooper Netties.", ["Kubernetes"]) == (
        "We deploy on Kubernetes."
    )


def test_a_vocabulary_term_heard_without_its_accents_gets_them_back_in_spanish():
    assert apply_vocabulary("Mañana hablamos con Jose Garcia.", ["José García"], language="es") == (
        "Mañana hablamos con José García."
    )


def _parts(tmp_path, halves):
    parts = []
    for number, half in enumerate(halves, 1):
        part = tmp_path / f"part{number}"
        part.mkdir()
        (part / f"model.bin.part{number}").write_bytes(half)
        parts.append(part)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (parts[0] / name).write_text(name)
    return parts


def test_the_model_halves_are_joined_in_order_with_the_tokenizer_beside_them(tmp_path):
    parts = _parts(tmp_path, [b"first half|", b"second half"])
    target = assemble(parts, tmp_path / "model")
    assert (target / "model.bin").read_bytes() == b"first half|second half"
    assert (target / "tokenizer.json").read_text() == "tokenizer.json"
    assert [p.name for p in target.iterdir() if p.name.startswith(".")] == []


def test_a_torn_model_is_joined_again_and_a_whole_one_is_left_alone(tmp_path):
    parts = _parts(tmp_path, [b"aaaa", b"bbbb"])
    target = tmp_path / "model"
    target.mkdir()
    (target / "model.bin").write_bytes(b"aaaa")  # a copy cut short
    assemble(parts, target)
    assert (target / "model.bin").read_bytes() == b"aaaabbbb"
    joined_at = (target / "model.bin").stat().st_mtime_ns
    assemble(parts, target)
    assert (target / "model.bin").stat().st_mtime_ns == joined_at


def test_a_configured_model_directory_without_a_model_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("LOCALVT_WHISPER_DIR", str(tmp_path))
    with pytest.raises(ModelMissing, match=r"holds no model\.bin"):
        model_dir()
