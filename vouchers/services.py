"""Every write on the Pass Numérique. Each service is atomic, takes `acting_user`, checks its permission
(`vouchers.permissions`: PermissionDenied) and its rules (ValidationError in French, nothing changed), locks the rows
it changes (`select_for_update`) and writes one `core.history` row per change.

The order's life: `create_order` (serials generated, or `vouchers.importing.import_serials`) → `allocate_books` to a
prescriber organisation → `ship_books` → `confirm_receipt` → `hand_out_book` to a person → `redeem_pass` at a
qualified place (`cancel_redemption` by the coordination) → `build_statement` each month → `validate_statement` →
`mark_statement_paid`. The end of an order (alert, stop, expiry) is `vouchers.lifecycle`."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.formats import date_format

from core.history import record
from people.models import Involvement, Person
from people.services import involve_organization
from vouchers import serials
from vouchers.models import (
    Book,
    FunderShare,
    Order,
    Pass,
    Redemption,
    Shipment,
    Statement,
    month_start,
    next_month,
)
from vouchers.permissions import (
    acts_for_place,
    can_cancel_redemption,
    can_confirm_receipt,
    can_hand_out,
    can_manage_vouchers,
)

BOOK_BATCH = 2000
PASS_BATCH = 1000  # rows per INSERT: 5,000 parameters, under every backend's limit
LOOKUP_CHUNK = 5000  # serials per existence query


def _require_coordination(user):
    if not can_manage_vouchers(user):
        raise PermissionDenied


def french_date(day, *, with_year=None):
    """« 3 mars 2026 »; without the year when it is the current one and `with_year` is not forced."""
    if hasattr(day, "tzinfo"):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    if with_year is None:
        with_year = day.year != timezone.localdate().year
    return date_format(day, "j F Y" if with_year else "j F")


# ---------------------------------------------------------------------------------------------------------
# Orders and serials.


def check_funder_shares(funders):
    """`funders` is a list of (organisation, share in %); the shares are positive, at most 100 each, one per
    funder, and sum to exactly 100. Returns them as Decimals."""
    if not funders:
        raise ValidationError("Indiquez au moins un financeur.", code="funders")
    cleaned, seen = [], set()
    for organization, share in funders:
        try:
            value = Decimal(str(share).replace(",", ".")).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValidationError(f"La part de {organization} n'est pas un nombre.", code="share") from None
        if not Decimal("0") < value <= Decimal("100"):
            raise ValidationError(
                f"La part de {organization} doit être comprise entre 0 (exclu) et 100 %.", code="share"
            )
        if organization.pk in seen:
            raise ValidationError(f"{organization} figure deux fois parmi les financeurs.", code="duplicate_funder")
        seen.add(organization.pk)
        cleaned.append((organization, value))
    total = sum(value for _organization, value in cleaned)
    if total != Decimal("100"):
        shown = f"{total.normalize():f}".replace(".", ",")
        raise ValidationError(
            f"Les parts des financeurs doivent totaliser 100 % (elles totalisent {shown} %).", code="shares_total"
        )
    return cleaned


@transaction.atomic
def create_order(
    *,
    acting_user,
    name,
    sponsor,
    funders,
    book_count,
    valid_until,
    passes_per_book=10,
    face_value_cents=1000,
    tolerance_days=31,
    communes=(),
    epcis=(),
    target_publics=(),
    eligibility="",
    generate_serials=True,
):
    """The coordination records a sponsor's order. With `generate_serials` the platform creates its books and
    passes at once; otherwise they come from the operator's file (`vouchers.importing.import_serials`)."""
    _require_coordination(acting_user)
    shares = check_funder_shares(funders)
    order = Order(
        name=name,
        sponsor=sponsor,
        book_count=book_count,
        passes_per_book=passes_per_book,
        face_value_cents=face_value_cents,
        valid_until=valid_until,
        tolerance_days=tolerance_days,
        target_publics=list(target_publics),
        eligibility=eligibility,
        serial_source=Order.SerialSource.GENERATED if generate_serials else Order.SerialSource.IMPORTED,
        created_by=acting_user,
    )
    order.full_clean()
    order.save()
    order.territory_communes.set(communes)
    order.territory_epcis.set(epcis)
    FunderShare.objects.bulk_create(
        [FunderShare(order=order, funder=organization, share_percent=share) for organization, share in shares]
    )
    record(
        order,
        "voucher_order_created",
        acting_user=acting_user,
        changes={
            "commanditaire": sponsor.name,
            "carnets": book_count,
            "pass_par_carnet": passes_per_book,
            "valeur_faciale": order.face_value_display,
            "fin_de_validite": valid_until.isoformat(),
            "financeurs": {organization.name: f"{share} %" for organization, share in shares},
        },
    )
    if generate_serials:
        _generate_books(order)
    return order


def _existing_serials(model, candidates):
    """The serials among `candidates` already in the base (by chunks; on PostgreSQL one array parameter per chunk
    rather than thousands of placeholders)."""
    found = set()
    candidates = list(candidates)
    table = connection.ops.quote_name(model._meta.db_table)
    for start in range(0, len(candidates), LOOKUP_CHUNK):
        chunk = candidates[start : start + LOOKUP_CHUNK]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT serial FROM {table} WHERE serial = ANY(%s)", [chunk])
                found.update(serial for (serial,) in cursor.fetchall())
        else:
            found.update(model.objects.filter(serial__in=chunk).values_list("serial", flat=True))
    return found


def _fresh_serials(model, prefix, count):
    """`count` random serials not yet in the base (collisions are redrawn)."""
    result = set()
    while len(result) < count:
        wanted = count - len(result)
        drawn = {serials.new_serial(prefix) for _ in range(wanted)} - result
        result |= drawn - _existing_serials(model, drawn)
    return list(result)


def _generate_books(order):
    book_serials = _fresh_serials(Book, serials.BOOK_PREFIX, order.book_count)
    pass_serials = _fresh_serials(Pass, serials.PASS_PREFIX, order.pass_count)
    size = order.passes_per_book
    layout = [(book, pass_serials[i * size : (i + 1) * size]) for i, book in enumerate(sorted(book_serials))]
    create_books_and_passes(order, layout)


def create_books_and_passes(order, layout):
    """Bulk-insert the books and passes of `layout` [(book serial, [pass serials in order])] into `order`, in
    batches. The caller has checked everything (uniqueness included) and holds the transaction; the database's
    unique constraints still have the last word. Passes are written with one parameterised INSERT run over
    batches (100,000 in about a second), without building a model instance for each."""
    books = Book.objects.bulk_create([Book(order=order, serial=serial) for serial, _ in layout], batch_size=BOOK_BATCH)
    if any(book.pk is None for book in books):  # a backend that does not return the new keys
        ids = dict(Book.objects.filter(order=order).values_list("serial", "pk"))
        for book in books:
            book.pk = ids[book.serial]
    fields = [Pass._meta.get_field(name) for name in ("serial", "book", "position", "status", "service")]
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(Pass._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) VALUES "
    rows = [
        (serial, book.pk, position, Pass.Status.AVAILABLE.value, "")
        for book, (_serial, pass_serials) in zip(books, layout, strict=True)
        for position, serial in enumerate(pass_serials, start=1)
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: the fastest way in, same constraints
            columns = ", ".join(quote(field.column) for field in fields)
            with cursor.cursor.copy(f"COPY {quote(Pass._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return books
        for start in range(0, len(rows), PASS_BATCH):
            batch = rows[start : start + PASS_BATCH]
            cursor.execute(
                head + ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch)),
                [value for row in batch for value in row],
            )
    return books


@transaction.atomic
def generate_books(order, *, acting_user):
    """Generate the books and passes of an order that has none yet (serials with a check character)."""
    _require_coordination(acting_user)
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.books.exists():
        raise ValidationError("Cette commande a déjà ses carnets.", code="already_generated")
    _generate_books(order)
    record(order, "voucher_serials_generated", acting_user=acting_user, changes={"carnets": order.book_count})
    return order


# Fields an order keeps once its books exist (the stock is built on them).
FROZEN_ONCE_GENERATED = ("book_count", "passes_per_book", "face_value_cents")


@transaction.atomic
def update_order(order, *, acting_user, funders, communes=(), epcis=(), **fields):
    """The coordination corrects an order: its name, sponsor, funders, dates, territory, publics, eligibility —
    and, while it has no books yet, the number of books, passes per book and face value. One history row with the
    changes."""
    _require_coordination(acting_user)
    order = Order.objects.select_for_update().get(pk=order.pk)
    shares = check_funder_shares(funders)
    has_books = order.books.exists()
    changes = {}
    for name, value in fields.items():
        if name in ("target_publics",):
            value = list(value)
        if getattr(order, name if not hasattr(value, "pk") else f"{name}_id") == getattr(value, "pk", value):
            continue
        if has_books and name in FROZEN_ONCE_GENERATED:
            raise ValidationError(
                f"« {Order._meta.get_field(name).verbose_name} » ne peut plus changer : les carnets de cette "
                "commande existent déjà.",
                code="frozen",
            )
        changes[str(Order._meta.get_field(name).verbose_name)] = str(value)
        setattr(order, name, value)
    order.full_clean()
    order.save()
    communes, epcis = list(communes), list(epcis)
    if {c.pk for c in communes} != set(order.territory_communes.values_list("pk", flat=True)):
        changes["communes"] = ", ".join(c.name for c in communes) or "aucune"
        order.territory_communes.set(communes)
    if {e.pk for e in epcis} != set(order.territory_epcis.values_list("pk", flat=True)):
        changes["epci"] = ", ".join(e.name for e in epcis) or "aucun"
        order.territory_epcis.set(epcis)
    current = {share.funder_id: share.share_percent for share in order.funder_shares.all()}
    wanted = {organization.pk: share for organization, share in shares}
    if current != wanted:
        order.funder_shares.all().delete()
        FunderShare.objects.bulk_create(
            [FunderShare(order=order, funder=organization, share_percent=share) for organization, share in shares]
        )
        changes["financeurs"] = {organization.name: f"{share} %" for organization, share in shares}
    if changes:
        record(order, "voucher_order_updated", acting_user=acting_user, changes=changes)
    return order


# ---------------------------------------------------------------------------------------------------------
# Stock: allocation, shipment, receipt.


@transaction.atomic
def allocate_books(order, *, organization, count, acting_user):
    """The coordination takes `count` books of the order's stock for a prescriber organisation."""
    _require_coordination(acting_user)
    order = Order.objects.select_for_update().get(pk=order.pk)
    if count < 1:
        raise ValidationError("Indiquez un nombre de carnets (au moins un).", code="count")
    if not order.is_handing_out_open():
        raise ValidationError(
            f"La remise des carnets de cette commande est close depuis le {french_date(order.stop_handing_out_date)}.",
            code="closed",
        )
    ids = list(
        Book.objects.select_for_update()
        .filter(order=order, status=Book.Status.IN_STOCK)
        .order_by("serial")
        .values_list("pk", flat=True)[:count]
    )
    if len(ids) < count:
        raise ValidationError(
            f"Il ne reste que {len(ids)} carnet(s) en stock dans cette commande.", code="not_enough_stock"
        )
    now = timezone.now()
    Book.objects.filter(pk__in=ids).update(status=Book.Status.ALLOCATED, organization=organization, allocated_at=now)
    record(
        order,
        "voucher_books_allocated",
        acting_user=acting_user,
        changes={"organisation": organization.name, "carnets": count},
    )
    return ids


@transaction.atomic
def ship_books(order, *, organization, count, acting_user, tracking="", shipped_at=None):
    """The coordination sends `count` of the books allocated to `organization` (not yet sent). Returns the
    `Shipment`."""
    _require_coordination(acting_user)
    if count < 1:
        raise ValidationError("Indiquez un nombre de carnets (au moins un).", code="count")
    ids = list(
        Book.objects.select_for_update()
        .filter(order=order, organization=organization, status=Book.Status.ALLOCATED)
        .order_by("serial")
        .values_list("pk", flat=True)[:count]
    )
    if len(ids) < count:
        raise ValidationError(
            f"Seulement {len(ids)} carnet(s) de cette commande sont attribués à {organization} sans avoir été "
            "envoyés.",
            code="not_enough_allocated",
        )
    shipment = Shipment(
        order=order,
        organization=organization,
        book_count=count,
        tracking=tracking.strip(),
        shipped_at=shipped_at or timezone.now(),
        shipped_by=acting_user,
    )
    shipment.full_clean()
    shipment.save()
    Book.objects.filter(pk__in=ids).update(status=Book.Status.SHIPPED, shipment=shipment)
    record(
        shipment,
        "voucher_books_shipped",
        acting_user=acting_user,
        changes={"organisation": organization.name, "carnets": count, "suivi": shipment.tracking},
    )
    return shipment


@transaction.atomic
def confirm_receipt(shipment, *, acting_user):
    """The receiving organisation (or the coordination) confirms that the books arrived: they become its stock."""
    shipment = Shipment.objects.select_for_update().select_related("organization").get(pk=shipment.pk)
    if not can_confirm_receipt(acting_user, shipment):
        raise PermissionDenied
    if shipment.received_at is not None:
        raise ValidationError(
            f"La réception de cet envoi a déjà été confirmée le {french_date(shipment.received_at)}.",
            code="already_received",
        )
    now = timezone.now()
    shipment.received_at = max(now, shipment.shipped_at)
    shipment.received_by = acting_user
    shipment.save(update_fields=["received_at", "received_by"])
    moved = Book.objects.filter(shipment=shipment, status=Book.Status.SHIPPED).update(status=Book.Status.RECEIVED)
    record(shipment, "voucher_shipment_received", acting_user=acting_user, changes={"carnets": moved})
    return shipment


# ---------------------------------------------------------------------------------------------------------
# Hand-out.


@transaction.atomic
def hand_out_book(book, *, acting_user, person, referral=None, public=""):
    """A prescriber of the organisation that holds the book (received) hands it to a person it sees. The order's
    eligibility is checked: not past the stop date (D-15), the person's commune within the territory, the target
    public when the order has some. Returns the book."""
    book = Book.objects.select_for_update().select_related("order").get(pk=book.pk)
    if not can_hand_out(acting_user, book):
        raise PermissionDenied
    if not Person.objects.visible_to(acting_user).filter(pk=person.pk).exists():
        raise PermissionDenied
    order = book.order
    if book.status == Book.Status.HANDED_OUT:
        raise ValidationError(
            f"Ce carnet a déjà été remis le {french_date(book.handed_at)}.", code="already_handed_out"
        )
    if book.status != Book.Status.RECEIVED:
        raise ValidationError(
            "Ce carnet n'est pas encore arrivé dans votre organisation : confirmez d'abord la réception de l'envoi.",
            code="not_received",
        )
    today = timezone.localdate()
    if not order.is_handing_out_open(today):
        raise ValidationError(
            f"La remise des carnets de cette commande est close depuis le "
            f"{french_date(order.stop_handing_out_date)} "
            f"(15 jours avant la fin de validité, le {french_date(order.valid_until)}).",
            code="closed",
        )
    if order.has_territory or person.commune_id:
        if person.commune_id is None:
            raise ValidationError(
                "Renseignez la commune de la personne : cette commande est réservée à un territoire.",
                code="no_commune",
            )
        if not order.covers_commune(person.commune):
            raise ValidationError(
                f"{person.commune.name} n'est pas dans le territoire de cette commande.", code="territory"
            )
    if order.target_publics:
        if public not in order.target_publics:
            raise ValidationError(
                "Cette commande est réservée à ces publics : %(publics)s. Indiquez celui de la personne.",
                code="public",
                params={"publics": ", ".join(order.target_publics)},
            )
    elif public:
        public = ""
    if referral is not None and referral.person_id != person.pk:
        raise ValidationError("Cette orientation concerne une autre personne.", code="referral")
    now = timezone.now()
    book.status = Book.Status.HANDED_OUT
    book.handed_to = person
    book.handed_by = acting_user
    book.handed_at = now
    book.public = public
    book.referral = referral
    book.save(update_fields=["status", "handed_to", "handed_by", "handed_at", "public", "referral"])
    person.last_activity_at = now
    person.save(update_fields=["last_activity_at"])
    involve_organization(
        person, organization=book.organization, acting_user=acting_user, reason=Involvement.Reason.ACCOMPANIMENT
    )
    record(
        book,
        "voucher_book_handed_out",
        acting_user=acting_user,
        changes={"personne": person.pk, "orientation": referral.pk if referral else None, "public": public},
    )
    return book


# ---------------------------------------------------------------------------------------------------------
# Redemption.


def already_used_message(redemption):
    return (
        f"Ce pass a déjà été utilisé le {french_date(redemption.at)} à {redemption.place.name} : "
        "il ne peut servir qu'une fois."
    )


def redeem_pass(serial, *, acting_user, place, service, referral=None):
    """A qualified place records a pass for the service it delivered. In this order: the check character
    (before any database access, even a savepoint), the place (qualified, and the user acts for it), then the pass,
    locked: unknown, already used, expired (beyond the tolerance), book not handed out are refused with a clear
    French answer. The partial unique constraint on the active redemption is the last word. Returns the
    `Redemption`."""
    serial = serials.parse_serial(serial)
    return _redeem(serial, acting_user=acting_user, place=place, service=service, referral=referral)


@transaction.atomic
def _redeem(serial, *, acting_user, place, service, referral):
    if not acts_for_place(acting_user, place):
        raise PermissionDenied
    if not place.is_pass_qualified:
        raise ValidationError(
            f"{place.name} n'est pas un lieu qualifié Pass Numérique : ce lieu ne peut pas encaisser de pass.",
            code="place_not_qualified",
        )
    if service not in dict(Redemption._meta.get_field("service").choices):
        raise ValidationError("Choisissez le service rendu dans la liste.", code="service")
    try:
        pass_obj = Pass.objects.select_for_update(of=("self",)).select_related("book__order").get(serial=serial)
    except Pass.DoesNotExist:
        raise ValidationError(
            "Aucun pass ne porte ce numéro. Vérifiez-le, ou contactez la coordination.", code="unknown"
        ) from None
    book, order = pass_obj.book, pass_obj.book.order
    if pass_obj.status == Pass.Status.REDEEMED:
        active = Redemption.objects.active().select_related("place").get(pass_obj=pass_obj)
        raise ValidationError(already_used_message(active), code="already_used")
    today = timezone.localdate()
    if pass_obj.status == Pass.Status.EXPIRED or not order.is_redeemable_on(today):
        raise ValidationError(
            f"Ce pass est expiré depuis le {french_date(order.expired_since, with_year=True)} "
            f"(valable jusqu'au {french_date(order.valid_until, with_year=True)}, tolérance comprise).",
            code="expired",
        )
    if book.status != Book.Status.HANDED_OUT:
        raise ValidationError(
            "Ce carnet n'a pas encore été remis à une personne par un prescripteur : ses pass ne peuvent pas être "
            "utilisés.",
            code="not_handed_out",
        )
    if referral is not None and referral.person_id != book.handed_to_id:
        raise ValidationError("Cette orientation concerne une autre personne que le titulaire du carnet.")
    now = timezone.now()
    try:
        with transaction.atomic():
            redemption = Redemption.objects.create(
                pass_obj=pass_obj,
                place=place,
                service=service,
                amount_cents=order.face_value_cents,
                at=now,
                by=acting_user,
                referral=referral,
            )
    except IntegrityError:  # without the lock (another backend), the constraint still holds
        active = Redemption.objects.active().select_related("place").get(pass_obj=pass_obj)
        raise ValidationError(already_used_message(active), code="already_used") from None
    pass_obj.status = Pass.Status.REDEEMED
    pass_obj.redeemed_at = now
    pass_obj.redeemed_place = place
    pass_obj.service = service
    pass_obj.save(update_fields=["status", "redeemed_at", "redeemed_place", "service"])
    record(
        pass_obj,
        "voucher_pass_redeemed",
        acting_user=acting_user,
        changes={"lieu": place.name, "service": service, "montant": order.face_value_cents},
    )
    return redemption


@transaction.atomic
def cancel_redemption(redemption, *, acting_user, reason):
    """The coordination cancels a wrong redemption, with a reason: the pass is usable again (or expired, if its
    order has expired meanwhile). Refused once the redemption is on a validated statement."""
    if not can_cancel_redemption(acting_user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Indiquez le motif de l'annulation.", code="reason")
    redemption = Redemption.objects.select_for_update(of=("self",)).select_related("statement").get(pk=redemption.pk)
    if redemption.cancelled_at is not None:
        raise ValidationError("Cet encaissement est déjà annulé.", code="already_cancelled")
    statement = redemption.statement
    if statement is not None:
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        if statement.status != Statement.Status.DRAFT:
            raise ValidationError(
                f"Ce pass figure sur le relevé de {statement.month_label}, déjà "
                f"{statement.get_status_display().lower()} : l'encaissement ne peut plus être annulé.",
                code="statement_closed",
            )
    pass_obj = Pass.objects.select_for_update().select_related("book__order").get(pk=redemption.pass_obj_id)
    now = timezone.now()
    redemption.cancelled_at = now
    redemption.cancelled_by = acting_user
    redemption.cancel_reason = reason
    redemption.statement = None
    redemption.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason", "statement"])
    order = pass_obj.book.order
    expired = order.expired_at is not None
    pass_obj.status = Pass.Status.EXPIRED if expired else Pass.Status.AVAILABLE
    pass_obj.expired_at = now if expired else None
    pass_obj.redeemed_at = None
    pass_obj.redeemed_place = None
    pass_obj.service = ""
    pass_obj.save(update_fields=["status", "expired_at", "redeemed_at", "redeemed_place", "service"])
    if expired:
        Order.objects.filter(pk=order.pk).update(expired_pass_count=F("expired_pass_count") + 1)
    if statement is not None:
        _refresh_totals(statement)
    record(pass_obj, "voucher_redemption_cancelled", acting_user=acting_user, message=reason)
    return redemption


# ---------------------------------------------------------------------------------------------------------
# Counter-payment statements.


def _refresh_totals(statement):
    totals = Redemption.objects.filter(statement=statement).aggregate(count=Count("pk"), total=Sum("amount_cents"))
    changed = (statement.redemption_count, statement.total_cents) != (totals["count"], totals["total"] or 0)
    statement.redemption_count = totals["count"]
    statement.total_cents = totals["total"] or 0
    statement.save(update_fields=["redemption_count", "total_cents", "built_at"])
    return changed


def _attach(statement):
    return (
        Redemption.objects.active()
        .in_month(statement.month)
        .filter(place_id=statement.place_id, statement__isnull=True)
        .update(statement=statement)
    )


@transaction.atomic
def build_statement(place, month, *, acting_user):
    """The statement of `place` for the month of `month` (a date): created if needed, and, while it is a draft,
    brought up to date with the month's active redemptions. Idempotent: one statement per place and month (a
    unique constraint); a validated or paid statement is returned unchanged."""
    _require_coordination(acting_user)
    first = month_start(month)
    if first > month_start(timezone.localdate()):
        raise ValidationError("Ce mois n'a pas encore commencé.", code="future")
    try:
        with transaction.atomic():
            statement, created = Statement.objects.get_or_create(
                place=place, month=first, defaults={"built_by": acting_user}
            )
    except IntegrityError:  # built at the same moment by someone else
        statement, created = Statement.objects.get(place=place, month=first), False
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.status != Statement.Status.DRAFT:
        return statement
    attached = _attach(statement)
    statement.built_at = timezone.now()
    changed = _refresh_totals(statement)
    if created or attached or changed:
        record(
            statement,
            "voucher_statement_built",
            acting_user=acting_user,
            changes={"pass": statement.redemption_count, "montant": statement.total_display},
        )
    return statement


@transaction.atomic
def validate_statement(statement, *, acting_user):
    """The coordination validates a draft statement of a month that is over (brought up to date first)."""
    _require_coordination(acting_user)
    statement = Statement.objects.select_for_update().select_related("place").get(pk=statement.pk)
    if statement.status != Statement.Status.DRAFT:
        raise ValidationError(f"Ce relevé est déjà {statement.get_status_display().lower()}.", code="not_draft")
    if timezone.localdate() < next_month(statement.month):
        raise ValidationError("Le mois n'est pas terminé : le relevé ne peut pas encore être validé.", code="month")
    _attach(statement)
    _refresh_totals(statement)
    if statement.redemption_count == 0:
        raise ValidationError("Ce relevé ne contient aucun pass : il n'y a rien à valider.", code="empty")
    statement.status = Statement.Status.VALIDATED
    statement.validated_at = timezone.now()
    statement.validated_by = acting_user
    statement.save(update_fields=["status", "validated_at", "validated_by"])
    record(
        statement,
        "voucher_statement_validated",
        acting_user=acting_user,
        changes={"pass": statement.redemption_count, "montant": statement.total_display},
    )
    return statement


@transaction.atomic
def mark_statement_paid(statement, *, acting_user, reference=""):
    """The coordination records the payment of a validated statement."""
    _require_coordination(acting_user)
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.status != Statement.Status.VALIDATED:
        raise ValidationError("Seul un relevé validé peut être marqué payé.", code="not_validated")
    statement.status = Statement.Status.PAID
    statement.paid_at = timezone.now()
    statement.payment_reference = reference.strip()
    statement.save(update_fields=["status", "paid_at", "payment_reference"])
    record(
        statement,
        "voucher_statement_paid",
        acting_user=acting_user,
        changes={"reference": statement.payment_reference, "montant": statement.total_display},
    )
    return statement


@transaction.atomic
def build_statements_for_month(month, *, acting_user):
    """`build_statement` for every place with active redemptions during the month of `month`."""
    from places.models import Place

    _require_coordination(acting_user)
    place_ids = Redemption.objects.active().in_month(month).order_by().values("place_id").distinct()
    places = Place.objects.filter(pk__in=place_ids).order_by("name", "pk")
    return [build_statement(place, month, acting_user=acting_user) for place in places]
