import logging

from interpreter.log_redaction import MASK, RedactSecretsFilter, redact


def test_it_masks_api_keys_in_every_spelling():
    for text in [
        "GET /token Authorization: api-key sk_live_123456",
        "Authorization: API-Key sk_live_123456",
        "wss://streaming.krisp.ai/vt?authorization=Api-Key%20sk_live_123456",
        '{"session_key": "sk_live_123456"}',
    ]:
        assert "sk_live_123456" not in redact(text), text
        assert MASK in redact(text)


def test_it_masks_a_configured_secret_wherever_it_appears():
    assert redact("failed with key abcdef123 in url", ("abcdef123",)) == (
        f"failed with key {MASK} in url"
    )


def test_the_filter_rewrites_messages_and_tracebacks(caplog):
    logger = logging.getLogger("test.redaction")
    handler = logging.Handler()
    records = []
    handler.emit = records.append
    handler.addFilter(RedactSecretsFilter(("topsecret-key",)))
    logger.addHandler(handler)
    try:
        logger.warning("connecting with %s", "topsecret-key")
        try:
            raise RuntimeError("bad key topsecret-key")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)

    assert records[0].getMessage() == f"connecting with {MASK}"
    assert "topsecret-key" not in records[1].exc_text
