"""Krisp's entry rules, as every way into a glossary enforces them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from glossaries.validators import validate_krisp_entry


@pytest.mark.parametrize(
    "term",
    ["a", "x" * 120, "three word term", "R&D", "Q3", "Hello!", "señal", "Dr. Who"],
)
def test_it_accepts_a_term_within_krisps_rules(term):
    validate_krisp_entry(term)


@pytest.mark.parametrize(
    ("term", "problem"),
    [
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        ("x" * 121, "at most 120 characters"),
        ("one two three four", "at most 3 words"),
        ("2024", "at most 2 digits"),
        ("a.b.c.d", "at most 2 digits"),
        ("C++", "only letters, digits, spaces"),
        ("semi;colon", "only letters, digits, spaces"),
    ],
)
def test_it_rejects_a_term_krisp_would_refuse(term, problem):
    with pytest.raises(ValidationError) as raised:
        validate_krisp_entry(term)

    assert problem in raised.value.messages[0]
