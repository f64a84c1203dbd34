"""Entries follow Krisp's rules exactly (only letters, digits, spaces and . ! ? & -), and a
name the rules refuse only for a common name character is answered with the nearest form
they allow."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from glossaries.validators import validate_krisp_entry

from .importing import csv_file, preview


@pytest.mark.parametrize(
    ("name", "kinds", "nearest"),
    [
        ("O'Brien", "apostrophes", "OBrien"),
        ("McDonald’s", "apostrophes", "McDonalds"),
        ("Jean–Luc", "dashes other than -", "Jean-Luc"),
        ("Gal·la", "middle dots", "Galla"),
        ("Smith, Jr.", "commas", "Smith Jr."),
        ("D’Arcy–Smith", "apostrophes and dashes other than -", "DArcy-Smith"),
    ],
)
def test_a_name_with_a_character_the_rules_refuse_gets_the_nearest_allowed_form(
    name, kinds, nearest
):
    with pytest.raises(ValidationError) as refused:
        validate_krisp_entry(name)

    message = refused.value.messages[0]
    assert "may contain only letters, digits, spaces and . ! ? & -" in message
    assert f"{kinds} aren’t allowed in Krisp’s glossaries, so write “{nearest}”" in message
    validate_krisp_entry(nearest)


@pytest.mark.parametrize("term", ["C++", "O'Brien & Co. 1.2", "semi;colon", "x'" + "y" * 120])
def test_no_form_is_suggested_when_it_would_still_break_the_rules(term):
    with pytest.raises(ValidationError) as refused:
        validate_krisp_entry(term)

    assert "so write" not in refused.value.messages[0]


@pytest.mark.parametrize(
    "term", ["Zoë", "São Paulo", "日本語", "R&D", "C-3PO", "Dr. No!", "x" * 120, "Jean-Luc"]
)
def test_what_the_rules_allow_is_accepted(term):
    validate_krisp_entry(term)


def test_the_vocabulary_editor_says_it_line_by_line(alice_client, alpha, make_glossary):
    glossary = make_glossary(alpha)

    response = alice_client.post(
        reverse("glossary_vocabulary", args=[glossary.pk]), {"text": "O'Brien\nMRI\n"}
    )

    (error,) = response.context["form"].line_errors
    assert error.line == 1
    assert "so write “OBrien”" in error.message
    assert not glossary.vocabulary.exists()


def test_a_decomposed_accent_is_composed_and_accepted(alice_client, alpha, make_glossary):
    glossary = make_glossary(alpha)

    alice_client.post(reverse("glossary_vocabulary", args=[glossary.pk]), {"text": "Jose\u0301\n"})

    assert list(glossary.vocabulary.values_list("term", flat=True)) == ["José"]


def test_the_admin_import_says_it_per_row(staff_alice_client, alpha, make_glossary):
    make_glossary(alpha, name="Medical")

    response = preview(
        staff_alice_client,
        "vocabularyterm",
        csv_file(["glossary", "term"], [["Medical", "McDonald's"]]),
    )

    (row,) = response.context["result"].invalid_rows
    assert "so write “McDonalds”" in " ".join(row.error_dict["term"])
