"""A download is named after the session's title and its start time, so that a day's files
don't overwrite each other, and the name is safe on every common system."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.test import override_settings

from interpreter.exports import file_name, name_part
from tests.conftest import T0

SAID = [(0, 1000, "Good morning.", "Buenos días.")]
# Characters Windows refuses in a file name, besides control characters.
WINDOWS_REFUSES = set('<>:"/\\|?*')


def named(response) -> str:
    """The file name a browser saves the download under."""
    header = response["Content-Disposition"]
    encoded = re.search(r"filename\*=utf-8''(\S+)", header)
    return unquote(encoded.group(1)) if encoded else re.search(r'filename="(.*)"', header)[1]


def download_links(html: str) -> list[str]:
    return [href.replace("&amp;", "&") for href in re.findall(r'<a href="([^"]+)" download>', html)]


def test_every_download_on_the_session_page_is_named_after_the_title_and_time(
    alice_client, alice_session
):
    links = download_links(alice_client.get(f"/history/{alice_session.pk}/").content.decode())

    names = [named(alice_client.get(link)) for link in links]

    assert len(links) == 11
    assert sorted(names) == [
        "Budget-review_2026-11-18_09-30.csv",
        "Budget-review_2026-11-18_09-30.json",
        "Budget-review_2026-11-18_09-30.srt",
        "Budget-review_2026-11-18_09-30.txt",
        "Budget-review_2026-11-18_09-30.vtt",
        "Budget-review_2026-11-18_09-30_en-US.srt",
        "Budget-review_2026-11-18_09-30_en-US.txt",
        "Budget-review_2026-11-18_09-30_en-US.vtt",
        "Budget-review_2026-11-18_09-30_es-ES.srt",
        "Budget-review_2026-11-18_09-30_es-ES.txt",
        "Budget-review_2026-11-18_09-30_es-ES.vtt",
    ]


@pytest.mark.parametrize("fmt", ["txt", "srt", "vtt", "json", "csv"])
def test_two_sessions_of_one_day_with_one_title_get_different_names(
    alice_client, make_session, alice, alpha, fmt
):
    morning = make_session(alice, alpha, title="Standup", lines=SAID)
    afternoon = make_session(
        alice, alpha, title="Standup", started_at=T0 + timedelta(hours=5, minutes=2), lines=SAID
    )

    names = [
        named(alice_client.get(f"/history/{session.pk}/export/{fmt}/"))
        for session in (morning, afternoon)
    ]

    assert names == [f"Standup_2026-11-18_09-30.{fmt}", f"Standup_2026-11-18_14-32.{fmt}"]


def test_an_untitled_session_is_named_after_the_first_words_said(
    alice_client, make_session, alice, alpha
):
    session = make_session(alice, alpha, lines=[(0, 900, "Welcome, everyone, to Q3!", "")])

    response = alice_client.get(f"/history/{session.pk}/export/srt/", {"text": "source"})

    assert named(response) == "Welcome-everyone-to-Q3_2026-11-18_09-30_en-US.srt"


@override_settings(TIME_ZONE="America/New_York")
def test_the_time_is_the_one_the_pages_show(alice_client, alice_session):
    page = alice_client.get(f"/history/{alice_session.pk}/").content.decode()
    response = alice_client.get(f"/history/{alice_session.pk}/export/json/")

    assert "2026-11-18 04:30" in page
    assert named(response) == "Budget-review_2026-11-18_04-30.json"


@pytest.mark.parametrize(
    "title",
    [
        "../../etc/passwd \"quoted\" 'single'",
        "C:\\Users\\me\\notes <draft>|final?*",
        "line\r\nbreak\ttab\x07bell\x1b[31mred",
        "right\u202eto\u200bleft\ufeff",
        "...hidden",
        "CON",
        "Réunion d’équipe — 会议 — हिन्दी बैठक",
        "会議" * 100,
        "x" * 200,
    ],
)
def test_any_title_gives_a_name_safe_on_every_system(
    alice_client, make_session, alice, alpha, title
):
    session = make_session(alice, alpha, title=title, lines=SAID)

    name = named(alice_client.get(f"/history/{session.pk}/export/vtt/", {"text": "target"}))

    assert name.endswith("_2026-11-18_09-30_es-ES.vtt")
    assert not set(name) & WINDOWS_REFUSES
    assert not any(unicodedata.category(ch)[0] in "CZ" for ch in name), repr(name)
    assert not name.startswith((".", "-", "_"))
    assert len(name.encode()) <= 180
    assert name.split("_")[0] != ""


def test_letters_of_any_script_keep_their_marks():
    assert name_part("हिन्दी बैठक") == "हिन्दी-बैठक"
    assert name_part("Réunion d’équipe") == "Réunion-d-équipe"


def test_a_long_title_is_cut_between_words():
    title = "Quarterly planning with the regional sales teams and the product leads " * 2

    assert name_part(title) == "Quarterly-planning-with-the-regional-sales-teams-and-the"


def test_a_title_with_nothing_usable_is_named_session():
    assert file_name("?!/ …", T0, "txt") == "session_2026-11-18_09-30.txt"
