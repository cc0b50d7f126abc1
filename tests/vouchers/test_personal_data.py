from people import extensions, timeline
from tests.people.factories import PersonFactory
from tests.vouchers.factories import BookFactory, first_pass, holder_user, place_user, qualified_place
from vouchers import serials, services

SERVICE = "Loisirs et créations numériques"


def test_the_person_timeline_and_export_show_the_book_and_its_uses():
    book = BookFactory(handed_out=True)
    place = qualified_place(name="Fablab d'Agen")
    services.redeem_pass(first_pass(book).serial, acting_user=place_user(place), place=place, service=SERVICE)
    labels = [event.label for event in timeline.events_for(book.handed_to, holder_user(book))]
    assert f"Pass utilisé à Fablab d'Agen ({SERVICE})" in labels
    assert any(label.startswith(f"Carnet Pass Numérique {serials.format_serial(book.serial)}") for label in labels)
    assert timeline.events_for(book.handed_to, place_user(place)) == []  # the place never learns who holds it
    exported = extensions.exports_for(book.handed_to)["pass_numerique"]
    assert exported[0]["carnet"] == serials.format_serial(book.serial)
    assert [p["statut"] for p in exported[0]["pass"]].count("Utilisé") == 1


def test_merging_two_records_moves_the_books():
    book = BookFactory(handed_out=True)
    kept = PersonFactory()
    counts = extensions.merge_into(book.handed_to, kept, acting_user=None)
    assert counts["carnets_pass_numerique"] == 1
    book.refresh_from_db()
    assert book.handed_to == kept
