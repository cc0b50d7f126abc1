"""Person record pages. A person is always read through `Person.objects.visible_to(user)` (a forbidden id gives a
404), and every view of a record is written to the audit trail."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.pagination import paginate
from people import actions, services, timeline
from people.duplicates import duplicate_pairs, possible_duplicates
from people.forms import ConsentForm, EraseForm, MergeForm, PersonCreateForm, PersonForm
from people.models import Consent, Person
from people.permissions import (
    can_create_person,
    can_edit_person,
    can_erase_person,
    can_export_person,
    can_merge_people,
    can_see_some_person,
    creation_organizations,
)


def _visible_person(request, pk):
    return get_object_or_404(Person.objects.visible_to(request.user).select_related("commune"), pk=pk)


def _editable_person(request, pk, predicate=can_edit_person):
    person = _visible_person(request, pk)
    if not predicate(request.user, person):
        raise PermissionDenied
    return person


def _breadcrumbs(person=None):
    links = [("Personnes accompagnées", reverse("people:list"))]
    if person is not None:
        links.append((str(person), reverse("people:detail", args=[person.pk])))
    return links


def person_list(request):
    if not can_see_some_person(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    people = Person.objects.visible_to(request.user).search(query).select_related("commune")
    page = paginate(request, people, per_page=25)
    return render(
        request,
        "people/list.html",
        {
            "page": page,
            "query": query,
            "can_create": can_create_person(request.user),
            "can_merge": can_merge_people(request.user),
        },
    )


def person_create(request):
    if not can_create_person(request.user):
        raise PermissionDenied
    form = PersonCreateForm(
        request.POST or None, organizations=creation_organizations(request.user), user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(
                acting_user=request.user,
                organization=form.organization(),
                consent_purpose=Consent.Purpose.ACCOMPANIMENT,
                consent_method=form.cleaned_data["consent_method"],
                **form.identity_fields(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"La fiche de {person} est créée.")
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/form.html",
        {"form": form, "person": None, "breadcrumbs": _breadcrumbs(), "current": "Nouvelle personne"},
    )


def person_detail(request, pk):
    person = _visible_person(request, pk)
    services.note_person_viewed(person, request.user)
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "consents": person.consents.select_related("recorded_by"),
            "involvements": person.involvements.select_related("organization"),
            "events": timeline.events_for(person, request.user),
            "actions": actions.actions_for(request.user, person),
            "can_edit": can_edit_person(request.user, person),
            "can_erase": can_erase_person(request.user, person),
            "can_merge": can_merge_people(request.user),
            "breadcrumbs": _breadcrumbs(),
            "current": str(person),
        },
    )


def person_edit(request, pk):
    person = _editable_person(request, pk)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        services.update_person(Person.objects.get(pk=person.pk), acting_user=request.user, **form.identity_fields())
        messages.success(request, "Les informations de la personne sont mises à jour.")
        return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/form.html",
        {"form": form, "person": person, "breadcrumbs": _breadcrumbs(person), "current": "Modifier"},
    )


def consent_create(request, pk):
    person = _editable_person(request, pk)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.record_consent(person, acting_user=request.user, **form.cleaned_data)
        messages.success(request, "Le consentement est enregistré.")
        return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/consent.html",
        {"form": form, "person": person, "breadcrumbs": _breadcrumbs(person), "current": "Consentement"},
    )


@require_POST
def consent_withdraw(request, pk, consent_pk):
    person = _editable_person(request, pk)
    consent = get_object_or_404(person.consents, pk=consent_pk)
    services.withdraw_consent(consent, acting_user=request.user)
    messages.success(request, f"Le consentement « {consent.get_purpose_display()} » est retiré.")
    return redirect("people:detail", pk=person.pk)


def person_export(request, pk):
    person = _editable_person(request, pk, can_export_person)
    data = services.export_person_data(person)
    services.note_person_viewed(person, request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="personne-{person.pk}.json"'
    return response


def person_erase(request, pk):
    person = _editable_person(request, pk, can_erase_person)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.erase_person(person, acting_user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"Les données de la personne n° {person.pk} sont effacées.")
        return redirect("people:list")
    return render(
        request,
        "people/erase.html",
        {"form": form, "person": person, "breadcrumbs": _breadcrumbs(person), "current": "Effacer"},
    )


def duplicates(request):
    if not can_merge_people(request.user):
        raise PermissionDenied
    people = Person.objects.visible_to(request.user)
    anchors = people.having_possible_duplicate().select_related("commune").order_by("pk")
    page = paginate(request, anchors, per_page=25)
    return render(
        request,
        "people/duplicates.html",
        {
            "page": page,
            "pairs": duplicate_pairs(page.object_list, among=people),
            "breadcrumbs": _breadcrumbs(),
            "current": "Doublons possibles",
        },
    )


def person_merge(request, pk):
    if not can_merge_people(request.user):
        raise PermissionDenied
    duplicate = _visible_person(request, pk)
    form = MergeForm(request.POST or None, candidates=possible_duplicates(duplicate))
    if request.method == "POST" and form.is_valid():
        into = form.chosen()
        services.merge_people(duplicate, into, acting_user=request.user)
        messages.success(request, f"La fiche n° {duplicate.pk} est fusionnée dans celle de {into}.")
        return redirect("people:detail", pk=into.pk)
    return render(
        request,
        "people/merge.html",
        {"form": form, "person": duplicate, "breadcrumbs": _breadcrumbs(), "current": "Fusionner"},
    )
