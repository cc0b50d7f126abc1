"""Demo reconditionnement: a donation from a demo partner (Orange when it is there) collected by the demo workshop
(reconditionnement@demo.test), twelve devices spread over every step (received, data erased with its evidence,
refurbished, ready, reserved, delivered, recycled), two requests of the demo prescriber's CCAS for persons of the
demo referrals (one with a device reserved, one delivered) and a few hours in the work log.

Everything goes through `devices.services` on a demo clock, so each step has its transition and history row with
the demo users as actors. Idempotent: nothing is done when the workshop already received a donation."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organization, User
from demo.clock import demo_clock
from demo.referrals import PERSONS
from devices import services
from devices.models import Device, DeviceRequest, Donation, Erasure, Kind, Status
from people.models import Person

# (kind, brand, model, serial, processor, memory, storage, final step, grade, price in cents)
DEVICES = [
    (Kind.LAPTOP, "Lenovo", "ThinkPad T470", "PF0DEMO1", "Intel Core i5-7300U", 8, 256, Status.DELIVERED, "B", 5000),
    (Kind.LAPTOP, "Dell", "Latitude 5490", "DEMO5490A", "Intel Core i5-8250U", 8, 256, Status.RESERVED, "A", 6000),
    (Kind.LAPTOP, "HP", "EliteBook 840 G5", "5CGDEMO840", "Intel Core i5-8350U", 8, 256, Status.READY, "B", 5000),
    (Kind.DESKTOP, "Dell", "OptiPlex 7060", "DEMO7060B", "Intel Core i5-8500", 8, 500, Status.READY, "A", 4000),
    (Kind.TABLET, "Samsung", "Galaxy Tab A 10.1", "R52DEMOTAB1", "", 2, 32, Status.READY, "C", 2000),
    (Kind.SMARTPHONE, "Samsung", "Galaxy A40", "R58DEMOA40", "", 4, 64, Status.REFURBISHED, "B", 3000),
    (Kind.LAPTOP, "Lenovo", "ThinkPad L480", "PF0DEMO2", "Intel Core i3-8130U", 4, 128, Status.ERASED, "", 0),
    (Kind.DESKTOP, "HP", "ProDesk 600 G3", "CZCDEMO600", "Intel Core i5-6500", 8, 500, Status.RECEIVED, "", 0),
    (Kind.SCREEN, "Dell", "P2217", "CNDEMOP2217", "", None, None, Status.RECEIVED, "", 0),
    (Kind.TABLET, "Apple", "iPad 6e génération", "DMPDEMOIPAD", "", 2, 32, Status.RECEIVED, "", 0),
    (Kind.LAPTOP, "Acer", "TravelMate P259", "NXDEMOP259", "Intel Core i3-6006U", 4, 500, Status.RECYCLED, "", 0),
    (Kind.LAPTOP, "Toshiba", "Satellite Pro A50", "DEMOA50X", "Intel Core i5-8250U", 8, 256, Status.RECYCLED, "", 0),
]
# Fictional workers of the insertion workshop: (name, days ago, hours, activity).
WORK = [
    ("Dylan Cazeneuve", 9, "3.5", "Tri et inventaire du don"),
    ("Dylan Cazeneuve", 8, "6", "Effacement des disques et rapports"),
    ("Inès Labarthe", 8, "4", "Nettoyage et tests des ordinateurs portables"),
    ("Inès Labarthe", 5, "5.5", "Installation de Linux Mint et des logiciels"),
    ("Marc Dupouy", 3, "2", "Préparation des remises et étiquetage"),
]
OPERATOR = "Thomas Garcia"


def _moment(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def create_devices():
    """Seed the demo devices once. Returns the number of devices of the demo workshop."""
    refurbisher = User.objects.get(email="reconditionnement@demo.test")
    workshop = refurbisher.memberships.select_related("organization").first().organization
    devices = Device.objects.filter(donation__workshop=workshop)
    if Donation.objects.filter(workshop=workshop).exists():
        return devices.count()
    prescriber = User.objects.get(email="prescripteur@demo.test")
    ccas = prescriber.memberships.select_related("organization").first().organization
    partners = Organization.objects.partners().order_by("pk")
    donor = partners.filter(name="Orange").first() or partners.first()
    today = timezone.localdate()

    def on(days_ago, service, *args, **kwargs):
        with demo_clock(_moment(today - timedelta(days=days_ago))):
            return service(*args, **kwargs)

    donation = on(
        12,
        services.create_donation,
        acting_user=refurbisher,
        workshop=workshop,
        donor=donor,
        announced_count=len(DEVICES),
        pickup_date=today - timedelta(days=10),
        contact="Service des moyens généraux, 01 99 00 12 34",
        notes="Renouvellement du parc de l'agence : ordinateurs, tablettes, un écran.",
    )
    received = []
    for kind, brand, model, serial, processor, memory, storage, target, grade, price in DEVICES:
        specs = {"processor": processor, "memory_gb": memory, "storage_gb": storage}
        device = on(
            10,
            services.receive_device,
            donation,
            acting_user=refurbisher,
            kind=kind,
            brand=brand,
            model=model,
            serial=serial,
            **specs,
        )
        received.append((device, target, grade, price))
    steps = [Status.ERASED, Status.REFURBISHED, Status.READY]
    for device, target, grade, price in received:
        if target == Status.RECYCLED and device.brand == "Toshiba":
            on(9, services.recycle_device, device, acting_user=refurbisher, reason="Carte mère hors service.")
            continue
        if target == Status.RECEIVED:
            continue
        method = (
            Erasure.Method.FACTORY_RESET
            if device.kind in (Kind.TABLET, Kind.SMARTPHONE)
            else (Erasure.Method.OVERWRITE)
        )
        on(
            8,
            services.erase_device,
            device,
            acting_user=refurbisher,
            method=method,
            tool="ShredOS 2024.02 (nwipe)" if method == Erasure.Method.OVERWRITE else "Menu de récupération",
            performed_on=today - timedelta(days=8),
            operator=OPERATOR,
            evidence=f"Rapport n° DEMO-{device.pk:04d} : passe unique vérifiée, aucune erreur.",
        )
        if target == Status.RECYCLED:
            on(7, services.recycle_device, device, acting_user=refurbisher, reason="Écran fendu, pièces récupérées.")
            continue
        if target == Status.ERASED:
            continue
        on(
            5,
            services.refurbish_device,
            device,
            acting_user=refurbisher,
            grade=grade,
            price_cents=price,
            operating_system="Android 11" if device.kind in (Kind.TABLET, Kind.SMARTPHONE) else "Linux Mint 21",
        )
        if target in steps[2:] + [Status.RESERVED, Status.DELIVERED]:
            on(4, services.mark_ready, device, acting_user=refurbisher)

    phones = [phone for _first, _last, phone, _needs in PERSONS]
    persons = list(Person.objects.visible_to(prescriber).filter(phone__in=phones).order_by("pk")[:2])
    by_target = {target: device for device, target, _grade, _price in received}
    usages = [
        "Démarches CAF et santé en ligne, suivi de la scolarité des enfants.",
        "Recherche d'emploi : CV, candidatures et entretiens en visio.",
    ]
    for index, (person, target) in enumerate(zip(persons, [Status.DELIVERED, Status.RESERVED], strict=False)):
        request = on(
            6 - index,
            services.request_device,
            acting_user=prescriber,
            organization=ccas,
            person=person,
            kind=Kind.LAPTOP,
            usage=usages[index],
        )
        on(3, services.reserve_device, request, by_target[target], acting_user=refurbisher)
        if target == Status.DELIVERED:
            on(
                2,
                services.deliver_device,
                request,
                acting_user=refurbisher,
                acknowledgement="paper",
                price_paid_cents=Device.objects.get(pk=by_target[target].pk).price_cents,
                training_offer="Trois séances de prise en main à la médiathèque, le mardi matin.",
            )
    for worker, days_ago, hours, activity in WORK:
        on(
            days_ago,
            services.log_work,
            acting_user=refurbisher,
            workshop=workshop,
            worker=worker,
            day=today - timedelta(days=days_ago),
            hours=Decimal(hours),
            activity=activity,
        )
    return devices.count()


def demo_requests():
    return DeviceRequest.objects.filter(requested_by__email="prescripteur@demo.test")
