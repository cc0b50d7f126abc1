"""Template helpers of core/templatetags/ui.py and the shared includes they serve."""

from bs4 import BeautifulSoup
from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory

from core.templatetags.ui import as_change, url_with_page


def render_pagination(query, number, count=200, per_page=10):
    request = RequestFactory().get("/liste/", query)
    page = Paginator(list(range(count)), per_page).get_page(number)
    html = Template('{% include "includes/pagination.html" with page=page %}').render(
        Context({"page": page, "request": request})
    )
    return BeautifulSoup(html, "html.parser")


def test_url_with_page_keeps_other_parameters():
    request = RequestFactory().get("/liste/", {"commune": "Agen", "type": ["fs", "bib"], "page": "3"})
    assert url_with_page({"request": request}, 4) == "?commune=Agen&type=fs&type=bib&page=4"


def test_url_with_page_leaves_page_one_out():
    request = RequestFactory().get("/liste/", {"commune": "Agen", "page": "3"})
    assert url_with_page({"request": request}, 1) == "?commune=Agen"
    assert url_with_page({"request": RequestFactory().get("/liste/")}, 1) == "?"


def test_url_with_page_escapes_values():
    request = RequestFactory().get("/liste/", {"q": "saint & sylvestre"})
    assert url_with_page({"request": request}, 2) == "?q=saint+%26+sylvestre&page=2"


def test_pagination_is_a_labelled_nav_with_the_current_page():
    soup = render_pagination({"q": "médiathèque"}, 6)
    nav = soup.find("nav")
    assert nav["aria-label"] == "Pagination"
    assert "Page 6 sur 20" in nav.get_text()
    current = nav.find("a", attrs={"aria-current": "page"})
    assert current.get_text(" ", strip=True) == "Page 6"
    assert current["href"] == "?q=m%C3%A9diath%C3%A8que&page=6"
    assert nav.find("a", attrs={"rel": "prev"})["href"] == "?q=m%C3%A9diath%C3%A8que&page=5"
    assert nav.find("a", attrs={"rel": "next"})["href"] == "?q=m%C3%A9diath%C3%A8que&page=7"
    assert "…" in nav.get_text()  # long ranges are elided


def test_pagination_has_no_previous_link_on_the_first_page_and_is_absent_for_one_page():
    nav = render_pagination({}, 1).find("nav")
    assert nav.find("a", attrs={"rel": "prev"}) is None
    assert render_pagination({}, 1, count=5).find("nav") is None


def test_empty_state_with_and_without_action():
    template = Template(
        '{% include "includes/empty_state.html" with message="Rien ici." action_url=url action_label=label %}'
    )
    soup = BeautifulSoup(template.render(Context({"url": "/ajouter/", "label": "Ajouter"})), "html.parser")
    assert soup.find("p").get_text() == "Rien ici."
    assert soup.find("a", href="/ajouter/").get_text() == "Ajouter"

    bare = Template('{% include "includes/empty_state.html" with message="Rien ici." %}').render(Context({}))
    assert "<a" not in bare


def test_as_change_reads_before_after_pairs_and_plain_values():
    assert as_change(["Ancien", "Nouveau"]) == {"before": "Ancien", "after": "Nouveau", "has_before": True}
    assert as_change([None, True]) == {"before": "(vide)", "after": "oui", "has_before": True}
    assert as_change("mediator") == {"before": "", "after": "mediator", "has_before": False}
