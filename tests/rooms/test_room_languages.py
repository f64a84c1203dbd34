"""A room's languages are checked against what the service offers (tests.fakekrisp's list)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from rooms.models import Room
from voice.client import voice_client
from voice.languages import fetch_language_choices

LOCALVT_LIKE = [
    {"name": "English (United States)", "language_code": "en-US", "translates_to": ["es-ES"]},
    {"name": "Spanish (Spain)", "language_code": "es-ES", "translates_to": ["en-US"]},
    {"name": "Esperanto", "language_code": "eo", "translates_to": []},
]


def pairs() -> dict[str, list[str]]:
    return fetch_language_choices(voice_client()).pairs


def test_every_offered_target_is_allowed_when_the_room_names_none(offered, alpha):
    room = Room(account=alpha, source_language="en-US")

    room.validate_languages(pairs())

    assert room.allowed_targets(pairs()) == ["es-ES", "fr-FR"]


def test_named_targets_keep_the_services_order(offered, alpha):
    room = Room(account=alpha, source_language="en-US", target_languages=["fr-FR", "es-ES"])

    room.validate_languages(pairs())

    assert room.allowed_targets(pairs()) == ["es-ES", "fr-FR"]


def test_a_target_the_service_does_not_offer_for_the_source_is_refused(offered, alpha):
    offered.languages = LOCALVT_LIKE
    room = Room(account=alpha, source_language="en-US", target_languages=["es-ES", "eo"])

    with pytest.raises(ValidationError) as refused:
        room.validate_languages(pairs())

    assert refused.value.message_dict == {
        "target_languages": ["The service does not translate en-US into eo."]
    }


def test_a_source_the_service_does_not_translate_from_is_refused(offered, alpha):
    offered.languages = LOCALVT_LIKE
    room = Room(account=alpha, source_language="eo")

    with pytest.raises(ValidationError) as refused:
        room.validate_languages(pairs())

    assert refused.value.message_dict == {
        "source_language": ["The service does not translate from eo."]
    }


def test_a_target_the_service_dropped_is_no_longer_allowed(offered, alpha):
    room = Room(account=alpha, source_language="en-US", target_languages=["fr-FR"])
    offered.languages = LOCALVT_LIKE

    assert room.allowed_targets(pairs()) == []
