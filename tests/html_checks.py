"""Site-wide HTML invariants, checked on every page by `test_site_invariants.py`."""

from collections import Counter

from bs4 import BeautifulSoup

INVALID_MARKER = "«INVALID"  # test settings set TEMPLATES string_if_invalid to "«INVALID:%s»"
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}


def _has_label(soup, field):
    if field.get("aria-label", "").strip():
        return True
    labelledby = field.get("aria-labelledby", "").split()
    if labelledby and all(soup.find(id=ref) for ref in labelledby):
        return True
    if field.find_parent("label") is not None:
        return True
    field_id = field.get("id")
    return bool(field_id and soup.find("label", attrs={"for": field_id}))


def _describe(tag):
    attrs = " ".join(f'{key}="{tag.get(key)}"' for key in ("name", "id", "type") if tag.get(key))
    return f"<{tag.name} {attrs}>"


def html_problems(html):
    """Returns the list of broken invariants (empty when the page is fine)."""
    problems = []
    soup = BeautifulSoup(html, "html.parser")

    root = soup.find("html")
    if root is None or root.get("lang") != "fr":
        problems.append(f'<html lang="fr"> attendu, trouvé {root.get("lang") if root else None!r}')

    h1_count = len(soup.find_all("h1"))
    if h1_count != 1:
        problems.append(f"exactement un <h1> attendu, trouvé {h1_count}")

    if len(soup.find_all("main")) != 1:
        problems.append("exactement un <main> attendu")

    title = soup.find("title")
    title_text = title.get_text(" ", strip=True) if title else ""
    # base.html adds " — <plateforme>": the page's own part must not be empty.
    if not title_text or not title_text.split("—")[0].strip():
        problems.append(f"<title> vide ou sans titre propre à la page : {title_text!r}")

    for field in soup.find_all(["input", "select", "textarea"]):
        if field.name == "input" and field.get("type", "text").lower() in UNLABELLED_INPUT_TYPES:
            continue
        if not _has_label(soup, field):
            problems.append(f"champ sans étiquette : {_describe(field)}")

    if INVALID_MARKER in html:
        start = html.index(INVALID_MARKER)
        problems.append(f"variable de gabarit inconnue : {html[start : start + 80]!r}")

    duplicates = [value for value, count in Counter(tag["id"] for tag in soup.find_all(id=True)).items() if count > 1]
    if duplicates:
        problems.append(f"id en double : {', '.join(sorted(duplicates))}")

    return problems
