"""A start the service can't honour is refused with a message, before anything is saved."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from interpreter.live import protocol
from interpreter.models import TranslationSession

from .conftest import START

pytestmark = pytest.mark.django_db(transaction=True)


async def refused(browser, message: str) -> list[dict]:
    """The messages up to the close, which must end with this fatal bad_request."""
    seen = await browser.until_closed()
    assert seen[-1] == {"type": "error", "code": "bad_request", "message": message, "fatal": True}
    assert not await TranslationSession.objects.aexists()
    return seen


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"target_language": "de-DE"}, protocol.PAIR_NOT_OFFERED),
        ({"source_language": "english"}, protocol.BAD_LANGUAGES),
        ({"target_language": None}, protocol.BAD_LANGUAGES),
        ({"target_language": "en-US"}, protocol.SAME_LANGUAGE),
        ({"voice": "robot"}, protocol.BAD_VOICE),
        ({"voice": None}, protocol.BAD_VOICE),
        ({"glossary": "1"}, protocol.GLOSSARY_UNAVAILABLE),
        ({"glossary": True}, protocol.GLOSSARY_UNAVAILABLE),
        ({"glossary": 999999}, protocol.GLOSSARY_UNAVAILABLE),
    ],
)
async def test_a_start_with_bad_choices_is_refused(
    fake, open_browser, alice_cookie, fields, message
):
    browser = await open_browser(alice_cookie)

    await browser.send({**START, **fields})

    await refused(browser, message)
    assert fake.connections == []


async def test_a_pair_the_service_does_not_translate_is_refused(fake, open_browser, alice_cookie):
    fake.languages = [
        {"name": "English", "language_code": "en-US", "translates_to": ["fr-FR"]},
        {"name": "Spanish", "language_code": "es-ES", "translates_to": ["en-US"]},
        {"name": "French", "language_code": "fr-FR", "translates_to": []},
    ]
    browser = await open_browser(alice_cookie)

    await browser.send(START)  # English to Spanish: both listed, but not a pair

    await refused(browser, protocol.PAIR_NOT_OFFERED)
    assert fake.connections == []


async def test_another_accounts_glossary_is_refused(
    fake, open_browser, alice_cookie, beta, make_glossary
):
    glossary = await sync_to_async(make_glossary)(beta, name="Beta terms", terms=["Secret"])
    browser = await open_browser(alice_cookie)

    await browser.send({**START, "glossary": glossary.pk})

    await refused(browser, "That glossary isn't available.")
    assert fake.connections == []


async def test_a_glossary_for_another_language_pair_is_refused(
    fake, open_browser, alice_cookie, alpha, make_glossary
):
    glossary = await sync_to_async(make_glossary)(alpha, target="fr-FR")
    browser = await open_browser(alice_cookie)

    await browser.send({**START, "glossary": glossary.pk})

    await refused(browser, protocol.GLOSSARY_UNAVAILABLE)


async def test_a_start_is_refused_when_the_language_list_cant_be_fetched(
    fake, open_browser, alice_cookie
):
    fake.languages_status = 503
    browser = await open_browser(alice_cookie)

    await browser.send(START)

    error = (await browser.until_closed())[-1]
    assert error["code"] == "service_unavailable"
    assert error["fatal"] is True
    assert error["message"] == "The translation service had a problem. Please try again."
    assert not await TranslationSession.objects.aexists()


@pytest.mark.parametrize(
    "text", ["{nope", "[1, 2]", '"start"', "null", '{"type": "dance"}', '{"kind": "start"}']
)
async def test_a_message_that_isnt_understood_is_refused_without_ending_anything(
    fake, open_browser, alice_cookie, text
):
    browser = await open_browser(alice_cookie)

    await browser.send(text)

    assert await browser.next() == {
        "type": "error",
        "code": "bad_request",
        "message": protocol.NOT_UNDERSTOOD,
        "fatal": False,
    }
    assert await browser.start()


async def test_a_second_start_is_refused_and_the_first_session_goes_on(
    fake, open_browser, alice_cookie
):
    browser = await open_browser(alice_cookie)
    await browser.start()

    await browser.send(START)

    error = await browser.expect("error")
    assert (error["code"], error["message"], error["fatal"]) == (
        "bad_request",
        protocol.ALREADY_STARTED,
        False,
    )
    assert await TranslationSession.objects.acount() == 1
    assert len(fake.connections) == 1
