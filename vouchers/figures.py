"""The figures a sponsor asks for: books handed out, started, fully used, expired — in total and by prescriber
organisation, by commune, by month of hand-out — the passes redeemed by place, and the median time from hand-out to
first use. Read-only; every function takes a `Book` QuerySet already scoped by the caller
(`Book.objects.visible_to(user)`, `.filter(order=…)`), and works on SQLite and PostgreSQL alike.

Definitions:
- « remis » : handed out to a person;
- « entamé » : at least one pass used (an active redemption);
- « entièrement utilisé » : every pass of the book used;
- « expiré » : handed out, and at least one pass expired unused;
- « délai avant la première utilisation » : from the hand-out to the book's first active redemption, in days."""

import statistics

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from vouchers.models import Book, Pass, Redemption

S = Book.Status


def _count_of_passes(status):
    counted = (
        Pass.objects.filter(book=OuterRef("pk"), status=status)
        .order_by()
        .values("book")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_usage(books):
    """Annotate each book with `used` and `lapsed` (passes redeemed, expired)."""
    return books.order_by().annotate(
        used=_count_of_passes(Pass.Status.REDEEMED), lapsed=_count_of_passes(Pass.Status.EXPIRED)
    )


FIGURES = {
    "books": Count("pk"),
    "handed_out": Count("pk", filter=Q(status=S.HANDED_OUT)),
    "started": Count("pk", filter=Q(used__gte=1)),
    "fully_used": Count("pk", filter=Q(used=F("order__passes_per_book"))),
    "expired": Count("pk", filter=Q(status=S.HANDED_OUT, lapsed__gte=1)),
    "passes_used": Coalesce(Sum("used"), 0),
    "passes_expired": Coalesce(Sum("lapsed"), 0),
}


def _complete(row):
    row["not_handed_out"] = row["books"] - row["handed_out"]
    row["never_started"] = row["handed_out"] - row["started"]
    row["started_share"] = round(100 * row["started"] / row["handed_out"]) if row["handed_out"] else None
    return row


def book_figures(books):
    """{books, handed_out, not_handed_out, started, never_started, started_share (%), fully_used, expired,
    passes_used, passes_expired}, in one query."""
    return _complete(with_usage(books).aggregate(**FIGURES))


def _grouped(books, *keys, **extra):
    rows = with_usage(books).values(*keys, **extra).annotate(**FIGURES).order_by(*(extra or keys))
    return [_complete(dict(row)) for row in rows]


def by_organization(books):
    """One row per prescriber organisation holding books: organization_id, organization__name and the figures."""
    return _grouped(books.filter(organization__isnull=False), "organization_id", "organization__name")


def by_commune(books):
    """One row per commune of the people who received a book (handed-out books only)."""
    return _grouped(books.filter(status=S.HANDED_OUT), "handed_to__commune_id", "handed_to__commune__name")


def by_month(books):
    """One row per month of hand-out (`month`, a date at the first of the month)."""
    rows = _grouped(books.filter(status=S.HANDED_OUT), month=TruncMonth("handed_at"))
    for row in rows:
        if hasattr(row["month"], "date"):
            row["month"] = row["month"].date()
    return rows


def by_place(books):
    """One row per place where passes of these books were redeemed: place_id, place__name, passes, amount_cents,
    books (distinct), people (distinct)."""
    return list(
        Redemption.objects.active()
        .filter(pass_obj__book__in=books.order_by().values("pk"))
        .order_by()
        .values("place_id", "place__name")
        .annotate(
            passes=Count("pk"),
            amount_cents=Sum("amount_cents"),
            books=Count("pass_obj__book", distinct=True),
            people=Count("pass_obj__book__handed_to", distinct=True),
        )
        .order_by("-passes", "place__name")
    )


def days_to_first_use(books):
    """The delays (days, float) between hand-out and first use, for the handed-out books already started."""
    first_use = Subquery(
        Redemption.objects.active().filter(pass_obj__book=OuterRef("pk")).order_by("at").values("at")[:1]
    )
    rows = (
        books.filter(status=S.HANDED_OUT)
        .order_by()
        .annotate(first_use=first_use)
        .filter(first_use__isnull=False)
        .values_list("handed_at", "first_use")
    )
    return [(first - handed).total_seconds() / 86400 for handed, first in rows.iterator(chunk_size=5000)]


def median_days_to_first_use(books):
    """The median of `days_to_first_use`, rounded to a tenth of a day; None when no book was started."""
    values = days_to_first_use(books)
    return round(statistics.median(values), 1) if values else None


def unused_books(books, *, handed_before):
    """Handed-out books with no pass used yet, handed out before `handed_before` (a datetime), and whose order is
    still open: the people to remind (through their contact preference) that their book is waiting for them."""
    return (
        books.filter(status=S.HANDED_OUT, handed_at__lt=handed_before, order__expired_at__isnull=True)
        .exclude(passes__status=Pass.Status.REDEEMED)
        .select_related("handed_to", "organization", "order")
        .order_by("handed_at", "pk")
    )


# Columns of the exports: (key, French heading).
FIGURE_COLUMNS = [
    ("books", "Carnets"),
    ("handed_out", "Remis"),
    ("not_handed_out", "Non remis"),
    ("started", "Entamés"),
    ("never_started", "Jamais utilisés"),
    ("started_share", "Part entamée (%)"),
    ("fully_used", "Entièrement utilisés"),
    ("expired", "Expirés"),
    ("passes_used", "Pass utilisés"),
    ("passes_expired", "Pass expirés"),
]


def figures_tables(books):
    """Every table of the figures, as (sheet title, headings, rows) — what the CSV and XLSX exports write."""
    values = [key for key, _label in FIGURE_COLUMNS]
    labels = [label for _key, label in FIGURE_COLUMNS]
    total = book_figures(books)
    tables = [("Synthèse", labels, [[total[key] for key in values]])]
    tables.append(
        (
            "Par organisation",
            ["Organisation", *labels],
            [[row["organization__name"], *(row[key] for key in values)] for row in by_organization(books)],
        )
    )
    tables.append(
        (
            "Par commune",
            ["Commune", *labels],
            [
                [row["handed_to__commune__name"] or "Non renseignée", *(row[key] for key in values)]
                for row in by_commune(books)
            ],
        )
    )
    tables.append(
        (
            "Par mois de remise",
            ["Mois", *labels],
            [[row["month"].strftime("%Y-%m"), *(row[key] for key in values)] for row in by_month(books)],
        )
    )
    tables.append(
        (
            "Par lieu",
            ["Lieu", "Pass utilisés", "Montant (€)", "Carnets", "Personnes"],
            [
                [row["place__name"], row["passes"], row["amount_cents"] / 100, row["books"], row["people"]]
                for row in by_place(books)
            ],
        )
    )
    median = median_days_to_first_use(books)
    tables.append(
        (
            "Délai",
            ["Délai médian entre la remise et la première utilisation (jours)"],
            [[median if median is not None else "—"]],
        )
    )
    return tables


def figures_xlsx(books):
    """The figures as an XLSX workbook (bytes), one sheet per table."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headings, rows in figures_tables(books):
        sheet = workbook.create_sheet(title[:31])
        sheet.append(headings)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for column, heading in zip(sheet.columns, headings, strict=False):
            sheet.column_dimensions[column[0].column_letter].width = max(12, min(60, len(heading) + 2))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def figures_csv(books):
    """The figures as one CSV text (« ; »), the tables one after the other, each under its title."""
    import csv
    import io

    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    for title, headings, rows in figures_tables(books):
        writer.writerow([title])
        writer.writerow(headings)
        writer.writerows([[_french(cell) for cell in row] for row in rows])
        writer.writerow([])
    return output.getvalue()


def _french(value):
    """Decimal numbers with a comma, as a French spreadsheet reads them."""
    return f"{value:.2f}".replace(".", ",") if isinstance(value, float) else value
