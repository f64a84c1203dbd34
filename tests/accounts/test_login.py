from tests.conftest import PASSWORD


def test_a_user_logs_in_and_sees_their_account(client, alice):
    response = client.post("/login/", {"username": "alice", "password": PASSWORD}, follow=True)

    assert response.context["user"] == alice
    assert "Alpha" in response.content.decode()


def test_a_wrong_password_is_refused_with_a_message(client, alice):
    response = client.post("/login/", {"username": "alice", "password": "nope"})

    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert "Please enter a correct username and password" in response.content.decode()


def test_logging_out_ends_the_session(alice_client):
    response = alice_client.post("/logout/", follow=True)

    assert not response.context["user"].is_authenticated
    assert alice_client.get("/").status_code == 302


def test_pages_need_a_login(client, db):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_password_reset_sends_an_email(client, alice, mailoutbox):
    client.post("/password/reset/", {"email": "alice@example.com"})

    assert len(mailoutbox) == 1
    assert "/password/reset/" in mailoutbox[0].body


def test_a_user_changes_their_password(alice_client, alice):
    response = alice_client.post(
        "/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase 7",
            "new_password2": "another long passphrase 7",
        },
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("another long passphrase 7")
