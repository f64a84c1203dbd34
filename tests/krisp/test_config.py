from __future__ import annotations

import pytest

from krisp import DictionaryTerm, KrispConfigError, SessionConfig


def test_the_transcript_flags_are_always_sent_explicitly():
    message = SessionConfig("en-US", "es-ES", "male", interim=False).to_message()
    assert message["config"]["transcript"] == {"interim": False, "final": True, "translate": True}


def test_the_message_has_the_reference_shape():
    config = SessionConfig(
        "en-US",
        "fr-FR",
        "female",
        vocabulary=("Krisp", " copay "),
        translation_dictionary=(DictionaryTerm("email", "courriel"),),
        background_voice_cancellation=True,
        reference_id="abc-1",
    )
    assert config.to_message() == {
        "config": {
            "audio": {"format": "pcm_s16le", "sample_rate": 16000, "channels": 1},
            "source_language": "en-US",
            "target_language": "fr-FR",
            "voice": "female",
            "vocabulary": ["Krisp", "copay"],
            "translation_dictionary": [{"source": "email", "target": "courriel"}],
            "transcript": {"interim": True, "final": True, "translate": True},
            "features": {"background_voice_cancellation": True},
            "metadata": {"reference_id": "abc-1"},
        }
    }


def test_optional_parts_are_left_out_when_empty():
    config = SessionConfig("en-US", "es-ES", "male").to_message()["config"]
    assert not {"vocabulary", "translation_dictionary", "features", "metadata"} & set(config)


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"source_language": "english"}, "source_language must be a BCP-47 code"),
        ({"target_language": "es_ES"}, "target_language must be a BCP-47 code"),
        ({"voice": "robot"}, "voice must be 'male' or 'female'"),
        ({"vocabulary": ("four words are here",)}, "at most 3 words"),
        ({"vocabulary": ("x" * 121,)}, "at most 120 characters"),
        ({"vocabulary": ("a1b2c3",)}, "at most 2 digits"),
        ({"vocabulary": ("semi;colon",)}, "may contain only letters"),
        ({"vocabulary": ("Krisp", "krisp")}, "is repeated"),
        ({"translation_dictionary": (DictionaryTerm("ok", ""),)}, "must not be empty"),
        (
            {"translation_dictionary": (DictionaryTerm("a", "b"), DictionaryTerm("A", "c"))},
            "is repeated",
        ),
        ({"reference_id": "has space"}, "reference_id"),
        ({"reference_id": "x" * 129}, "reference_id"),
    ],
)
def test_it_refuses_a_config_krisp_would_refuse(kwargs, problem):
    base = {"source_language": "en-US", "target_language": "es-ES", "voice": "male"}
    config = SessionConfig(**(base | kwargs))
    with pytest.raises(KrispConfigError) as raised:
        config.validate()
    assert problem in raised.value.description
    assert raised.value.permanent
