from places.models import Place
from referrals.ranking import format_distance, rank_places, services_for_needs
from tests.geo.factories import CommuneFactory
from tests.places.factories import PlaceFactory

ADMIN = "Aide aux démarches administratives"
TOOLS = "Maîtrise des outils numériques du quotidien"
# About 0.009° of latitude per km.
KM = 0.009


def place_at(km_north, **fields):
    fields.setdefault("status", Place.Status.PUBLISHED)
    return PlaceFactory(latitude=44.2 + km_north * KM, longitude=0.6, **fields)


def test_matching_services_first_then_nearer():
    commune = CommuneFactory(latitude=44.2, longitude=0.6)
    near_no_service = place_at(1, services=[TOOLS], name="Près")
    far_with_service = place_at(12, services=[ADMIN], name="Loin")
    nearer_with_service = place_at(4, services=[ADMIN], name="Moyen")
    place_at(2, services=[ADMIN], status=Place.Status.DRAFT)  # not published
    place_at(60, services=[ADMIN])  # outside the radius
    PlaceFactory(status=Place.Status.PUBLISHED, services=[ADMIN])  # no coordinates

    ranked = rank_places(needs=[ADMIN], commune=commune)
    assert [place for place, _score, _reasons in ranked] == [nearer_with_service, far_with_service, near_no_service]
    place, score, reasons = ranked[0]
    assert reasons == ["propose l'aide aux démarches administratives", "à 4 km"]
    assert ranked[0][1] > ranked[1][1]
    assert ranked[2][2] == ["à 1 km"]


def test_themes_map_to_services_and_limit():
    commune = CommuneFactory(latitude=44.2, longitude=0.6)
    for km in range(1, 6):
        place_at(km, services=[ADMIN])
    assert services_for_needs(["logement", ADMIN, "email"]) == [ADMIN, TOOLS]
    assert len(rank_places(needs=["logement"], commune=commune, limit=3)) == 3


def test_specific_needs_and_opening_reasons():
    commune = CommuneFactory(latitude=44.2, longitude=0.6)
    plain = place_at(2, services=[ADMIN], opening_hours="Mo 09:00-12:00")
    welcoming = place_at(5, services=[ADMIN], specific_support=["Surdité"], opening_hours="Tu 09:00-12:00")
    ranked = rank_places(needs=[ADMIN], commune=commune, specific_needs=["hearing"], days=["tu_morning"])
    assert [place for place, *_ in ranked] == [welcoming, plain]
    assert ranked[0][2] == [
        "propose l'aide aux démarches administratives",
        "accueille les personnes sourdes ou malentendantes",
        "à 5 km",
        "ouvert le mardi matin",
    ]


def test_no_point_no_ranking():
    assert rank_places(needs=[ADMIN], commune=None) == []
    assert rank_places(needs=[ADMIN], commune=CommuneFactory(latitude=None, longitude=None)) == []


def test_format_distance():
    assert format_distance(0.4) == "à moins d'1 km"
    assert format_distance(3.6) == "à 4 km"
