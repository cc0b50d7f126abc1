"""Pass Numérique benchmarks, on a ledger of 1,000,000 passes (100,000 books of 10) created once with bulk inserts
and reused (its creation time is reported the first time). Registered lazily in bench/run.py:

- `vouchers_import` — importing 100,000 serials (10,000 books) from our CSV format, all checks included
  (target < 10 s); the imported order is deleted afterwards so the ledger stays the same size;
- `vouchers_redeem` — `redeem_pass` on random handed-out passes, p50/p95 (target p95 < 30 ms), and the refusal of an
  already used pass;
- `vouchers_statement` — a month's statement of a place with 50,000 redemptions, built from scratch
  (target < 2 s), and its CSV;
- `vouchers_concurrent_redeem` — PostgreSQL only (BENCH_DATABASE_URL): 32 threads redeem the same pass at once;
  exactly one must succeed, the time until all are answered is reported.
"""

import datetime
import random
import statistics
import threading
import time

SEED = 20261130
BOOKS = 100_000
PASSES_PER_BOOK = 10
HANDED_OUT_BOOKS = 15_000
STATEMENT_BOOKS = 5_000  # × 10 passes = 50,000 redemptions in one month at one place
IMPORT_BOOKS = 10_000  # × 10 = 100,000 serials
REDEMPTIONS = 300
ATTEMPTS = 32
ORDER_NAME = "Mesure : 1 000 000 de pass"
SERVICE = "Aide aux démarches administratives"
BATCH = 20_000


def _log(message):
    import sys

    print(message, file=sys.stderr, flush=True)


def _serial(prefix, number):
    """A deterministic, unique platform serial for `number` (its base-32 writing, then the check character)."""
    from vouchers.serials import ALPHABET, luhn_check_character

    digits = []
    for _ in range(9):
        number, rest = divmod(number, 32)
        digits.append(ALPHABET[rest])
    payload = prefix + "".join(reversed(digits))
    return payload + luhn_check_character(payload)


def _actors():
    from accounts.models import Membership, Organization, Role, User
    from people.models import Person
    from places.models import Place

    sponsor, _ = Organization.objects.get_or_create(name="Mesure : commanditaire Pass Numérique")
    prescriber_org, _ = Organization.objects.get_or_create(name="Mesure : prescripteur Pass Numérique")
    place_org, _ = Organization.objects.get_or_create(name="Mesure : lieu qualifié Pass Numérique")
    place, _ = Place.objects.get_or_create(
        name="Mesure : lieu qualifié",
        defaults={
            "address": "1 place de la Mesure",
            "postal_code": "47000",
            "commune_name": "Agen",
            "insee_code": "47001",
            "status": Place.Status.PUBLISHED,
            "organization": place_org,
            "accepts_pass_numerique": True,
            "is_pass_qualified": True,
        },
    )
    users = {}
    for key, email, organization, role in (
        ("mediator", "mesure-pass-mediateur@example.org", place_org, Role.MEDIATOR),
        ("coordinator", "mesure-pass-coordination@example.org", sponsor, Role.COORDINATOR),
    ):
        user, _ = User.objects.get_or_create(email=email)
        Membership.objects.get_or_create(user=user, organization=organization, role=role)
        users[key] = User.objects.get(pk=user.pk)
    person = Person.objects.filter(last_name="Mesure Pass Numérique").first() or Person.objects.create(
        first_name="Camille", last_name="Mesure Pass Numérique", no_direct_contact=True
    )
    return sponsor, prescriber_org, place, users, person


def ensure_ledger():
    """The bench order with its 1,000,000 passes (created once). Returns (order, place, users, seconds or None)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from vouchers.models import Book, FunderShare, Order, Pass, Redemption, Shipment

    sponsor, prescriber_org, place, users, person = _actors()
    order = Order.objects.filter(name=ORDER_NAME).first()
    if order is not None and Pass.objects.filter(book__order=order).count() == BOOKS * PASSES_PER_BOOK:
        return order, place, users, None
    if order is not None:
        raise RuntimeError("Jeu de mesure Pass Numérique incomplet : supprimez data/bench/ et relancez.")
    _log("Création du registre de 1 000 000 de pass (une seule fois)…")
    started = time.perf_counter()
    now = timezone.now()
    handed_at = now - datetime.timedelta(days=90)
    month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    month_start = timezone.make_aware(datetime.datetime.combine(month, datetime.time(8)))
    with transaction.atomic():
        order = Order.objects.create(
            name=ORDER_NAME,
            sponsor=sponsor,
            book_count=BOOKS,
            passes_per_book=PASSES_PER_BOOK,
            valid_until=timezone.localdate() + datetime.timedelta(days=3 * 365),
            created_by=users["coordinator"],
        )
        FunderShare.objects.create(order=order, funder=sponsor, share_percent=100)
        shipment = Shipment.objects.create(
            order=order,
            organization=prescriber_org,
            book_count=HANDED_OUT_BOOKS,
            shipped_at=handed_at,
            received_at=handed_at,
        )
        book_table, pass_table = Book._meta.db_table, Pass._meta.db_table
        with connection.cursor() as cursor:
            for start in range(0, BOOKS, BATCH):
                rows = []
                for number in range(start, min(start + BATCH, BOOKS)):
                    if number < HANDED_OUT_BOOKS:
                        rows.append(
                            (
                                _serial("CN", number),
                                order.pk,
                                "handed_out",
                                prescriber_org.pk,
                                handed_at,
                                shipment.pk,
                                person.pk,
                                handed_at,
                            )
                        )
                    else:
                        rows.append((_serial("CN", number), order.pk, "in_stock", None, None, None, None, None))
                cursor.executemany(
                    f"INSERT INTO {book_table} (serial, order_id, status, organization_id, allocated_at, shipment_id,"
                    " handed_to_id, handed_at, public) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, '')",
                    rows,
                )
            book_ids = list(Book.objects.filter(order=order).order_by("pk").values_list("pk", flat=True))
            number = 0
            rows = []
            for book_id in book_ids:
                for position in range(1, PASSES_PER_BOOK + 1):
                    rows.append((_serial("PN", number), book_id, position))
                    number += 1
                if len(rows) >= BATCH:
                    cursor.executemany(
                        f"INSERT INTO {pass_table} (serial, book_id, position, status, service) "
                        "VALUES (%s, %s, %s, 'available', '')",
                        rows,
                    )
                    rows = []
            if rows:
                cursor.executemany(
                    f"INSERT INTO {pass_table} (serial, book_id, position, status, service) "
                    "VALUES (%s, %s, %s, 'available', '')",
                    rows,
                )
        _log("  50 000 encaissements le mois dernier au lieu de mesure…")
        redeemed = list(
            Pass.objects.filter(book_id__in=book_ids[:STATEMENT_BOOKS]).order_by("pk").values_list("pk", flat=True)
        )
        seconds_in_month = 27 * 86400
        redemptions, updates = [], []
        for index, pass_id in enumerate(redeemed):
            at = month_start + datetime.timedelta(seconds=index * seconds_in_month // len(redeemed))
            redemptions.append(
                Redemption(
                    pass_obj_id=pass_id, place=place, service=SERVICE, amount_cents=1000, at=at, by=users["mediator"]
                )
            )
            updates.append((at, place.pk, SERVICE, pass_id))
        Redemption.objects.bulk_create(redemptions, batch_size=5000)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {pass_table} SET status = 'redeemed', redeemed_at = %s, redeemed_place_id = %s,"
                " service = %s WHERE id = %s",
                updates,
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {book_table}; ANALYZE {pass_table}; ANALYZE {Redemption._meta.db_table}")
    elapsed = time.perf_counter() - started
    _log(f"  registre créé en {elapsed:.1f} s")
    return order, place, users, elapsed


def _ledger_numbers(order, creation_seconds):
    from vouchers.models import Pass

    return {
        "passes_in_base": Pass.objects.count(),
        "bench_order_passes": BOOKS * PASSES_PER_BOOK,
        "ledger_creation_s": round(creation_seconds, 1) if creation_seconds is not None else "déjà présent",
    }


def import_scenario():
    """Import 100,000 new serials into a fresh order; the order is removed afterwards."""
    from django.db import transaction

    from vouchers.importing import import_serials
    from vouchers.models import Book, FunderShare, Order, Pass
    from vouchers.serials import BOOK_PREFIX, format_serial, new_serial

    order, _place, users, creation = ensure_ledger()
    fresh = Order.objects.create(
        name="Mesure : import",
        sponsor=order.sponsor,
        book_count=IMPORT_BOOKS,
        passes_per_book=PASSES_PER_BOOK,
        valid_until=order.valid_until,
        serial_source=Order.SerialSource.IMPORTED,
    )
    rows = []
    for _ in range(IMPORT_BOOKS):
        book = new_serial(BOOK_PREFIX)
        for position in range(1, PASSES_PER_BOOK + 1):
            rows.append({"carnet": book, "pass": format_serial(new_serial()), "rang": str(position)})
    mapping = {"book": "carnet", "pass": "pass", "position": "rang"}
    try:
        started = time.perf_counter()
        result = import_serials(fresh, rows, mapping, acting_user=users["coordinator"])
        elapsed = time.perf_counter() - started
    finally:
        with transaction.atomic():
            Pass.objects.filter(book__order=fresh).delete()
            Book.objects.filter(order=fresh).delete()
            FunderShare.objects.filter(order=fresh).delete()
            fresh.delete()
    return {
        **_ledger_numbers(order, creation),
        "serials_imported": result["passes"],
        "books_imported": result["books"],
        "import_s": round(elapsed, 2),
        "target_s": 10,
    }


def redeem_scenario(requests=REDEMPTIONS):
    """`requests` redemptions of random passes of handed-out books, each timed; then as many refusals of an
    already used pass."""
    from django.core.exceptions import ValidationError

    from vouchers.models import Pass
    from vouchers.services import redeem_pass

    order, place, users, creation = ensure_ledger()
    rng = random.Random(SEED + int(time.time()))
    candidates = list(
        Pass.objects.filter(book__order=order, book__status="handed_out", status=Pass.Status.AVAILABLE).values_list(
            "serial", flat=True
        )[: requests * 20]
    )
    if len(candidates) < requests:
        raise RuntimeError("Plus assez de pass à encaisser dans le jeu de mesure : supprimez data/bench/.")
    chosen = rng.sample(candidates, requests)
    mediator = users["mediator"]
    redeem_pass(chosen[0], acting_user=mediator, place=place, service=SERVICE)  # warm-up
    timings = []
    for serial in chosen[1:]:
        started = time.perf_counter()
        redeem_pass(serial, acting_user=mediator, place=place, service=SERVICE)
        timings.append((time.perf_counter() - started) * 1000)
    refusals = []
    for serial in chosen[1 : requests // 3]:
        started = time.perf_counter()
        try:
            redeem_pass(serial, acting_user=mediator, place=place, service=SERVICE)
        except ValidationError:
            pass
        refusals.append((time.perf_counter() - started) * 1000)
    timings.sort()
    refusals.sort()
    return {
        **_ledger_numbers(order, creation),
        "redemptions": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
        "max_ms": round(timings[-1], 2),
        "already_used_p95_ms": round(refusals[int(0.95 * (len(refusals) - 1))], 2),
        "target_p95_ms": 30,
    }


def statement_scenario():
    """Build the bench place's statement for the month of its 50,000 redemptions, from scratch."""
    from django.db import transaction
    from django.utils import timezone

    from vouchers.exporting import statement_csv
    from vouchers.models import Redemption, Statement, month_start
    from vouchers.services import build_statement

    order, place, users, creation = ensure_ledger()
    first = Redemption.objects.filter(place=place).order_by("at").values_list("at", flat=True).first()
    month = month_start(timezone.localtime(first).date())
    with transaction.atomic():
        Redemption.objects.filter(statement__place=place, statement__month=month).update(statement=None)
        Statement.objects.filter(place=place, month=month).delete()
    started = time.perf_counter()
    statement = build_statement(place, month, acting_user=users["coordinator"])
    build = time.perf_counter() - started
    started = time.perf_counter()
    again = build_statement(place, month, acting_user=users["coordinator"])
    rebuild = time.perf_counter() - started
    started = time.perf_counter()
    text = statement_csv(statement)
    csv_seconds = time.perf_counter() - started
    assert again.pk == statement.pk
    return {
        **_ledger_numbers(order, creation),
        "month": month.isoformat(),
        "redemptions_in_statement": statement.redemption_count,
        "total": statement.total_display,
        "build_s": round(build, 3),
        "rebuild_idempotent_s": round(rebuild, 3),
        "csv_s": round(csv_seconds, 3),
        "csv_bytes": len(text.encode()),
        "target_s": 2,
    }


def concurrent_redeem_scenario(attempts=ATTEMPTS):
    """PostgreSQL: `attempts` threads redeem the same fresh pass at once."""
    from django.core.exceptions import ValidationError
    from django.db import connection

    from accounts.models import User
    from vouchers.models import Pass
    from vouchers.services import redeem_pass

    if connection.vendor != "postgresql":
        return {"skipped": "PostgreSQL seulement (BENCH_DATABASE_URL=postgres://…)"}
    order, place, users, creation = ensure_ledger()
    serial = (
        Pass.objects.filter(book__order=order, book__status="handed_out", status=Pass.Status.AVAILABLE)
        .order_by("?")
        .values_list("serial", flat=True)
        .first()
    )
    barrier = threading.Barrier(attempts)
    results, lock = [], threading.Lock()

    def attempt():
        user = User.objects.get(pk=users["mediator"].pk)
        _ = user.cached_memberships
        try:
            barrier.wait(timeout=30)
            started = time.perf_counter()
            try:
                redeem_pass(serial, acting_user=user, place=place, service=SERVICE)
                outcome = "ok"
            except ValidationError as error:
                outcome = error.code
            elapsed = (time.perf_counter() - started) * 1000
        finally:
            connection.close()
        with lock:
            results.append((outcome, elapsed))

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    wall = (time.perf_counter() - began) * 1000
    outcomes = [outcome for outcome, _ in results]
    timings = sorted(elapsed for _, elapsed in results)
    return {
        **_ledger_numbers(order, creation),
        "attempts": attempts,
        "succeeded": outcomes.count("ok"),
        "refused_already_used": outcomes.count("already_used"),
        "other_outcomes": sorted(set(outcomes) - {"ok", "already_used"}),
        "wall_ms_including_thread_start": round(wall, 1),
        "slowest_answer_ms": round(timings[-1], 1) if timings else None,
        "median_answer_ms": round(statistics.median(timings), 1) if timings else None,
        "exactly_one_succeeded": outcomes.count("ok") == 1,
    }


def figures_scenario():
    """The figures dashboard on the whole ledger (100,000 books, 15,000 handed out, 50,000 passes used): every
    table computed (what the page and the exports show), the XLSX export, and the reminders' dry run."""
    from vouchers import figures, reminders
    from vouchers.models import Book

    order, place, users, creation = ensure_ledger()
    books = Book.objects.all()
    timings = {}
    started = time.perf_counter()
    total = figures.book_figures(books)
    timings["synthesis_s"] = time.perf_counter() - started
    for name in ("by_organization", "by_place", "by_commune", "by_month", "median_days_to_first_use"):
        started = time.perf_counter()
        result = getattr(figures, name)(books)
        timings[f"{name}_s"] = time.perf_counter() - started
        if name == "median_days_to_first_use":
            total["median_days"] = result
    started = time.perf_counter()
    workbook = figures.figures_xlsx(books)
    timings["xlsx_s"] = time.perf_counter() - started
    started = time.perf_counter()
    due = reminders.remind_unused_books(wet_run=False)
    timings["reminders_dry_run_s"] = time.perf_counter() - started
    return {
        **_ledger_numbers(order, creation),
        "books": total["books"],
        "handed_out": total["handed_out"],
        "started": total["started"],
        "median_days": total["median_days"],
        "xlsx_bytes": len(workbook),
        "reminders_due": len(due),
        **{key: round(value, 3) for key, value in timings.items()},
    }
