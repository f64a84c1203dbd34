"""Pasted text is read line by line; every bad line is reported with its number and problem."""

from __future__ import annotations

from glossaries.models import MAX_TERMS_PER_GLOSSARY
from glossaries.services import ParsedEntry, parse_dictionary_lines, parse_vocabulary_lines


def test_it_reads_one_vocabulary_term_per_line_skipping_blank_lines():
    terms, errors = parse_vocabulary_lines("Krisp\n\n  Acme   Corp \r\nWi-Fi\n")

    assert terms == ["Krisp", "Acme Corp", "Wi-Fi"]
    assert errors == []


def test_it_reports_each_bad_vocabulary_line_by_number():
    text = "good term\nfour words is too\nbad@sign\nFine"

    terms, errors = parse_vocabulary_lines(text)

    assert [(e.line, e.text) for e in errors] == [(2, "four words is too"), (3, "bad@sign")]
    assert "at most 3 words" in errors[0].message
    assert "only letters, digits, spaces" in errors[1].message
    assert terms == ["good term", "Fine"]


def test_it_flags_a_repeated_term_ignoring_case():
    _, errors = parse_vocabulary_lines("Acme\nacme\nACME")

    assert [e.line for e in errors] == [2, 3]
    assert all("repeats line 1" in e.message for e in errors)


def test_it_reads_source_equals_target_lines_with_an_optional_note():
    entries, errors = parse_dictionary_lines("heart attack = infarto\nstroke = ictus # clinical\n")

    assert errors == []
    assert entries == [
        ParsedEntry("heart attack", "infarto"),
        ParsedEntry("stroke", "ictus", "clinical"),
    ]


def test_it_reports_a_dictionary_line_without_an_equals_sign():
    _, errors = parse_dictionary_lines("heart attack infarto")

    assert errors[0].line == 1
    assert "source = target" in errors[0].message


def test_it_says_which_side_of_a_dictionary_line_is_bad():
    _, errors = parse_dictionary_lines("ok = \n 1.2.3 = fine")

    assert [e.line for e in errors] == [1, 2]
    assert errors[0].message == "The target must not be empty."
    assert errors[1].message.startswith("The source may contain at most 2 digits")


def test_it_flags_a_repeated_dictionary_source_ignoring_case():
    _, errors = parse_dictionary_lines("Stroke = ictus\n\nstroke = apoplejía")

    assert [(e.line, e.message) for e in errors] == [(3, "The source “stroke” repeats line 1.")]


def test_it_reports_lines_past_the_per_glossary_limit():
    text = "\n".join(
        f"term {chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676)}"
        for i in range(MAX_TERMS_PER_GLOSSARY + 2)
    )

    _, errors = parse_vocabulary_lines(text)

    assert len(errors) == 1
    assert errors[0].line == MAX_TERMS_PER_GLOSSARY + 1
    assert "remove 2 lines" in errors[0].message
