"""Who may read the audit trail. Core knows no role: the accounts app tells it, from its AppConfig.ready(), with
`set_history_reader()`. Until then only active administrators (`is_staff`) may read it."""


def _administrators_only(user):
    return user.is_authenticated and user.is_active and user.is_staff


_history_reader = _administrators_only


def set_history_reader(predicate):
    global _history_reader
    _history_reader = predicate


def can_read_history(user):
    """Whether `user` may read the history: the predicate registered by the accounts app (coordinators and
    administrators)."""
    return _history_reader(user)
