import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from accounts.models import Role
from core.models import HistoryEntry
from tests.accounts.factories import UserFactory
from tests.vouchers.factories import OrderFactory, coordinator
from vouchers import serials
from vouchers.importing import (
    SerialImportRejected,
    guess_mapping,
    import_serials,
    read_serial_file,
    serial_file_template,
)
from vouchers.models import Book, Pass

MAPPING = {"book": "carnet", "pass": "pass", "position": "rang"}


@pytest.fixture
def order():
    return OrderFactory(book_count=3, passes_per_book=5, generated=False)


def rows_for(books=2, size=5):
    rows = []
    for _ in range(books):
        book = serials.new_serial(serials.BOOK_PREFIX)
        for position in range(1, size + 1):
            rows.append({"carnet": book, "pass": serials.format_serial(serials.new_serial()), "rang": str(position)})
    return rows


def test_a_good_file_is_imported(order):
    rows = rows_for(2)
    result = import_serials(order, rows, MAPPING, acting_user=coordinator(), headers=["carnet", "pass", "rang"])
    assert result == {"books": 2, "passes": 10}
    book = Book.objects.get(serial=rows[0]["carnet"])
    assert [p.serial for p in book.passes.order_by("position")] == [
        serials.normalize_serial(row["pass"]) for row in rows[:5]
    ]
    assert HistoryEntry.objects.filter(action="voucher_serials_imported").count() == 1


def test_ranks_may_come_in_any_order(order):
    rows = rows_for(1)
    rows.reverse()
    import_serials(order, rows, MAPPING, acting_user=coordinator())
    positions = dict(Pass.objects.values_list("serial", "position"))
    assert positions[serials.normalize_serial(rows[0]["pass"])] == 5


def rejected(order, rows, mapping=MAPPING, headers=None):
    with pytest.raises(SerialImportRejected) as error:
        import_serials(order, rows, mapping, acting_user=coordinator(), headers=headers)
    assert not Book.objects.filter(order=order).exists()
    assert not Pass.objects.filter(book__order=order).exists()
    return error.value.messages


def test_duplicates_in_the_file_are_rejected_with_line_numbers(order):
    rows = rows_for(2)
    rows[7]["pass"] = rows[1]["pass"]
    messages = rejected(order, rows)
    assert f"Ligne 9 : le pass {rows[1]['pass']} figure déjà ligne 3." in messages


def test_serials_already_in_the_base_are_rejected(order):
    existing = OrderFactory(book_count=1)
    known = existing.books.get().passes.first().serial
    rows = rows_for(1)
    rows[2]["pass"] = known
    messages = rejected(order, rows)
    assert f"Ligne 4 : le pass {serials.format_serial(known)} existe déjà dans la base." in messages


def test_bad_lines_are_rejected_and_nothing_is_written(order):
    rows = rows_for(2)
    good = rows[3]["pass"]
    rows[3]["pass"] = good[:-1] + ("A" if good[-1] != "A" else "B")
    rows[5]["rang"] = "12"
    messages = rejected(order, rows)
    assert any(m.startswith("Ligne 5 : numéro de pass") and "clé de contrôle" in m for m in messages)
    assert "Ligne 7 : le rang « 12 » doit être un nombre de 1 à 5." in messages


def test_a_book_must_have_the_right_number_of_passes(order):
    rows = rows_for(1)[:4]
    messages = rejected(order, rows)
    assert any("4 pass au lieu de 5" in m for m in messages)


def test_no_more_books_than_ordered(order):
    messages = rejected(order, rows_for(4))
    assert "Le fichier compte 4 carnet(s) ; la commande en prévoit 3 (dont 0 déjà enregistré(s))." in messages


def test_the_mapping_must_name_existing_columns(order):
    messages = rejected(order, rows_for(1), {"book": "carnet", "pass": "code"}, headers=["carnet", "pass"])
    assert "La colonne « code » n'existe pas dans le fichier." in messages
    messages = rejected(order, rows_for(1), {"book": "carnet"})
    assert "Indiquez la colonne « Numéro du pass »." in messages


def test_an_empty_file_is_rejected(order):
    assert rejected(order, []) == ["Le fichier ne contient aucune ligne de numéros."]


def test_only_the_coordination_imports(order):
    with pytest.raises(PermissionDenied):
        import_serials(order, rows_for(1), MAPPING, acting_user=UserFactory(role=Role.PRESCRIBER))


def test_reading_our_csv_format_and_guessing_the_mapping():
    data = ("\ufeffN° carnet;Numéro pass;Rang\r\nCN1;PN1;1\r\n").encode()
    headers, rows = read_serial_file(data)
    assert headers == ["N° carnet", "Numéro pass", "Rang"]
    assert rows == [{"N° carnet": "CN1", "Numéro pass": "PN1", "Rang": "1"}]
    assert guess_mapping(["Carnet", "Code", "Ordre"]) == {"book": "Carnet", "pass": "Code", "position": "Ordre"}
    latin = "carnet,pass\nCN1,PN\xe9\n".encode("cp1252")
    assert read_serial_file(latin)[1] == [{"carnet": "CN1", "pass": "PNé"}]


def test_the_template_file_imports_cleanly(order):
    headers, rows = read_serial_file(serial_file_template(order, books=2).encode())
    assert import_serials(order, rows, guess_mapping(headers), acting_user=coordinator(), headers=headers) == {
        "books": 2,
        "passes": 10,
    }


def test_the_command(order, tmp_path, capsys):
    user = coordinator()
    path = tmp_path / "numeros.csv"
    path.write_text(serial_file_template(order, books=1), encoding="utf-8")
    call_command("import_pass_serials", str(order.pk), str(path), "--as", user.email)
    assert "1 carnet(s) et 5 pass importés." in capsys.readouterr().out
    with pytest.raises(CommandError):  # the same file again: every serial already exists
        call_command("import_pass_serials", str(order.pk), str(path), "--as", user.email)
    assert "existe déjà dans la base" in capsys.readouterr().err
