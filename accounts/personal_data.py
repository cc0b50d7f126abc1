"""The account holder's rights over their own data (RGPD): access and export, erasure by anonymisation, and the
anonymisation of accounts unused past the retention period. Legal basis of account data: the public-interest mission
of the operator (article 6-1-e), stated on the « Données personnelles » page."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Invitation, LoginFailure, User
from core.history import record
from core.models import HistoryEntry

ANONYMOUS_DOMAIN = "anonyme.invalid"


def export_user_data(user):
    """Everything the platform holds about `user` as an account holder, as a JSON-ready dict."""
    history = HistoryEntry.objects.filter(Q(actor=user) | Q(content_type__model="user", object_id=str(user.pk)))
    return {
        "compte": {
            "adresse_e_mail": user.email,
            "prenom": user.first_name,
            "nom": user.last_name,
            "telephone": user.phone,
            "actif": user.is_active,
            "inscrit_le": user.date_joined.isoformat(),
            "derniere_connexion": user.last_login.isoformat() if user.last_login else None,
            "double_authentification": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        },
        "roles": [
            {"organisation": m.organization.name, "role": m.get_role_display(), "depuis_le": m.created_at.isoformat()}
            for m in user.memberships.select_related("organization")
        ],
        "invitations_recues": [
            {"organisation": i.organization.name, "role": i.get_role_display(), "envoyee_le": i.created_at.isoformat()}
            for i in Invitation.objects.filter(email__iexact=user.email).select_related("organization")
        ],
        "echecs_de_connexion": [
            {"date": f.created_at.isoformat(), "adresse_ip": f.ip_address}
            for f in LoginFailure.objects.filter(email__iexact=user.email)
        ],
        "historique": [
            {
                "date": e.created_at.isoformat(),
                "action": e.action,
                "objet": e.object_label,
                "auteur": e.actor_label,
                "modifications": e.changes,
            }
            for e in history.order_by("created_at")
        ],
    }


@transaction.atomic
def anonymize_user(user, *, acting_user, reason=""):
    """Erase the person behind an account and keep the account's traces anonymous: the history still says that
    « a deleted account » did something, never who. The account can no longer log in; its roles are removed."""
    label = f"Compte supprimé n° {user.pk}"
    email = user.email
    HistoryEntry.objects.filter(actor=user).update(actor_label=label)
    HistoryEntry.objects.filter(content_type__model="user", object_id=str(user.pk)).update(object_label=label)
    LoginFailure.objects.filter(email__iexact=email).delete()
    Invitation.objects.filter(email__iexact=email).update(email=f"invitation-{user.pk}@{ANONYMOUS_DOMAIN}")
    TOTPDevice.objects.filter(user=user).delete()
    user.memberships.all().delete()
    user.email = f"compte-{user.pk}@{ANONYMOUS_DOMAIN}"
    user.first_name = user.last_name = user.phone = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    record(user, "user_anonymized", acting_user=acting_user, message=reason)
    return user


def inactive_accounts(*, now=None):
    """Accounts not used for `ACCOUNT_RETENTION_MONTHS` (no login, or never logged in since created), not yet
    anonymised."""
    now = now or timezone.now()
    limit = now - timedelta(days=30 * settings.ACCOUNT_RETENTION_MONTHS)
    unused = Q(last_login__lt=limit) | Q(last_login__isnull=True, date_joined__lt=limit)
    return User.objects.filter(unused).exclude(email__endswith=f"@{ANONYMOUS_DOMAIN}")
