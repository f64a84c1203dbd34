import pytest


@pytest.fixture(autouse=True)
def fresh_limits(settings):
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_repeated_failed_logins_are_refused_with_a_clear_page(client, alice):
    statuses = [
        client.post("/login/", {"username": "alice", "password": f"guess {n}"}).status_code
        for n in range(12)
    ]

    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429, 429]
    page = client.post("/login/", {"username": "alice", "password": "x"}).content.decode()
    assert "Too many attempts" in page


def test_looking_at_the_login_page_is_never_limited(client, db):
    assert {client.get("/login/").status_code for _ in range(15)} == {200}
