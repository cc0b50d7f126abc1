"""Demo referrals: the demo prescriber (a CCAS) sends thirteen fictional persons to the places run by the demo
mediator's organisation (a médiathèque), one in every status, plus two « au réseau » (one still to dispatch, one
dispatched by the coordination). Everything goes through `referrals.services`, so each referral has its transitions
and history rows with the demo users as actors. Each step runs on a demo clock set some days back (`demo.clock`),
so that response times and « sans réponse depuis » look like a month of real work."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from demo.clock import demo_clock
from people.models import Consent
from people.services import create_person
from places.models import Place
from referrals import services
from referrals.models import Referral

ADMIN = "Aide aux démarches administratives"
TOOLS = "Maîtrise des outils numériques du quotidien"

# Fictional persons: (first name, last name, phone in ARCEP's range kept for fiction, specific needs).
PERSONS = [
    ("Josiane", "Lacombe", "+33639980101", []),
    ("Mehdi", "Haddad", "+33639980102", []),
    ("Ginette", "Fourcade", "+33639980103", ["sight"]),
    ("Kevin", "Delmas", "+33639980104", []),
    ("Aïcha", "Traoré", "+33639980105", ["language"]),
    ("Bernard", "Castagné", "+33639980106", ["hearing"]),
    ("Élodie", "Vergnes", "+33639980107", []),
    ("Raymond", "Pujol", "+33639980108", ["mobility"]),
    ("Samia", "Bouzid", "+33639980109", []),
    ("Lucien", "Marty", "+33639980110", []),
    ("Océane", "Roques", "+33639980111", []),
    ("Paulette", "Sabatier", "+33639980112", ["illiteracy"]),
    ("Yannick", "Ferrand", "+33639980113", []),
]


def create_referrals(*, prescriber_email="prescripteur@demo.test", mediator_email="mediation@demo.test"):
    """Seed the demo referrals once (nothing is done when the prescriber's organisation already sent some).
    Returns the number of referrals of the prescriber's organisation."""
    prescriber = User.objects.get(email=prescriber_email)
    mediator = User.objects.get(email=mediator_email)
    coordinator = User.objects.get(email="coordination@demo.test")
    sender = prescriber.memberships.select_related("organization").first().organization
    sent = Referral.objects.filter(prescriber_organization=sender)
    if sent.exists():
        return sent.count()
    home_organization = mediator.memberships.select_related("organization").first().organization
    published = Place.objects.published().select_related("commune")
    home = published.filter(organization=home_organization).order_by("pk").first()
    other = (
        published.exclude(organization=home_organization).filter(commune=home.commune).order_by("pk").first()
        or published.exclude(organization=home_organization).order_by("pk").first()
    )
    now = timezone.now()
    with demo_clock(now - timedelta(days=46)):
        people = iter(list(_persons(prescriber, sender, home.commune)))

    def on(days_ago, service, *args, **kwargs):
        with demo_clock(now - timedelta(days=days_ago)):
            return service(*args, **kwargs)

    def send(days_ago, *, place=home, needs=(ADMIN,), **extra):
        return on(
            days_ago,
            services.send_referral,
            acting_user=prescriber,
            person=next(people),
            prescriber_organization=sender,
            target_place=place,
            needs=list(needs),
            availability=["tu_morning", "th_afternoon"],
            **extra,
        )

    def start(referral, accepted_days_ago, appointment_days_ago):
        on(accepted_days_ago, services.accept_referral, referral, acting_user=mediator)
        appointment_at = (now - timedelta(days=appointment_days_ago)).replace(hour=9, minute=30, second=0)
        return on(
            accepted_days_ago, services.set_appointment, referral, acting_user=mediator, appointment_at=appointment_at
        )

    send(1, free_text="Doit déclarer ses revenus en ligne avant la fin du mois.")
    send(9, urgency=Referral.Urgency.URGENT, free_text="Dossier de retraite bloqué, rendez-vous à prendre en ligne.")
    on(1, services.start_review, send(3, needs=["email", TOOLS]), acting_user=mediator)
    accepted = send(6, needs=["banque_et_achats_en_ligne"])
    on(4, services.accept_referral, accepted, acting_user=mediator, note="Nous l'appelons cette semaine.")
    start(send(12, needs=["prendre_en_main_du_materiel"], contact_preference="sms"), 10, -3)
    for sent_days_ago, sessions, autonomy in [
        (28, 3, Referral.Autonomy.AUTONOMOUS),
        (45, 5, Referral.Autonomy.PARTLY),
    ]:
        closed = send(sent_days_ago, needs=[ADMIN, "sante"])
        start(closed, sent_days_ago - 2, sent_days_ago - 6)
        on(
            sent_days_ago - 20,
            services.close_referral,
            closed,
            acting_user=mediator,
            sessions_count=sessions,
            themes_covered=["sante", "aide_aux_demarches_administratives"],
            autonomy=autonomy,
        )
    declined = send(15, needs=["intelligence_artificielle"])
    on(
        13,
        services.decline_referral,
        declined,
        acting_user=mediator,
        reason=Referral.DeclineReason.FULL,
        details="Ateliers complets jusqu'en juin.",
    )
    on(10, services.expire_referral, send(40))
    cancelled = send(8)
    on(7, services.cancel_referral, cancelled, acting_user=prescriber, reason="Sa fille l'aide finalement.")
    if other is not None:
        transferred = send(5, needs=["insertion_professionnelle"])
        on(4, services.transfer_referral, transferred, acting_user=mediator, to_place=other, note="Ateliers emploi.")
    send(2, place=None, needs=["logement"], free_text="Habite entre deux communes, sans voiture.")
    on(3, services.dispatch_referral, send(4, place=None, needs=[TOOLS]), acting_user=coordinator, place=home)
    return sent.count()


def _persons(prescriber, organization, commune):
    for first_name, last_name, phone, specific_needs in PERSONS:
        yield create_person(
            acting_user=prescriber,
            organization=organization,
            consent_purpose=Consent.Purpose.ACCOMPANIMENT,
            consent_method=Consent.Method.WRITTEN,
            first_name=first_name,
            last_name=last_name,
            phone=phone,
            commune=commune,
            specific_needs=specific_needs,
        )
