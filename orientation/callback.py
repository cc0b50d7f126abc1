"""« Être rappelé »: the public request becomes a person record and a referral « au réseau » that the coordination
dispatches like any other (`referrals.services.receive_callback_request`); the person gets a confirmation with the
request's reference, by SMS when the phone is a mobile and by e-mail when one was given.

Nothing is sent for a request that was rolled back: the confirmations are queued after commit."""

from django.conf import settings
from django.db import transaction

from accounts import tasks
from accounts.emails import send_after_commit
from core.sms import normalize_phone
from orientation.guide import NEEDS_BY_CODE, moment_labels
from people.models import Consent
from people.services import register_person_from_public_form
from referrals.ranking import services_for_needs
from referrals.services import receive_callback_request


@transaction.atomic
def request_callback(*, first_name, phone, email, commune, need, moments):
    """Record the request; returns the referral (its `reference` is what the person keeps)."""
    person = register_person_from_public_form(
        first_name=first_name,
        phone=phone,
        email=email,
        commune=commune,
        consent_purposes=[Consent.Purpose.ACCOMPANIMENT, Consent.Purpose.CONTACT],
    )
    label = NEEDS_BY_CODE[need].label
    referral = receive_callback_request(
        person=person,
        needs=services_for_needs(NEEDS_BY_CODE[need].services),
        availability=moments,
        free_text=f"Demande faite sur le site public. Besoin : « {label} ».",
    )
    _confirm(referral, phone=phone, email=email, need_label=label, moments=moments)
    return referral


def _confirm(referral, *, phone, email, need_label, moments):
    delay = settings.REFERRAL_REMINDER_WORKING_DAYS
    mobile = normalize_phone(phone)
    if mobile:
        text = (
            f"{settings.PLATFORM_NAME} : demande n° {referral.reference} reçue. "
            f"Nous vous appelons dans les {delay} jours ouvrés."
        )
        transaction.on_commit(lambda: tasks.send_sms.enqueue(to=mobile, text=text))
    if email:
        when = ", ".join(moment_labels(moments)) or "en journée, du lundi au vendredi"
        lines = [
            "Bonjour,",
            "",
            "Nous avons bien reçu votre demande. Quelqu'un du réseau va vous appeler.",
            "",
            f"Numéro de votre demande : {referral.reference}",
            f"Votre besoin : {need_label}",
            f"Quand vous appeler : {when}",
            f"Délai : dans les {delay} jours ouvrés.",
            "",
            "Si vous ne voulez plus être appelé, répondez à ce message.",
            "",
            "—",
            settings.PLATFORM_NAME,
        ]
        send_after_commit(
            subject=f"Votre demande n° {referral.reference} — {settings.PLATFORM_NAME}",
            body="\n".join(lines) + "\n",
            recipient_list=[email],
        )
