"""Builds a realistic demo network for the served département: the partners, ~250 organisations spread over real
communes weighted by population, and one user per role. Deterministic (fixed random seed). Then each module seeds
through its own services (demo/places, referrals, events, vouchers, devices, funding), each idempotent."""

import random
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Organization, Role, User
from accounts.validators import luhn_complete
from core.history import record
from demo.devices import create_devices
from demo.events import create_events
from demo.funding import create_funding
from demo.partners import GENERIC_PARTNERS, NETWORK_KINDS, PARTNERS_BY_DEPARTEMENT
from demo.places import create_places
from demo.referrals import create_referrals
from demo.vouchers import create_vouchers
from geo.models import Commune, Departement

DEMO_PASSWORD = "Demo-inclusion-2026"
# A fixed TOTP secret for the demo accounts that need a second factor (20 bytes, hex). Demo only.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"
NETWORK_SIZE = 250


@dataclass
class DemoAccount:
    email: str
    role_label: str
    organization: str
    needs_totp: bool = False


class DemoError(Exception):
    pass


def fake_siret(rng):
    return luhn_complete("".join(rng.choice("0123456789") for _ in range(13)))


def weighted_communes(rng, communes, count):
    """`count` communes drawn with probability proportional to population (with replacement)."""
    weights = [max(c.population, 50) for c in communes]
    return rng.choices(communes, weights=weights, k=count)


@transaction.atomic
def seed_demo(*, rng_seed=2026):
    if not settings.DEMO_MODE:
        raise DemoError(
            "Les données de démonstration sont refusées avec les réglages de production (DEMO_MODE désactivé)."
        )
    code = settings.PLATFORM_DEPARTEMENT
    departement = Departement.objects.filter(code=code).first()
    communes = list(Commune.objects.filter(departement_id=code).order_by("-population", "insee_code"))
    if departement is None or not communes:
        raise DemoError(
            f"Aucune commune chargée pour le département {code} : lancez d'abord « manage.py load_territory »."
        )
    rng = random.Random(rng_seed)
    partners = create_partners(rng, departement, communes)
    network = create_network(rng, communes)
    accounts = create_users(partners, network)
    places = create_places(rng, network, stale_organizations=[first_of(network, "BIB")])
    referrals = create_referrals()
    events = create_events()
    passes = create_vouchers()
    devices = create_devices()
    applications = create_funding()
    return {
        "partners": len(partners),
        "network": len(network),
        "accounts": accounts,
        "places": len(places),
        "referrals": referrals,
        "events": events,
        "passes": passes,
        "devices": devices,
        "applications": applications,
    }


def create_partners(rng, departement, communes):
    names = PARTNERS_BY_DEPARTEMENT.get(departement.code) or [
        (
            name.format(
                dep=departement.name,
                code=departement.code,
                city1=communes[0].name,
                city2=communes[1 % len(communes)].name,
                city3=communes[2 % len(communes)].name,
            ),
            typology,
        )
        for name, typology in GENERIC_PARTNERS
    ]
    prefecture = communes[0]
    organizations = [
        Organization(
            name=name,
            siret=fake_siret(rng),
            typology=typology,
            commune=prefecture,
            is_partner=True,
            is_network_member=typology in {"ML", "LA_POSTE"},
        )
        for name, typology in names
    ]
    return bulk_create_with_history(organizations)


def create_network(rng, communes):
    kinds = [(name, typology) for name, typology, weight in NETWORK_KINDS for _ in range(weight)]
    seen = set()
    organizations = []
    for commune in weighted_communes(rng, communes, NETWORK_SIZE * 3):
        name_pattern, typology = rng.choice(kinds)
        name = name_pattern.format(commune=commune.name)
        if name in seen:
            continue
        seen.add(name)
        organizations.append(
            Organization(
                name=name,
                siret=fake_siret(rng),
                typology=typology,
                commune=commune,
                is_network_member=True,
                phone=f"+335{rng.randrange(10**7, 10**8)}",
                email=f"contact.{len(organizations) + 1:03d}@demo.test",
            )
        )
        if len(organizations) == NETWORK_SIZE:
            break
    return bulk_create_with_history(organizations)


def bulk_create_with_history(organizations):
    created = Organization.objects.bulk_create(organizations)
    if not all(o.pk for o in created):  # backends that don't return ids on bulk insert
        created = list(Organization.objects.filter(siret__in=[o.siret for o in organizations]))
    for organization in created:
        record(organization, "organization_created", acting_user=None, message="Données de démonstration")
    return created


def first_of(organizations, typology):
    return next(o for o in organizations if o.typology == typology)


def create_users(partners, network):
    coordination = Organization.objects.create(
        name=f"{settings.PLATFORM_OPERATOR} — mission inclusion numérique",
        siret="",
        typology="CD",
        commune=partners[0].commune,
        is_network_member=True,
    )
    record(coordination, "organization_created", acting_user=None, message="Données de démonstration")
    library = first_of(network, "BIB")
    ccas = first_of(network, "CCAS")
    workshop = next((o for o in network if o.typology == "ACI"), network[-1])
    france_services = first_of(network, "MSAP")
    plan = [
        ("coordination@demo.test", "Camille", "Martin", [(coordination, Role.COORDINATOR)]),
        ("partenaire@demo.test", "Sophie", "Bernard", [(partners[0], Role.PARTNER_VIEWER)]),
        ("prescripteur@demo.test", "Karim", "Benali", [(ccas, Role.PRESCRIBER)]),
        ("mediation@demo.test", "Léa", "Dubois", [(library, Role.MEDIATOR)]),
        ("reconditionnement@demo.test", "Thomas", "Garcia", [(workshop, Role.REFURBISHER)]),
        (
            "admin-structure@demo.test",
            "Nadia",
            "Lefèvre",
            [(france_services, Role.ORG_ADMIN), (france_services, Role.MEDIATOR)],
        ),
        ("multi@demo.test", "Julien", "Moreau", [(ccas, Role.PRESCRIBER), (library, Role.MEDIATOR)]),
    ]
    accounts = []
    password_hash = make_password(DEMO_PASSWORD)  # hashing is slow on purpose: once for every demo account
    for email, first_name, last_name, memberships in plan:
        user = User.objects.create(email=email, password=password_hash, first_name=first_name, last_name=last_name)
        record(user, "user_created", acting_user=None, message="Données de démonstration")
        for organization, role in memberships:
            membership = Membership.objects.create(user=user, organization=organization, role=role)
            record(membership, "membership_added", acting_user=None, message="Données de démonstration")
        needs_totp = user.requires_second_factor
        if needs_totp:
            add_demo_totp(user)
        accounts.append(
            DemoAccount(
                email=email,
                role_label=", ".join(str(role.label) for _, role in memberships),
                organization=", ".join(sorted({o.name for o, _ in memberships})),
                needs_totp=needs_totp,
            )
        )
    admin = User.objects.create(
        email="admin@demo.test",
        password=password_hash,
        first_name="Alex",
        last_name="Informatique",
        is_staff=True,
        is_superuser=True,
    )
    record(admin, "user_created", acting_user=None, message="Données de démonstration")
    add_demo_totp(admin)
    accounts.append(DemoAccount("admin@demo.test", "Administrateur technique", "—", needs_totp=True))
    return accounts


def add_demo_totp(user):
    TOTPDevice.objects.create(user=user, name="Démo", key=DEMO_TOTP_KEY, confirmed=True, last_t=-1)


def demo_is_seeded():
    return User.objects.filter(email="coordination@demo.test").exists()


def current_demo_code():
    device = TOTPDevice(key=DEMO_TOTP_KEY, step=30, t0=0, digits=6, drift=0)
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp()
    return f"{totp.token():06d}"
