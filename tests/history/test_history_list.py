"""The history list: newest first, with counts and first lines, filters and pages."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import T0

# Only sessions in which something was said are listed.
SAID = [(0, 1000, "Hello.", "Hola.")]


def listed(response) -> list[str]:
    return [session.title for session in response.context["page"]]


def test_it_lists_the_users_sessions_newest_first(alice_client, make_session, alice, alpha):
    make_session(alice, alpha, title="Older", started_at=T0 - timedelta(days=2), lines=SAID)
    make_session(alice, alpha, title="Newer", started_at=T0, lines=SAID)

    response = alice_client.get("/history/")

    assert response.status_code == 200
    assert listed(response) == ["Newer", "Older"]


def test_each_row_has_the_utterance_count_and_the_first_line(alice_client, alice_session):
    response = alice_client.get("/history/")

    session = response.context["page"][0]
    assert session.utterance_count == 2
    assert session.first_said == "Good morning, everyone."
    html = response.content.decode()
    assert "Good morning, everyone." in html
    assert "en-US → es-ES" in html
    assert "30 min" in html


def test_it_runs_the_same_number_of_queries_for_many_sessions(
    alice_client, make_session, alice, alpha, django_assert_max_num_queries
):
    for n in range(30):
        make_session(alice, alpha, title=f"S{n}", lines=[(0, 500, f"line {n}", f"línea {n}")])

    with django_assert_max_num_queries(12):
        response = alice_client.get("/history/")

    assert len(response.context["page"]) == 25


def test_it_pages_through_older_sessions(alice_client, make_session, alice, alpha):
    for n in range(27):
        make_session(
            alice, alpha, title=f"S{n:02d}", started_at=T0 + timedelta(minutes=n), lines=SAID
        )

    second = alice_client.get("/history/", {"page": 2})

    assert listed(second) == ["S01", "S00"]


def test_a_member_sees_only_their_own_sessions(carol_client, alice_session, carol_session):
    response = carol_client.get("/history/", {"scope": "account"})

    assert listed(response) == ["Carol's call"]
    assert "Show the whole account" not in response.content.decode()


def test_an_owner_sees_their_own_by_default_and_can_switch_to_the_whole_account(
    alice_client, alice_session, carol_session
):
    assert listed(alice_client.get("/history/")) == ["Budget review"]

    whole = alice_client.get("/history/", {"scope": "account"})

    assert sorted(listed(whole)) == ["Budget review", "Carol's call"]
    assert "carol" in whole.content.decode()


def test_it_filters_by_language_pair(alice_client, make_session, alice, alpha):
    make_session(alice, alpha, title="To Spanish", lines=SAID)
    make_session(alice, alpha, title="To German", target_language="de-DE", lines=SAID)

    response = alice_client.get("/history/", {"pair": "en-US>de-DE"})

    assert listed(response) == ["To German"]


def test_it_filters_by_date_range(alice_client, make_session, alice, alpha):
    for day in (1, 10, 20):
        make_session(alice, alpha, title=f"Day {day}", started_at=T0.replace(day=day), lines=SAID)

    response = alice_client.get("/history/", {"since": "2026-11-05", "until": "2026-11-10"})

    assert listed(response) == ["Day 10"]


def test_an_unknown_pair_is_ignored_with_an_error_not_a_crash(alice_client, alice_session):
    response = alice_client.get("/history/", {"pair": "xx>yy"})

    assert response.status_code == 200
    assert response.context["form"].errors["pair"]


def test_an_empty_history_says_so(alice_client):
    assert "No sessions yet." in alice_client.get("/history/").content.decode()


def test_an_invalid_filter_does_not_switch_off_the_search(alice_client, alice_session):
    response = alice_client.get("/history/", {"pair": "xx>yy", "q": "nothing-like-this"})

    assert listed(response) == []
