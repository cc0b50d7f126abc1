import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from geo.models import Commune, Departement
from tests.geo.factories import CommuneFactory


def names(communes):
    return [c.name for c in communes]


def codes(communes):
    return [c.insee_code for c in communes]


@pytest.fixture(autouse=True)
def _territory(territory):
    pass


def test_name_ignores_case_and_accents():
    assert names(Commune.objects.search("agen"))[0] == "Agen"
    assert names(Commune.objects.search("AGEN"))[0] == "Agen"
    assert names(Commune.objects.search("ledat"))[0] == "Lédat"
    assert names(Commune.objects.search("LÉDAT"))[0] == "Lédat"


def test_agen_comes_before_longer_names():
    results = names(Commune.objects.search("agen"))
    assert results[:2] == ["Agen", "Agen-d'Aveyron"]
    assert "Penne-d'Agenais" in results  # a later word starting with "agen"


def test_hyphens_and_saint_abbreviations():
    for text in ("st sylvestre", "Saint Sylvestre sur Lot", "saint-sylvestre-sur-lot", "ST-SYLVESTRE"):
        assert "Saint-Sylvestre-sur-Lot" in names(Commune.objects.search(text)), text
    assert names(Commune.objects.search("ste livrade sur lot")) == ["Sainte-Livrade-sur-Lot"]


def test_exact_name_first_then_prefix_then_population():
    results = Commune.objects.search("saint sylvestre")
    assert names(results[:3]) == ["Saint-Sylvestre"] * 3
    assert names(results)[3] == "Saint-Sylvestre-sur-Lot"
    populations = [c.population for c in results[:3]]
    assert populations == sorted(populations, reverse=True)


def test_served_departement_first_when_asked():
    results = Commune.objects.search("saint sylvestre", prefer_departement="47")
    assert names(results)[0] == "Saint-Sylvestre-sur-Lot"


def test_words_in_any_order_and_inside_the_name():
    assert names(Commune.objects.search("sylvestre lot")) == ["Saint-Sylvestre-sur-Lot"]
    assert names(Commune.objects.search("lot sylv")) == ["Saint-Sylvestre-sur-Lot"]
    sur_lot = names(Commune.objects.search("sur lot", limit=50))
    assert {"Villeneuve-sur-Lot", "Sainte-Livrade-sur-Lot", "Castelmoron-sur-Lot"} <= set(sur_lot)


def test_words_must_start_a_word():
    assert "Agen" not in names(Commune.objects.search("gen"))


def test_unknown_name_and_blank_text():
    assert Commune.objects.search("xyzzy") == []
    assert Commune.objects.search("") == []
    assert Commune.objects.search("  - ") == []


def test_limit():
    assert len(Commune.objects.search("saint", limit=3)) == 3
    assert len(Commune.objects.search("saint")) == 10


def test_postal_code_finds_every_commune_with_it():
    results = Commune.objects.search("47300", limit=20)
    assert results[0].name == "Villeneuve-sur-Lot"
    assert {"Bias", "Pujols", "Villeneuve-sur-Lot"} <= set(names(results))
    # 47300 is also the INSEE code of Sérignac-sur-Garonne (postal code 47310): it comes after the postal matches.
    assert results[-1].name == "Sérignac-sur-Garonne"


def test_insee_code():
    assert names(Commune.objects.search("47001")) == ["Agen"]
    assert names(Commune.objects.search("47000")) == ["Agen"]


def test_corsican_insee_codes():
    assert names(Commune.objects.search("2A004")) == ["Ajaccio"]
    assert names(Commune.objects.search("2b033")) == ["Bastia"]


def test_postal_code_prefix():
    results = Commune.objects.search("473")
    assert results and all(any(code.startswith("473") for code in c.postal_codes) for c in results)


def test_autocomplete_label():
    assert names(Commune.objects.search("Agen (47000)")) == ["Agen"]
    assert names(Commune.objects.search("Bias (47300)")) == ["Bias"]
    assert names(Commune.objects.search("Ajaccio (2A004)")) == ["Ajaccio"]


def test_queryset_restricts_the_search():
    assert names(Commune.objects.in_served_departement().search("saint sylvestre")) == ["Saint-Sylvestre-sur-Lot"]
    assert Commune.objects.in_served_departement().search("paris") == []


def test_name_search_takes_at_most_two_queries():
    with CaptureQueriesContext(connection) as queries:
        Commune.objects.search("sylvestre lot")
    assert len(queries) == 2
    with CaptureQueriesContext(connection) as queries:
        Commune.objects.search("saint")
    assert len(queries) == 1


def test_served_departement(settings):
    assert Departement.objects.served().name == "Lot-et-Garonne"
    assert Commune.objects.in_served_departement().count() == 319
    settings.PLATFORM_DEPARTEMENT = "2A"
    assert Departement.objects.served().name == "Corse-du-Sud"
    assert codes(Commune.objects.in_served_departement()) == ["2A004"]


def test_label_and_point():
    agen = Commune.objects.get(pk="47001")
    assert agen.label == "Agen (47000)"
    assert agen.point == pytest.approx((44.203233, 0.615525))
    assert str(agen) == "Agen (47)"
    assert agen.epci.name


def test_label_without_postal_code_uses_the_insee_code():
    commune = CommuneFactory(name="Île-Test", postal_codes=[])
    assert commune.label == f"Île-Test ({commune.insee_code})"
    assert names(Commune.objects.search(commune.label)) == ["Île-Test"]


def test_factory_commune_is_searchable():
    commune = CommuneFactory(name="Saint-Test-sur-Lot")
    assert commune.search_name == "saint test sur lot"
    assert Commune.objects.search("st test") == [commune]
    assert Commune.objects.search(commune.postal_codes[0]) == [commune]
    assert CommuneFactory(without_point=True).point is None
