"""What the URL walker (tests/site_map.py) needs to request the pages of accounts."""

from accounts.models import Organization
from tests.accounts.factories import InvitationFactory, OrganizationFactory
from tests.roles import ANONYMOUS


def _organization_of(user):
    organization = Organization.objects.filter(memberships__user=user).first() if user else None
    return {"pk": (organization or OrganizationFactory(partner=True)).pk}


SAMPLES = {
    "accounts:organization_detail": _organization_of,
    "accounts:organization_edit": _organization_of,
    "accounts:invitation_accept": lambda user: {"token": InvitationFactory().token},
    "accounts:password_reset_confirm": lambda user: {"uidb64": "MQ", "token": "lien-invalide"},
}

PUBLIC = {
    "accounts:password_reset": "mot de passe oublié",
    "accounts:password_reset_done": "mot de passe oublié : e-mail envoyé",
    "accounts:password_reset_confirm": "mot de passe oublié : lien reçu par e-mail",
    "accounts:password_reset_complete": "mot de passe oublié : terminé",
    "accounts:invitation_accept": "lien d'invitation reçu par e-mail (la personne n'a pas encore de compte)",
    "accounts:invitation_renewal": "demande d'une nouvelle invitation depuis un lien expiré",
}

STATUS_ONLY = {"accounts:my_data": "fichier JSON téléchargé (droit d'accès)"}

SKIP = {
    "accounts:membership_remove": "POST seulement",
    "accounts:invitation_revoke": "POST seulement",
    "accounts:invitation_resend": "POST seulement",
}

EXPECTED_STATUS = {
    # Verified sessions and users without a device are sent on (to `next` or to the setup page).
    "accounts:otp_verify": {"*": {302}},
    # The sample invitation is addressed to someone else than the logged-in user.
    "accounts:invitation_accept": {ANONYMOUS: {200}, "*": {403}},
}
