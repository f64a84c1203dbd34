"""A room carries at most one glossary per language pair; a pair without one uses the
account's default glossary for it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from rooms.models import Room

PAIRS = {"en-US": ["es-ES", "fr-FR"], "es-ES": ["en-US", "fr-FR"]}


def problems(room: Room, glossaries) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        room.validate_glossaries(glossaries, PAIRS)
    return refused.value.message_dict["glossaries"]


def test_one_glossary_per_offered_pair_is_accepted(make_room, make_glossary, alpha):
    room = make_room(alpha)
    spanish = make_glossary(alpha, "Medical ES", target="es-ES")
    french = make_glossary(alpha, "Medical FR", target="fr-FR")

    room.validate_glossaries([spanish, french], PAIRS)


def test_two_glossaries_for_one_pair_are_refused(make_room, make_glossary, alpha):
    room = make_room(alpha)
    medical = make_glossary(alpha, "Medical")
    legal = make_glossary(alpha, "Legal")

    assert problems(room, [medical, legal]) == [
        "“Medical” and “Legal” are both for en-US → es-ES; choose one."
    ]


def test_a_glossary_for_another_spoken_language_is_refused(make_room, make_glossary, alpha):
    room = make_room(alpha)
    spanish_speech = make_glossary(alpha, "Legal", source="es-ES", target="fr-FR")

    assert problems(room, [spanish_speech]) == ["“Legal” is for speech in es-ES, not en-US."]


def test_a_glossary_for_a_language_the_room_does_not_offer_is_refused(
    make_room, make_glossary, alpha
):
    room = make_room(alpha, target_languages=["es-ES"])
    french = make_glossary(alpha, "Medical FR", target="fr-FR")

    assert problems(room, [french]) == [
        "“Medical FR” translates into fr-FR, which this room does not offer."
    ]


def test_another_accounts_glossary_is_refused(make_room, make_glossary, alpha, beta):
    room = make_room(alpha)
    betas = make_glossary(beta, "Beta terms")

    assert problems(room, [betas]) == ["“Beta terms” belongs to another account."]


def test_a_stream_uses_the_rooms_glossary_for_its_pair(make_room, make_glossary, alpha):
    make_glossary(alpha, "Account default", is_default=True)
    chosen = make_glossary(alpha, "Chosen")
    room = make_room(alpha, glossaries=[chosen])

    assert room.glossary_for("es-ES") == chosen


def test_a_pair_without_a_room_glossary_uses_the_accounts_default(
    make_room, make_glossary, alpha, beta
):
    make_glossary(beta, "Beta default", is_default=True)
    make_glossary(alpha, "Not default")
    default = make_glossary(alpha, "Alpha default", is_default=True)
    room = make_room(alpha, glossaries=[make_glossary(alpha, "French", target="fr-FR")])

    assert room.glossary_for("es-ES") == default


def test_a_pair_without_any_glossary_uses_none(make_room, make_glossary, alpha):
    make_glossary(alpha, "Not default")

    assert make_room(alpha).glossary_for("es-ES") is None
