"""« Trouver de l'aide »: the four steps through the HTTP client (answers kept going back and forth, errors beside
the fields), the result (ranking, why, open at the chosen times), sending it by SMS or e-mail, the rate limit and the
weight of each page."""

import gzip
import json
import re
import socket
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from core import sms
from geo.lookup import nearest_commune
from geo.testing import load_test_territory
from orientation import views_guide
from orientation.guide import STEPS_BY_SLUG, result_url
from tests.places.factories import PlaceFactory

START = reverse("orientation:guide")
ADMIN = "Aide aux démarches administratives"
TOOLS = "Maîtrise des outils numériques du quotidien"
AGEN = "Agen (47000)"
ANSWERS = {"besoin": ["demarches"], "commune": AGEN}


def step_url(slug):
    return STEPS_BY_SLUG[slug].url()


def query_of(url):
    return parse_qs(urlsplit(url).query)


@pytest.fixture
def territory():
    load_test_territory(departements=["47"], insee_codes=[])


def test_start_page_explains_and_starts(client):
    response = client.get(START)
    assert response.status_code == 200
    assert "<h1>Trouver de l'aide près de chez vous</h1>" in response.text
    assert f'href="{step_url("besoin")}"' in response.text
    assert 'href="/etre-rappele/"' in response.text


def test_unknown_step_is_404(client):
    assert client.get("/trouver-de-l-aide/inconnue/").status_code == 404


# Step 1: the need ------------------------------------------------------------------------------------------


def test_need_step_shows_the_everyday_needs(client):
    response = client.get(step_url("besoin"))
    assert response.status_code == 200
    text = response.text
    assert "Étape 1 sur 4" in text
    assert "<h1>De quoi avez-vous besoin ?</h1>" in text
    assert "Faire une démarche en ligne (CAF, impôts, retraite, santé, France Travail…)" in text
    assert "Aider mon enfant avec l&#x27;école en ligne" in text
    assert f'href="{START}"' in text  # « Retour » leads to the introduction


def test_need_step_without_an_answer_shows_the_error_beside_the_field_and_on_top(client):
    response = client.get(step_url("besoin"), {"valider": "1"})
    assert response.status_code == 200
    text = response.text
    assert response.context["form"].errors["needs"] == [
        "Cochez au moins une réponse. Si vous ne savez pas, cochez « Autre chose »."
    ]
    assert "data-error-summary" in text and 'href="#id_besoin_0"' in text
    assert 'id="id_besoin_error"' in text
    assert "<title>Erreur : De quoi avez-vous besoin ? (étape 1 sur 4)" in text


def test_need_step_with_an_unknown_answer_is_an_error(client):
    response = client.get(step_url("besoin"), {"valider": "1", "besoin": "voler"})
    assert response.context["form"].errors["needs"] == ["Cette réponse n'existe pas : cochez une réponse de la liste."]


def test_need_step_goes_on_to_where_keeping_later_answers(client):
    response = client.get(
        step_url("besoin"), {"valider": "1", "besoin": ["demarches", "ecole"], "moment": "tu_morning"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(step_url("ou"))
    assert query_of(response["Location"]) == {"besoin": ["demarches", "ecole"], "moment": ["tu_morning"]}


# Step 2: where ---------------------------------------------------------------------------------------------


def test_where_step_resolves_a_commune_and_normalises_it(client, territory):
    response = client.get(step_url("ou"), {"valider": "1", "besoin": "demarches", "commune": "agen"})
    assert response.status_code == 302
    assert response["Location"].startswith(step_url("quand"))
    assert query_of(response["Location"]) == {"besoin": ["demarches"], "commune": [AGEN]}


def test_where_step_takes_a_postal_code(client, territory):
    response = client.get(step_url("ou"), {"valider": "1", "besoin": "demarches", "commune": "47600"})
    assert query_of(response["Location"])["commune"] == ["Nérac (47600)"]


def test_where_step_suggests_close_names_for_an_unknown_commune(client, territory):
    response = client.get(step_url("ou"), {"valider": "1", "besoin": "demarches", "commune": "Nerak"})
    assert response.status_code == 200
    error = response.context["form"].errors["commune"][0]
    assert error.startswith("Aucune commune ne s'appelle « Nerak ». Vouliez-vous dire « Nérac (47600) »")
    label, url = response.context["suggestions"][0]
    assert label == "Nérac (47600)"
    assert query_of(url) == {"besoin": ["demarches"], "commune": ["Nérac (47600)"], "valider": ["1"]}
    assert client.get(url)["Location"].startswith(step_url("quand"))


def test_where_step_without_anything_asks_for_the_commune(client, territory):
    response = client.get(step_url("ou"), {"valider": "1", "besoin": "demarches", "commune": ""})
    assert response.context["form"].errors["commune"] == ["Écrivez le nom de votre commune ou votre code postal."]
    assert 'href="#id_commune"' in response.text


def test_where_step_maps_the_position_to_the_nearest_commune(client, territory):
    response = client.get(
        step_url("ou"), {"valider": "1", "besoin": "demarches", "commune": "", "lat": "44.204", "lon": "0.621"}
    )
    assert response.status_code == 302
    assert query_of(response["Location"]) == {"besoin": ["demarches"], "commune": [AGEN]}  # the position is dropped


def test_nearest_commune_of_a_position(territory):
    assert nearest_commune(44.204, 0.621).name == "Agen"
    assert nearest_commune(44.14, 0.34).name == "Nérac"
    assert nearest_commune(0, -30) is None
    assert nearest_commune(None, 0.6) is None


def test_where_step_with_a_position_far_from_any_commune(client, territory):
    response = client.get(step_url("ou"), {"valider": "1", "besoin": "demarches", "lat": "0", "lon": "-30"})
    assert response.context["form"].errors["commune"] == [
        "Nous n'avons pas trouvé de commune près de votre position. Écrivez votre commune."
    ]


def test_where_step_loads_the_autocomplete_and_the_locate_button(client, territory):
    text = client.get(step_url("ou"), {"besoin": "demarches"}).text
    assert "data-commune-autocomplete" in text
    assert "data-guide-locate hidden" in text
    assert '<script type="module" src="/static/js/guide.js"></script>' in text


# Going back and forth ---------------------------------------------------------------------------------------


def test_a_later_step_without_earlier_answers_shows_the_first_missing_step_with_its_error(client, territory):
    response = client.get(step_url("quand"), {"commune": AGEN})
    assert response.status_code == 200
    assert response.context["step"].slug == "besoin"
    assert response.context["form"].errors["needs"]
    assert '<input type="hidden" name="commune" value="Agen (47000)">' in response.text


def test_answers_are_kept_going_back_and_forth(client, territory):
    answers = {**ANSWERS, "moment": ["tu_morning", "th_afternoon"], "particulier": ["vue"]}
    # Back to the first step: its answer is ticked, the other answers travel as hidden fields.
    response = client.get(step_url("besoin"), answers)
    text = response.text
    assert re.search(r'<input type="checkbox" name="besoin" value="demarches"[^>]* checked>', text)
    for name, value in [
        ("commune", AGEN),
        ("moment", "tu_morning"),
        ("moment", "th_afternoon"),
        ("particulier", "vue"),
    ]:
        assert f'<input type="hidden" name="{name}" value="{value}">' in text
    # Changing the need keeps everything else, up to the result.
    response = client.get(step_url("besoin"), {**answers, "valider": "1", "besoin": "ecole"})
    assert query_of(response["Location"]) == {
        **{k: v if isinstance(v, list) else [v] for k, v in answers.items()},
        "besoin": ["ecole"],
    }
    # « Retour » from the third step leads to the second with every answer.
    response = client.get(step_url("quand"), answers)
    assert query_of(response.context["back_url"]) == {k: v if isinstance(v, list) else [v] for k, v in answers.items()}
    assert re.search(r'name="moment" value="th_afternoon"[^>]* checked', response.text)
    assert response.context["back_url"].startswith(step_url("ou"))


# Steps 3 and 4: when, specific needs ------------------------------------------------------------------------


def test_when_step_can_be_skipped(client, territory):
    response = client.get(step_url("quand"), {**ANSWERS, "moment": "tu_morning", "passer": "1"})
    assert response["Location"].startswith(step_url("besoins-particuliers"))
    assert "moment" not in query_of(response["Location"])


def test_when_step_lists_the_half_days_by_day(client, territory):
    response = client.get(step_url("quand"), ANSWERS)
    text = response.text
    assert "Étape 3 sur 4" in text
    assert "<legend>Lundi</legend>" in text and "<legend>Dimanche</legend>" in text
    assert 'value="tu_morning"' in text
    assert "N&#x27;importe quand" in text


def test_when_step_refuses_an_unknown_moment(client, territory):
    response = client.get(step_url("quand"), {**ANSWERS, "valider": "1", "moment": "xx_night"})
    assert response.context["form"].errors["moments"] == ["Ce moment n'existe pas : cochez des moments de la liste."]
    assert 'href="#id_moment_0"' in response.text and 'id="id_moment_error"' in response.text


def test_specific_needs_step_leads_to_the_result(client, territory):
    response = client.get(step_url("besoins-particuliers"), {**ANSWERS, "valider": "1", "particulier": "audition"})
    assert response["Location"] == result_url("besoin=demarches&commune=Agen+%2847000%29&particulier=audition")
    response = client.get(step_url("besoins-particuliers"), {**ANSWERS, "particulier": "audition", "passer": "1"})
    assert "particulier" not in query_of(response["Location"])


# The result --------------------------------------------------------------------------------------------------


def place(name, km_north, **fields):
    fields.setdefault("services", [ADMIN])
    return PlaceFactory(
        published=True, complete=True, name=name, latitude=44.2033 + km_north * 0.009, longitude=0.6163, **fields
    )


def test_result_ranks_the_places_and_says_why(client, territory):
    place("Loin mais adapté", 8, specific_support=["Déficience visuelle"])
    place("Proche", 1)
    place("Sans le service", 0.5, services=[TOOLS])
    response = client.get(result_url(), {**ANSWERS, "particulier": "vue"})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.place.name for row in rows] == ["Loin mais adapté", "Proche", "Sans le service"]
    assert rows[0].reasons == [
        "propose l'aide aux démarches administratives",
        "accueille les personnes malvoyantes",
        "à 8 km",
    ]
    text = response.text
    assert "Les lieux qui peuvent vous aider" in text
    assert "Propose l&#x27;aide aux démarches administratives" in text
    assert '<a href="tel:+33553000000">05 53 00 00 00</a>' in text
    assert f'href="{reverse("places:detail", args=[rows[0].place.pk])}"' in text
    assert "Lundi : 9 h – 12 h, 14 h – 17 h 30" in text
    assert "<title>3 lieux pour vous aider près d&#x27;Agen" in text


def test_result_says_whether_each_place_is_open_at_the_chosen_times(client, territory):
    place("Ouvert le mardi matin", 1, opening_hours="Tu 09:00-12:00")
    place("Sans horaires", 2, opening_hours="")
    response = client.get(result_url(), {**ANSWERS, "moment": ["tu_morning", "we_afternoon"]})
    rows = {row.place.name: row for row in response.context["rows"]}
    assert rows["Ouvert le mardi matin"].moments == [("mardi matin", "oui"), ("mercredi après-midi", "non")]
    assert rows["Sans horaires"].moments == [("mardi matin", "à vérifier"), ("mercredi après-midi", "à vérifier")]
    assert "ouvert le mardi matin" in rows["Ouvert le mardi matin"].reasons
    assert "Mardi matin : <strong>oui</strong>" in response.text
    assert "Horaires non connus. Appelez avant de venir." in response.text


def test_result_without_places_offers_a_call_back_and_the_directory(client, territory):
    response = client.get(result_url(), ANSWERS)
    text = response.text
    assert response.context["rows"] == []
    assert "Nous n'avons pas trouvé de lieu" in text
    assert 'href="/etre-rappele/"' in text and f'href="{reverse("places:search")}"' in text
    assert "Recevoir par SMS" not in text


def test_result_with_missing_answers_shows_the_step_to_fix(client, territory):
    response = client.get(result_url(), {"besoin": "demarches", "commune": "Nerak"})
    assert response.status_code == 200
    assert response.context["step"].slug == "ou"
    assert "Vouliez-vous dire" in response.text


def test_result_query_count_does_not_grow_with_the_places(client, territory, django_assert_max_num_queries):
    for index in range(10):
        place(f"Lieu {index}", index + 1)
    with django_assert_max_num_queries(6):  # the commune (2), the ranking (2), the savepoint (2)
        response = client.get(result_url(), {**ANSWERS, "moment": ["tu_morning", "we_morning"]})
    assert len(response.context["rows"]) == 10


def test_result_prints_with_the_browser(client, territory):
    place("Proche", 1)
    text = client.get(result_url(), ANSWERS).text
    assert "data-guide-print hidden" in text
    assert "@media print" in Path(finders.find("css/guide.css")).read_text(encoding="utf-8")


# Sending the list --------------------------------------------------------------------------------------------

SEND_URL = reverse("orientation:guide_send")


@pytest.fixture
def sms_outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def test_send_by_sms_to_a_normalised_mobile(client, territory, sms_outbox, django_capture_on_commit_callbacks):
    for index in range(5):
        place(f"Lieu {index}", index + 1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SEND_URL, {**ANSWERS, "canal": "sms", "sms-phone": "06 12 34 56 78"})
    assert response.status_code == 302
    assert response["Location"] == result_url("besoin=demarches&commune=Agen+%2847000%29")
    assert len(sms_outbox) == 1
    message = sms_outbox[0]
    assert message.to == "+33612345678"
    assert message.text.startswith("Lieux pour vous aider près d'Agen :\n1. Lieu 0 - ")
    assert "3. Lieu 2" in message.text and "Lieu 3" not in message.text
    assert "05 53 00 00 00" in message.text


def test_the_sms_leaves_through_the_task_queue_after_the_answer(
    client, territory, sms_outbox, django_capture_on_commit_callbacks, settings
):
    settings.PLATFORM_CONTACT_PHONE = "05 53 00 00 01"
    place("Proche", 1)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(SEND_URL, {**ANSWERS, "canal": "sms", "sms-phone": "0612345678"})
    assert response.status_code == 302
    assert sms_outbox == []  # the page answers without waiting for the SMS provider
    [enqueue] = callbacks
    enqueue()
    assert [message.to for message in sms_outbox] == ["+33612345678"]
    text = client.get(response["Location"]).text
    assert "Le SMS part dans quelques instants : vous allez recevoir la liste par SMS." in text
    assert "S&#x27;il n&#x27;est pas arrivé dans une heure, vérifiez le numéro et demandez-le à nouveau" in text
    assert "ou appelez-nous au 05 53 00 00 01." in text


def unreachable_url():
    """An address on this machine where nothing listens: the SMS provider is down."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
    return f"http://127.0.0.1:{port}/sms"


def test_an_sms_provider_outage_does_not_break_the_page(
    client, territory, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "http"
    settings.SMS_API_URL = unreachable_url()
    place("Proche", 1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SEND_URL, {**ANSWERS, "canal": "sms", "sms-phone": "0612345678"})
    assert response.status_code == 302
    assert "Le SMS part dans quelques instants" in client.get(response["Location"]).text


def test_send_by_email(client, territory, settings, django_capture_on_commit_callbacks):
    settings.PLATFORM_CONTACT_PHONE = ""
    place("Proche", 1)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(SEND_URL, {**ANSWERS, "canal": "email", "email-email": "marie@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []  # queued, sent by the worker
    [enqueue] = callbacks
    enqueue()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["marie@example.org"]
    assert message.subject == "Lieux pour vous aider près d'Agen"
    assert "1. Proche - " in message.body
    assert (
        "http://testserver" not in message.body
        and "/trouver-de-l-aide/resultat/lieux/?besoin=demarches" in message.body
    )
    text = client.get(response["Location"]).text
    assert "L&#x27;e-mail part dans quelques instants : vous allez recevoir la liste par e-mail." in text
    assert "regardez dans les courriers indésirables (spam)" in text
    assert f"ou écrivez-nous à {settings.PLATFORM_CONTACT_EMAIL}." in text


def test_send_by_email_needs_an_address(client, territory):
    place("Proche", 1)
    response = client.post(SEND_URL, {**ANSWERS, "canal": "email", "email-email": "marie@"})
    assert response.context["email_form"].errors["email"] == [
        "Cette adresse e-mail n'est pas complète. Exemple : nom@exemple.fr."
    ]
    assert mail.outbox == []


def test_send_is_refused_politely_after_the_limit_per_destination(
    client, territory, sms_outbox, settings, django_capture_on_commit_callbacks
):
    settings.PLATFORM_CONTACT_PHONE = "05 53 00 00 01"
    place("Proche", 1)
    data = {**ANSWERS, "canal": "sms", "sms-phone": "0612345678"}
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(views_guide.SEND_LIMIT_PER_DESTINATION[0]):
            assert client.post(SEND_URL, data).status_code == 302
        response = client.post(
            SEND_URL, {**data, "sms-phone": "+33 6 12 34 56 78"}
        )  # the same number, written otherwise
    assert response.status_code == 429
    assert "<h1>Trop de demandes pour le moment</h1>" in response.text
    assert '<a href="tel:0553000001">05 53 00 00 01</a>' in response.text
    assert len(sms_outbox) == views_guide.SEND_LIMIT_PER_DESTINATION[0]
    assert client.post(SEND_URL, {**data, "sms-phone": "0712345678"}).status_code == 302  # another number


def test_send_is_refused_after_the_limit_per_address_with_the_contact_email(client, territory, monkeypatch, settings):
    settings.PLATFORM_CONTACT_PHONE = ""
    monkeypatch.setattr(views_guide, "SEND_LIMIT_PER_IP", (2, 3600))
    place("Proche", 1)
    for number in ("0612345601", "0612345602"):
        assert client.post(SEND_URL, {**ANSWERS, "canal": "sms", "sms-phone": number}).status_code == 302
    response = client.post(SEND_URL, {**ANSWERS, "canal": "sms", "sms-phone": "0612345603"})
    assert response.status_code == 429
    assert f'href="mailto:{settings.PLATFORM_CONTACT_EMAIL}"' in response.text
    assert "tel:" not in response.text  # no phone number for the network
    other = client.post(SEND_URL, {**ANSWERS, "canal": "sms", "sms-phone": "0612345603"}, REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 302


def test_send_stores_nothing_about_the_person(client, territory, sms_outbox):
    from core.models import RateLimitCounter

    place("Proche", 1)
    client.post(SEND_URL, {**ANSWERS, "canal": "sms", "sms-phone": "0612345678"})
    keys = " ".join(RateLimitCounter.objects.values_list("key", flat=True))
    assert "0612345678" not in keys and "+33612345678" not in keys and "127.0.0.1" not in keys


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


def stored_arguments():
    return [json.dumps(row.args_kwargs) for row in DBTaskResult.objects.all()]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("data", "destination"),
    [
        ({"canal": "sms", "sms-phone": "0612345678"}, "+33612345678"),
        ({"canal": "email", "email-email": "marie@example.org"}, "marie@example.org"),
    ],
)
def test_the_queue_forgets_the_destination_once_sent(client, territory, sms_outbox, settings, data, destination):
    settings.TASKS = DATABASE_QUEUE
    place("Proche", 1)
    assert client.post(SEND_URL, {**ANSWERS, **data}).status_code == 302
    assert sms_outbox == [] and mail.outbox == []
    assert destination in stored_arguments()[0]  # the worker needs it until it runs

    run_worker()

    assert [message.to for message in sms_outbox] + [message.to[0] for message in mail.outbox] == [destination]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert destination not in stored_arguments()[0]


@pytest.mark.django_db(transaction=True)
def test_the_queue_forgets_the_number_of_an_sms_that_could_not_leave(client, territory, sms_outbox, settings):
    settings.TASKS = DATABASE_QUEUE
    settings.SMS_BACKEND = "http"
    settings.SMS_API_URL = unreachable_url()
    place("Proche", 1)
    client.post(SEND_URL, {**ANSWERS, "canal": "sms", "sms-phone": "0612345678"})

    run_worker()

    row = DBTaskResult.objects.get()
    assert row.status == "FAILED" and "SmsError" in row.exception_class_path
    assert "+33612345678" not in stored_arguments()[0] and "+33612345678" not in row.traceback


def test_send_is_post_only(client):
    assert client.get(SEND_URL).status_code == 405


# Weight of the first load -------------------------------------------------------------------------------------

BUDGET = 40 * 1024


def first_load_size(response):
    """Gzipped HTML plus the gzipped CSS and JS files the page links to."""
    html = response.content
    total = len(gzip.compress(html, compresslevel=9))
    assets = set(re.findall(rb'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="/static/([^"?]+)"', html))
    assert assets
    for asset in assets:
        with open(finders.find(asset.decode()), "rb") as handle:
            total += len(gzip.compress(handle.read(), compresslevel=9))
    return total


def test_every_page_of_the_path_stays_under_40_kb(client, territory):
    for index in range(12):
        place(f"Espace numérique de la commune numéro {index}", index + 1)
    full = {**ANSWERS, "moment": [code for code in ("mo_morning", "tu_morning", "we_afternoon", "sa_morning")]}
    pages = [START, *(STEPS_BY_SLUG[slug].url() + "?besoin=demarches&commune=Agen" for slug in STEPS_BY_SLUG)]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert first_load_size(response) <= BUDGET, url
    response = client.get(result_url(), {**full, "particulier": ["vue", "audition"]})
    assert len(response.context["rows"]) == 10
    assert first_load_size(response) <= BUDGET
