from django.contrib.auth import get_user_model

from accounts.models import Account, Membership


def test_it_creates_a_user_a_personal_account_and_an_owner_membership(client, db):
    response = client.post(
        "/signup/",
        {
            "username": "dana",
            "email": "dana@example.com",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
            "account_name": "Dana's clinic",
        },
    )

    assert response.status_code == 302
    user = get_user_model().objects.get(username="dana")
    membership = Membership.objects.get(user=user)
    assert membership.role == Membership.Role.OWNER
    assert membership.account.name == "Dana's clinic"
    assert client.get("/").context["user"] == user


def test_it_names_the_account_after_the_user_when_no_name_is_given(client, db):
    client.post(
        "/signup/",
        {
            "username": "eve",
            "email": "eve@example.com",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
        },
    )

    assert Account.objects.get().name == "eve's team"


def test_it_shows_field_errors_and_creates_nothing_on_bad_input(client, alice):
    response = client.post(
        "/signup/",
        {"username": "x", "email": "alice@example.com", "password1": "a", "password2": "b"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "An account with this e-mail address already exists." in page
    assert "didn’t match" in page or "didn't match" in page
    assert not get_user_model().objects.filter(username="x").exists()
