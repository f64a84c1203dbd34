from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from accounts.models import Account, Membership


def test_createaccount_makes_an_account_and_its_owner(db):
    out = StringIO()

    call_command("createaccount", "Acme Corp", owner="olga", password="pw-olga-123", stdout=out)

    account = Account.objects.get(slug="acme-corp")
    assert account.role_of(get_user_model().objects.get(username="olga")) == Membership.Role.OWNER
    assert "acme-corp" in out.getvalue()


def test_demo_login_is_created_once_and_printed_every_time(db, settings, tmp_path, monkeypatch):
    from accounts.management.commands import demo_login

    monkeypatch.setattr(demo_login, "CREDENTIALS_FILE", tmp_path / "demo-login.txt")
    first, second = StringIO(), StringIO()

    call_command("demo_login", stdout=first)
    call_command("demo_login", stdout=second)

    assert first.getvalue() == second.getvalue()
    username, password = first.getvalue().split("username ")[1].split("  password ")
    user = get_user_model().objects.get(username=username)
    assert user.check_password(password.strip())
    assert get_user_model().objects.count() == 1
