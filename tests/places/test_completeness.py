from places.completeness import CHECKS, assess
from tests.places.factories import PlaceFactory


def test_weights_add_up_to_100():
    assert sum(weight for weight, _, _ in CHECKS) == 100


def test_complete_place_scores_100():
    result = assess(PlaceFactory.build(complete=True))
    assert result.score == 100
    assert result.missing == []


def test_bare_place_lists_what_is_missing_in_french():
    result = assess(PlaceFactory.build())
    assert result.score == 0
    assert result.missing[0] == "Ajoutez les services proposés"
    assert "Ajoutez les horaires" in result.missing


def test_email_alone_is_enough_contact():
    place = PlaceFactory.build(complete=True, phone="")
    assert assess(place).score == 100
    place.emails = []
    result = assess(place)
    assert result.score == 85
    assert result.missing == ["Ajoutez un téléphone ou une adresse e-mail"]
