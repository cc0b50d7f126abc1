from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from accounts.models import LoginFailure


def test_purge_is_a_dry_run_unless_told_and_keeps_recent_failures(capsys):
    old = LoginFailure.objects.create(email="a@example.org", ip_address="127.0.0.1")
    LoginFailure.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=30))
    LoginFailure.objects.create(email="b@example.org")

    call_command("purge_login_failures")
    assert LoginFailure.objects.count() == 2
    assert "1 échec(s) de connexion seraient effacés" in capsys.readouterr().out

    call_command("purge_login_failures", "--wet-run")
    assert list(LoginFailure.objects.values_list("email", flat=True)) == ["b@example.org"]

    call_command("purge_login_failures", "--wet-run")  # idempotent
    assert LoginFailure.objects.count() == 1
