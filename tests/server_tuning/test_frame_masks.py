"""autobahn unmasks a page's frames with websockets' C XOR, however the frame is split."""

from __future__ import annotations

import os
import random

import autobahn.websocket.protocol
import pytest
from autobahn.nvx._xormasker import create_xor_masker as autobahns_masker

from interpreter.server_tuning import frame_masks


def test_a_whole_frame_unmasks_as_autobahn_unmasks_it():
    mask, payload = os.urandom(4), os.urandom(640)

    ours = frame_masks.create_xor_masker(mask, len(payload))

    assert ours.process(payload) == autobahns_masker(mask, len(payload)).process(payload)
    assert ours.pointer() == 640


@pytest.mark.parametrize("seed", range(20))
def test_a_frame_split_between_reads_unmasks_as_one(seed):
    rng = random.Random(seed)
    mask, payload = rng.randbytes(4), rng.randbytes(rng.randrange(1, 3000))
    cuts = sorted(rng.sample(range(1, len(payload) + 1), min(5, len(payload))))
    chunks = [payload[a:b] for a, b in zip([0, *cuts], cuts, strict=False)]
    chunks.append(payload[cuts[-1] :])

    masker = frame_masks.create_xor_masker(mask)
    unmasked = b"".join(masker.process(chunk) for chunk in chunks)

    assert unmasked == autobahns_masker(mask).process(payload)
    assert masker.pointer() == len(payload)


def test_reset_starts_the_key_again():
    masker = frame_masks.create_xor_masker(b"\x01\x02\x03\x04")
    masker.process(b"\x00\x00\x00")

    masker.reset()

    assert masker.pointer() == 0
    assert masker.process(b"\x00\x00") == b"\x01\x02"


def test_a_key_that_is_not_four_bytes_is_refused():
    with pytest.raises(ValueError):
        frame_masks.create_xor_masker(b"\x01\x02\x03")


def test_install_points_autobahn_at_it():
    frame_masks.install()

    assert autobahn.websocket.protocol.create_xor_masker is frame_masks.create_xor_masker
