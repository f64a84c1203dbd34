"""Pasting a vocabulary or dictionary: all lines good replaces the terms, one bad saves nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.fixture
def glossary(make_glossary, alpha):
    return make_glossary(alpha, terms=["MRI", "ECG"], entries=[("stroke", "ictus")])


def test_the_editor_starts_from_the_current_terms(alice_client, glossary):
    vocabulary = alice_client.get(reverse("glossary_vocabulary", args=[glossary.pk]))
    dictionary = alice_client.get(reverse("glossary_dictionary", args=[glossary.pk]))

    assert vocabulary.context["form"]["text"].value() == "ECG\nMRI"
    assert dictionary.context["form"]["text"].value() == "stroke = ictus"
    assert 'name="csrfmiddlewaretoken"' in vocabulary.content.decode()


def test_a_good_paste_replaces_the_vocabulary(alice_client, glossary):
    response = alice_client.post(
        reverse("glossary_vocabulary", args=[glossary.pk]), {"text": "CT scan\n\nMRI\n"}
    )

    assert response.status_code == 302
    assert glossary.snapshot()["vocabulary"] == ["CT scan", "MRI"]


def test_a_good_paste_replaces_the_dictionary(alice_client, glossary):
    alice_client.post(
        reverse("glossary_dictionary", args=[glossary.pk]),
        {"text": "heart attack = infarto # not ataque\nstroke = accidente"},
    )

    assert list(glossary.dictionary.values_list("source", "target", "note")) == [
        ("heart attack", "infarto", "not ataque"),
        ("stroke", "accidente", ""),
    ]


def test_a_paste_with_a_bad_line_saves_nothing_and_says_which_lines(alice_client, glossary):
    text = "CT scan\nfour words is too\nCT SCAN\nok"

    response = alice_client.post(reverse("glossary_vocabulary", args=[glossary.pk]), {"text": text})

    assert response.status_code == 200
    errors = response.context["form"].line_errors
    assert [error.line for error in errors] == [2, 3]
    html = response.content.decode()
    assert "2 lines need fixing; nothing was saved." in html
    assert "repeats line 1" in html
    assert "four words is too" in html  # the paste is kept for fixing
    assert glossary.snapshot()["vocabulary"] == ["ECG", "MRI"]


def test_an_empty_paste_empties_the_dictionary(alice_client, glossary):
    alice_client.post(reverse("glossary_dictionary", args=[glossary.pk]), {"text": ""})

    assert glossary.dictionary.count() == 0
