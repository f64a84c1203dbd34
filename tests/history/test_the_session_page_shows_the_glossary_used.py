"""A session's page shows the glossary it was opened with, exactly as it was sent (its
vocabulary terms and dictionary entries, with counts), even after the glossary changed or
was deleted; a long one is collapsed."""

from __future__ import annotations

import re

from glossaries.models import DictionaryEntry, Glossary, VocabularyTerm
from rooms.models import Room

SAID = [(0, 1000, "The EBITDA rose.", "El EBITDA subió.")]


def make_glossary(
    account, terms=("EBITDA", "accounts payable"), entries=(("budget", "presupuesto"),)
):
    glossary = Glossary.objects.create(
        account=account, name="Finance terms", source_language="en-US", target_language="es-ES"
    )
    for term in terms:
        VocabularyTerm.objects.create(glossary=glossary, term=term)
    for source, target in entries:
        DictionaryEntry.objects.create(glossary=glossary, source=source, target=target)
    return glossary


def glossary_section(html: str) -> str:
    match = re.search(r'<section [^>]*id="session-glossary">(.*?)</section>', html, re.S)
    assert match, "the page has no glossary section"
    return re.sub(r"\s+", " ", match.group(1))


def test_it_lists_the_terms_and_entries_sent_with_their_counts(
    alice_client, make_session, alice, alpha
):
    glossary = make_glossary(alpha)
    session = make_session(
        alice, alpha, lines=SAID, glossary=glossary, glossary_snapshot=glossary.snapshot()
    )

    section = glossary_section(alice_client.get(f"/history/{session.pk}/").content.decode())

    assert (
        "“Finance terms”, as sent when the session started: "
        "2 vocabulary terms and 1 dictionary entry." in section
    )
    assert "<details open>" in section
    assert "<h3>Vocabulary (2)</h3>" in section
    assert "<li>EBITDA</li>" in section
    assert "<li>accounts payable</li>" in section
    assert "<h3>Dictionary (1)</h3>" in section
    assert '<td lang="en-US">budget</td><td lang="es-ES">presupuesto</td>' in section
    assert f'href="/glossaries/{glossary.pk}/"' in section


def test_it_shows_the_glossary_as_sent_not_as_edited_since(
    alice_client, make_session, alice, alpha
):
    glossary = make_glossary(alpha)
    session = make_session(
        alice, alpha, lines=SAID, glossary=glossary, glossary_snapshot=glossary.snapshot()
    )
    glossary.vocabulary.filter(term="EBITDA").delete()
    VocabularyTerm.objects.create(glossary=glossary, term="goodwill")

    section = glossary_section(alice_client.get(f"/history/{session.pk}/").content.decode())

    assert "<li>EBITDA</li>" in section
    assert "goodwill" not in section


def test_a_deleted_glossary_is_still_shown_as_it_was_sent(alice_client, make_session, alice, alpha):
    glossary = make_glossary(alpha)
    session = make_session(
        alice, alpha, lines=SAID, glossary=glossary, glossary_snapshot=glossary.snapshot()
    )
    glossary.delete()

    section = glossary_section(alice_client.get(f"/history/{session.pk}/").content.decode())

    assert "<li>accounts payable</li>" in section
    assert "/glossaries/" not in section


def test_a_long_glossary_is_collapsed(alice_client, make_session, alice, alpha):
    glossary = make_glossary(
        alpha,
        terms=[f"term {n:02d}" for n in range(30)],
        entries=[(f"word {n:02d}", f"palabra {n:02d}") for n in range(20)],
    )
    session = make_session(
        alice, alpha, lines=SAID, glossary=glossary, glossary_snapshot=glossary.snapshot()
    )

    section = glossary_section(alice_client.get(f"/history/{session.pk}/").content.decode())

    assert "30 vocabulary terms and 20 dictionary entries." in section
    assert "<details>" in section
    assert "<summary>Show the 30 terms and 20 entries</summary>" in section
    assert "<li>term 29</li>" in section


def test_a_session_without_a_glossary_says_so(alice_client, alice_session):
    section = glossary_section(alice_client.get(f"/history/{alice_session.pk}/").content.decode())

    assert "No glossary was used." in section
    assert "<details" not in section


def test_a_room_session_does_not_claim_it_had_no_glossary(alice_client, make_session, alice, alpha):
    room = Room.objects.create(
        account=alpha, owner=alice, name="Town hall", source_language="en-US"
    )
    session = make_session(alice, alpha, lines=SAID, room=room)

    section = glossary_section(alice_client.get(f"/history/{session.pk}/").content.decode())

    assert "No glossary was used." not in section
    assert "a glossary per listeners’ language; they are not saved with the session" in section


def test_terms_are_escaped(alice_client, make_session, alice, alpha):
    snapshot = {
        "name": "<b>Odd</b>",
        "vocabulary": ["<script>x</script>"],
        "translation_dictionary": [{"source": "a&b", "target": "<i>"}],
    }
    session = make_session(alice, alpha, lines=SAID, glossary_snapshot=snapshot)

    section = glossary_section(alice_client.get(f"/history/{session.pk}/").content.decode())

    assert "<script>" not in section
    assert "&lt;script&gt;x&lt;/script&gt;" in section
    assert "“&lt;b&gt;Odd&lt;/b&gt;”" in section
