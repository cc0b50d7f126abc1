from io import StringIO

from django.core.management import call_command


def test_no_missing_migrations():
    """Like Django's own test suite: models and migrations agree."""
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())
    except SystemExit as exit_:
        raise AssertionError(f"Migrations manquantes :\n{out.getvalue()}") from exit_
