"""What the URL walker (tests/site_map.py) needs to request the pages of places. Shared by the places helpers: add
your entries to the dicts below."""

from tests.places.factories import PlaceFactory


def _own_place(user):
    """A place the user's organisation holds (so mediators get the page, not a 404), published and complete."""
    membership = user.memberships.first() if user is not None else None
    return PlaceFactory(published=True, complete=True, organization=membership.organization if membership else None)


def _confirm_token(user):
    from places.emails import make_confirm_token

    return {"token": make_confirm_token(PlaceFactory(published=True, complete=True), "lieu@example.org")}


def _place_import():
    """A finished import with a rejected line, as the status page shows it."""
    from places.models import PlaceImport

    return PlaceImport.objects.create(
        source="exemple",
        filename="lieux.csv",
        status=PlaceImport.Status.FAILED,
        total_rows=2,
        processed_rows=2,
        rejected_count=1,
        errors=[{"line": 3, "column": "code_postal", "message": "« 4700 » n'est pas un code postal (5 chiffres)."}],
    )


def _duplicate_pair():
    """Two records of the same library, as a second source would bring it."""
    kept = PlaceFactory(published=True, complete=True, name="Médiathèque Lacépède", address="12 rue Lacépède")
    duplicate = PlaceFactory(published=True, name="Mediatheque Lacepede", address="12, rue Lacépède")
    return duplicate, kept


SAMPLES = {
    "places:manage_edit": lambda user: {"pk": _own_place(user).pk},
    "places:manage_archive": lambda user: {"pk": _own_place(user).pk},
    "places:confirm_by_link": _confirm_token,
    "places:detail": lambda user: {"pk": PlaceFactory(published=True, complete=True).pk},
    "places:import_detail": lambda user: {"pk": _place_import().pk},
    "places:duplicates_compare": lambda user: {"pk": _duplicate_pair()[0].pk},
}

PUBLIC = {
    "places:confirm_by_link": "lien « toujours exact » des e-mails de rappel (signé, limité dans le temps)",
    "places:search": "annuaire public des lieux",
    "places:detail": "fiche publique d'un lieu",
    "places:report_error": "« Signaler une erreur » depuis la fiche publique d'un lieu",
    "places:open_data_csv": "données ouvertes : lieux publiés au standard (CSV)",
    "places:open_data_json": "données ouvertes : lieux publiés au standard (JSON)",
    "places:open_data_data_inclusion": "données ouvertes : lieux publiés au format data·inclusion",
}

STATUS_ONLY = {
    "places:open_data_csv": "CSV",
    "places:open_data_json": "JSON",
    "places:open_data_data_inclusion": "JSON",
}

SKIP = {
    "places:manage_confirm": "POST seulement",
    "places:manage_publish": "POST seulement",
    "places:report_resolve": "POST seulement",
    "places:report_error": "POST seulement",
    "places:duplicates_merge": "POST seulement",
}

EXPECTED_STATUS = {
    "places:import_upload": {"coordinator": {200}, "administrator": {200}, "*": {403}},
    "places:import_detail": {"coordinator": {200}, "administrator": {200}, "*": {403}},
    "places:duplicates_compare": {"coordinator": {200}, "administrator": {200}, "*": {403}},
}
