"""The prescriber's pages (« Mes orientations », the new referral, cancellation, the sheet for the person) and the
referral page both sides share, with its thread and attachments. A referral is always read through
`Referral.objects.visible_to(user)`: anything else answers 404. Each write goes through one service."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import Organization
from core.pagination import paginate
from people.models import PERSONAL_DATA_ROLES, Person
from places.views_public import format_phone
from referrals import attachments, services
from referrals.forms import AttachmentForm, CancelForm, CommentForm, ReferralForm, StatusFilterForm
from referrals.models import COOP_THEMES, Referral
from referrals.permissions import (
    acts_for_place,
    acts_for_prescriber,
    can_comment,
    can_dispatch,
    can_see_sent_referrals,
    can_transfer,
)
from referrals.ranking import DEFAULT_RADIUS_KM, rank_places

S = Referral.Status
Workflow = services.ReferralWorkflow
THEME_LABELS = dict(COOP_THEMES)
REQUEST_FIELDS = ["urgency", "free_text", "contact_preference", "availability", "organization"]

NEXT_STEP = {
    S.SENT: "Le lieu a reçu la demande. Il va l'examiner, puis l'accepter ou la refuser. Sans réponse, il est "
    "relancé au bout de {reminder} jours ouvrés ; après {expiry} jours, l'orientation expire et la coordination est "
    "prévenue.",
    S.UNDER_REVIEW: "Le lieu examine la demande. Il va l'accepter ou la refuser.",
    S.ACCEPTED: "Le lieu a accepté. Il va contacter la personne pour fixer un premier rendez-vous.",
    S.IN_PROGRESS: "Le premier rendez-vous est fixé. À la fin de l'accompagnement, le lieu indiquera le résultat.",
    S.CLOSED: "L'accompagnement est terminé. Le résultat est indiqué ci-dessous.",
    S.DECLINED: "Le lieu a refusé la demande (motif ci-dessous). Vous pouvez orienter la personne vers un autre lieu.",
    S.EXPIRED: "Le lieu n'a pas répondu à temps. Vous pouvez orienter la personne vers un autre lieu.",
    S.CANCELLED: "Le prescripteur a annulé cette orientation. Le lieu a été prévenu.",
    S.TRANSFERRED: "Le lieu a transféré la demande à un autre lieu : une nouvelle orientation a été envoyée.",
}
# What to bring to the first appointment: always, then by need (a service of the standard or a La Coop theme).
ALWAYS_BRING = [
    "une pièce d'identité",
    "votre téléphone portable chargé, si vous en avez un",
    "vos identifiants et mots de passe (adresse e-mail, comptes en ligne), si vous en avez",
]
_PAPERS = "les courriers reçus au sujet de votre démarche"
_DEVICE = "votre ordinateur, tablette ou téléphone, avec son chargeur"
BRING_BY_NEED = {
    "Aide aux démarches administratives": [_PAPERS, "votre numéro d'allocataire (CAF ou MSA), si vous en avez un"],
    "aide_aux_demarches_administratives": [_PAPERS, "votre numéro d'allocataire (CAF ou MSA), si vous en avez un"],
    "papiers_elections_citoyennete": [_PAPERS, "un justificatif de domicile de moins de 3 mois"],
    "social_sante": ["votre carte Vitale", "votre numéro d'allocataire (CAF ou MSA), si vous en avez un", _PAPERS],
    "sante": ["votre carte Vitale"],
    "famille_scolarite": [
        "votre numéro d'allocataire (CAF ou MSA)",
        "les identifiants de l'espace numérique de l'école de vos enfants, si vous les avez",
    ],
    "scolarite_et_numerique": ["les identifiants de l'espace numérique de l'école de vos enfants, si vous les avez"],
    "argent_impots": ["votre dernier avis d'impôt (il porte votre numéro fiscal)", _PAPERS],
    "logement": ["votre bail ou votre dernière quittance de loyer", _PAPERS],
    "travail_formation": ["votre CV si vous en avez un", "votre identifiant France Travail, si vous en avez un"],
    "insertion_professionnelle": [
        "votre CV si vous en avez un",
        "votre identifiant France Travail, si vous en avez un",
    ],
    "Insertion professionnelle via le numérique": ["votre CV si vous en avez un"],
    "etrangers_europe": ["votre titre de séjour ou votre récépissé", _PAPERS],
    "banque_et_achats_en_ligne": ["le téléphone qui reçoit les codes de votre banque"],
    "Maîtrise des outils numériques du quotidien": [_DEVICE],
    "prendre_en_main_du_materiel": [_DEVICE],
    "maintenance_de_materiel": [_DEVICE],
    "Accès internet et matériel informatique": [_DEVICE],
    "email": ["l'adresse e-mail et le mot de passe de votre messagerie, si vous en avez une"],
}


def things_to_bring(needs):
    """The list for the person's sheet: what everyone brings, then what the needs ask for, without repeats."""
    items = list(ALWAYS_BRING)
    for need in needs:
        items += [item for item in BRING_BY_NEED.get(need, []) if item not in items]
    return items


NETWORK_NEXT_STEP = "La demande est envoyée « au réseau » : la coordination départementale va choisir le lieu."


def sending_organizations(user):
    """The organisations on whose behalf `user` may send a referral (see `permissions.can_send_referral`)."""
    ids = {m.organization_id for m in user.cached_memberships if m.role in PERSONAL_DATA_ROLES}
    return list(Organization.objects.filter(pk__in=ids).order_by("name", "pk"))


def _visible_referral(request, pk):
    referrals = Referral.objects.visible_to(request.user).select_related(
        "person__commune", "target_place", "prescriber", "prescriber_organization", "transferred_from"
    )
    return get_object_or_404(referrals, pk=pk)


def _breadcrumbs(user, referral=None):
    """The list this user comes from: their organisation's referrals, a place's inbox, or the coordination's."""
    if referral is not None and not acts_for_prescriber(user, referral) and acts_for_place(user, referral):
        links = [("Orientations reçues", reverse("referrals:place_inboxes"))]
    elif can_see_sent_referrals(user):
        links = [("Mes orientations", reverse("referrals:mine"))]
    else:
        links = [("Toutes les orientations", reverse("referrals:coordination"))]
    if referral is not None:
        links.append((str(referral), reverse("referrals:detail", args=[referral.pk])))
    return links


def my_referrals(request):
    if not can_see_sent_referrals(request.user):
        raise PermissionDenied
    organization_ids = {m.organization_id for m in request.user.cached_memberships if m.role in PERSONAL_DATA_ROLES}
    referrals = (
        Referral.objects.visible_to(request.user)
        .filter(prescriber_organization_id__in=organization_ids)
        .select_related("person", "target_place", "prescriber_organization")
        .order_by("-sent_at", "-pk")
    )
    filters = StatusFilterForm(request.GET)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    if status:
        referrals = referrals.filter(status=status)
    return render(
        request,
        "referrals/mine.html",
        {
            "page": paginate(request, referrals, per_page=25),
            "filters": filters,
            "status": status,
            "status_label": S(status).label if status else "",
        },
    )


def referral_create(request, person_pk):
    person = get_object_or_404(Person.objects.visible_to(request.user).select_related("commune"), pk=person_pk)
    organizations = sending_organizations(request.user)
    if not organizations:
        raise PermissionDenied
    action = request.POST.get("action") if request.method == "POST" else None
    form = ReferralForm(request.POST or None, person=person, organizations=organizations)
    places, ranked = [], False
    if action and form.is_valid():
        ranked = True
        places = rank_places(
            needs=form.needs(),
            commune=person.commune,
            specific_needs=person.specific_needs,
            days=form.cleaned_data["availability"],
        )
        form = ReferralForm(
            request.POST, person=person, organizations=organizations, places=places, require_target=action == "send"
        )
        if action == "send" and form.is_valid():
            try:
                referral = services.send_referral(acting_user=request.user, person=person, **form.request_fields())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                where = "au réseau" if referral.is_to_network else f"à « {referral.target_place.name} »"
                messages.success(request, f"L'orientation de {person} est envoyée {where}.")
                return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/create.html",
        {
            "person": person,
            "form": form,
            "places": places,
            "show_places": ranked or person.commune is None,
            "no_commune": person.commune is None,
            "radius_km": DEFAULT_RADIUS_KM,
            "needs_fields": [form["services"], form["themes"]],
            "request_fields": [form[name] for name in REQUEST_FIELDS if name in form.fields],
            "breadcrumbs": [
                ("Personnes accompagnées", reverse("people:list")),
                (str(person), reverse("people:detail", args=[person.pk])),
            ],
        },
    )


def _actions(user, referral):
    """The buttons this user gets on this referral: (label, url, method, style). Each only when the workflow allows
    it from the current status; the pages behind them check again."""
    status, pk = referral.status, referral.pk
    actions = []

    def add(label, name, *, method="get", style="button--secondary"):
        actions.append(
            {"label": label, "url": reverse(f"referrals:{name}", args=[pk]), "method": method, "style": style}
        )

    if acts_for_place(user, referral):
        if Workflow.can_go(status, S.UNDER_REVIEW):
            add("Commencer l'examen", "review", method="post")
        if Workflow.can_go(status, S.ACCEPTED):
            add("Accepter", "accept", style="")
        if Workflow.can_go(status, S.DECLINED):
            add("Refuser", "decline", style="button--danger")
        if Workflow.can_go(status, S.IN_PROGRESS):
            add("Fixer le premier rendez-vous", "appointment", style="")
        elif status == S.IN_PROGRESS:
            add("Modifier le rendez-vous", "appointment")
        if Workflow.can_go(status, S.CLOSED):
            add("Terminer l'accompagnement", "close", style="")
    if can_transfer(user, referral) and referral.target_place_id and Workflow.can_go(status, S.TRANSFERRED):
        add("Transférer à un autre lieu", "transfer")
    if can_dispatch(user) and referral.is_to_network and status == S.SENT:
        add("Attribuer à un lieu", "dispatch", style="")
    if acts_for_prescriber(user, referral):
        add("Imprimer la fiche pour la personne", "sheet")
        if Workflow.can_go(status, S.CANCELLED):
            add("Annuler l'orientation", "cancel", style="button--danger")
    return actions


def _render_detail(request, referral, *, comment_form=None):
    user = request.user
    next_step = (
        NETWORK_NEXT_STEP if referral.is_to_network and referral.status == S.SENT else NEXT_STEP[referral.status]
    )
    next_step = next_step.format(
        reminder=settings.REFERRAL_REMINDER_WORKING_DAYS, expiry=settings.REFERRAL_EXPIRY_DAYS
    )
    person = referral.person
    context = {
        "referral": referral,
        "person": person,
        "place_phone": format_phone(referral.target_place.phone) if referral.target_place else "",
        "person_visible": Person.objects.visible_to(user).filter(pk=person.pk).exists(),
        "next_step": next_step,
        "transitions": referral.transitions.select_related("actor"),
        "comments": referral.comments.select_related("author"),
        "attachments": referral.attachments.select_related("uploaded_by"),
        "follow_ups": Referral.objects.visible_to(user)
        .filter(transferred_from=referral)
        .select_related("target_place"),
        "previous_visible": referral.transferred_from_id is not None
        and Referral.objects.visible_to(user).filter(pk=referral.transferred_from_id).exists(),
        "actions": _actions(user, referral),
        "themes_covered": [THEME_LABELS.get(value, value) for value in referral.themes_covered],
        "purge_days": settings.REFERRAL_ATTACHMENT_PURGE_DAYS,
        "can_comment": can_comment(user, referral),
        "can_attach": can_comment(user, referral) and referral.is_open,
        "comment_form": comment_form or CommentForm(),
        "attachment_form": AttachmentForm(max_mb=settings.REFERRAL_ATTACHMENT_MAX_MB),
        "breadcrumbs": _breadcrumbs(user, referral)[:1],
        "current": str(referral),
    }
    return render(request, "referrals/detail.html", context)


def referral_detail(request, pk):
    return _render_detail(request, _visible_referral(request, pk))


@require_POST
def comment_create(request, pk):
    referral = _visible_referral(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(referral, acting_user=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error("body", error)
        else:
            messages.success(request, "Votre message est envoyé.")
            return redirect(reverse("referrals:detail", args=[referral.pk]) + "#commentaires")
    return _render_detail(request, referral, comment_form=form)


def referral_cancel(request, pk):
    referral = _visible_referral(request, pk)
    if not acts_for_prescriber(request.user, referral):
        raise PermissionDenied
    form = CancelForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.cancel_referral(referral, acting_user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"L'{referral} est annulée. Le lieu est prévenu.")
        return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/cancel.html",
        {
            "referral": referral,
            "form": form,
            "can_cancel": Workflow.can_go(referral.status, S.CANCELLED),
            "breadcrumbs": _breadcrumbs(request.user, referral),
            "current": "Annuler",
        },
    )


def referral_sheet(request, pk):
    referral = _visible_referral(request, pk)
    place = referral.target_place
    return render(
        request,
        "referrals/sheet.html",
        {
            "referral": referral,
            "place": place,
            "place_phone": format_phone(place.phone) if place and place.phone else "",
            "things_to_bring": things_to_bring(referral.needs),
            "breadcrumbs": _breadcrumbs(request.user, referral),
            "current": "Fiche pour la personne",
        },
    )


def attachment_upload(request, pk):
    referral = _visible_referral(request, pk)
    if not can_comment(request.user, referral):
        raise PermissionDenied
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = AttachmentForm(*data, max_mb=settings.REFERRAL_ATTACHMENT_MAX_MB)
    if form.is_bound and form.is_valid():
        try:
            attachment = attachments.add_attachment(
                referral, acting_user=request.user, uploaded_file=form.cleaned_data["file"]
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, f"Le fichier « {attachment.original_name} » est joint à l'orientation.")
            return redirect(reverse("referrals:detail", args=[referral.pk]) + "#pieces-jointes")
    return render(
        request,
        "referrals/attachment_upload.html",
        {
            "referral": referral,
            "form": form,
            "is_open": referral.is_open,
            "breadcrumbs": _breadcrumbs(request.user, referral),
            "current": "Joindre un fichier",
        },
    )


def attachment_download(request, pk, attachment_pk):
    referral = _visible_referral(request, pk)
    attachment = get_object_or_404(referral.attachments, pk=attachment_pk, purged_at__isnull=True)
    if not attachment.file:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
