"""Pilotage pages. Every dashboard is a GET form of filters over one scope (period, territory, organisation);
the figures come from the registry (`dashboards.registry`), masked for partner viewers and shared links. Rules:
a page the user may not open answers 403; an organisation outside the user's answers 404; a revoked or unknown
share link answers 404, an expired one 410."""

import functools
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Organization
from accounts.permissions import sees_whole_departement
from core.pagination import paginate
from dashboards import caching, charts, exports, maps, permissions, registry, services
from dashboards.coverage import SORTS, class_counts, coverage, epci_choices, ifn_versions, sorted_rows
from dashboards.forms import FilterForm, ShareLinkForm, default_period, scope_from_frozen
from dashboards.masking import mask_sections
from dashboards.models import IFNScore, ShareLink
from dashboards.report import cached_report, coverage_table, report_pdf

PAGE_ROWS = 50  # rows of a table shown on the page; the exports hold them all
FILTER_FIELDS = ("start", "end", "commune", "epci", "module", "organisation")


def _breadcrumbs():
    return [("Pilotage", reverse("dashboards:dashboard"))]


class Dashboard:
    """What a request asks: the filter form, the organisation (None: whole département), whether it is masked."""

    def __init__(self, request):
        user = request.user
        if not permissions.can_view_dashboards(user):
            raise PermissionDenied
        self.whole = sees_whole_departement(user)
        if self.whole:
            organizations = list(Organization.objects.order_by("name").only("pk", "name"))
        else:
            organizations = permissions.dashboard_organizations(user)
        wanted = request.GET.get("organisation", "")
        if wanted and wanted not in {str(o.pk) for o in organizations}:
            raise Http404("Organisation inconnue.")
        data = request.GET.copy()
        default_start, default_end = default_period()
        if not data.get("start"):
            data["start"] = default_start.isoformat()
        if not data.get("end"):
            data["end"] = default_end.isoformat()
        self.form = FilterForm(data, organizations=organizations, whole_departement=self.whole)
        if not self.form.is_valid():
            self.errors = True
            fallback = {k: v for k, v in data.items() if k == "organisation"}
            self.form_for_scope = FilterForm(fallback, organizations=organizations, whole_departement=self.whole)
            self.form_for_scope.is_valid()
        else:
            self.errors = False
            self.form_for_scope = self.form
        organization = None
        if wanted:
            organization = next(o for o in organizations if str(o.pk) == wanted)
        elif not self.whole:
            organization = organizations[0]
        self.organization = organization
        self.masked = permissions.is_partner_view(user, organization)
        self.kind = "departement" if organization is None else ("partner" if self.masked else "organisation")
        self.scope = self.form_for_scope.scope(organization)
        self.modules = self.form_for_scope.modules()

    def sections(self):
        sections, self.computed_at = caching.cached_sections(self.scope, self.modules)
        return mask_sections(sections) if self.masked else sections

    @property
    def title(self):
        if self.organization is None:
            return "Tableau de bord du département"
        return f"Tableau de bord : {self.organization.name}"


def _display_sections(sections, export_query, export_names):
    """Sections with, for each chart, its SVG geometry and data table, and each table's export addresses."""
    csv_name, xlsx_name, kwargs = export_names
    shown = []
    for section in sections:
        items = []
        for series in section.series:
            table = registry.series_table(series)
            key = f"{section.key}.{series.key}"
            items.append(
                {
                    "series": series,
                    "chart": charts.chart(series),
                    "table": table,
                    "key": key,
                    "slug": key.replace(".", "-"),
                }
            )
        tables = []
        for table in section.tables:
            key = f"{section.key}.{table.key}"
            tables.append(
                {
                    "table": table,
                    "key": key,
                    "slug": key.replace(".", "-"),
                    "rows": table.rows[:PAGE_ROWS],
                    "hidden": max(0, len(table.rows) - PAGE_ROWS),
                }
            )
        for entry in items + tables:
            query = export_query.copy()
            query["table"] = entry["key"]
            entry["csv_url"] = f"{reverse(csv_name, kwargs=kwargs)}?{query.urlencode()}"
            entry["xlsx_url"] = f"{reverse(xlsx_name, kwargs=kwargs)}?{query.urlencode()}"
        shown.append({"section": section, "charts": items, "tables": tables})
    return shown


def _export_query(request):
    query = QueryDict(mutable=True)
    for name in FILTER_FIELDS:
        if request.GET.get(name):
            query[name] = request.GET[name]
    return query


def dashboard(request):
    board = Dashboard(request)
    sections = board.sections()
    query = _export_query(request)
    context = {
        "board": board,
        "form": board.form,
        "sections": _display_sections(sections, query, ("dashboards:export_csv", "dashboards:export_xlsx", {})),
        "xlsx_all_url": f"{reverse('dashboards:export_xlsx')}?{query.urlencode()}",
        "can_share": permissions.can_manage_share_links(request.user, board.organization),
        "share_form": ShareLinkForm(),
        "share_query": query,
        "can_export_passes": board.whole and board.organization is None,
        "territory": board.form_for_scope.territory_label(),
    }
    return render(request, "dashboards/dashboard.html", context)


def _table_or_404(sections, key):
    table = registry.find_table(sections, key)
    if table is None:
        raise Http404("Tableau inconnu.")
    return table


def export_csv(request):
    board = Dashboard(request)
    table = _table_or_404(board.sections(), request.GET.get("table", ""))
    stem = f"pilotage-{request.GET['table'].replace('.', '-')}"
    return exports.csv_response(exports.filename(stem, "csv"), table.headings, table.rows)


def _all_tables(sections):
    tables = []
    for section in sections:
        for series in section.series:
            table = registry.series_table(series)
            tables.append((series.title, table.headings, table.rows))
        for table in section.tables:
            tables.append((table.title, table.headings, table.rows))
    return tables


def export_xlsx(request):
    board = Dashboard(request)
    sections = board.sections()
    key = request.GET.get("table")
    if key:
        table = _table_or_404(sections, key)
        return exports.xlsx_response(
            exports.filename(f"pilotage-{key.replace('.', '-')}", "xlsx"), [(table.title, table.headings, table.rows)]
        )
    return exports.xlsx_response(exports.filename("pilotage", "xlsx"), _all_tables(sections))


def export_passes(request):
    """Every pass, one anonymous row each, streamed: coordinators only."""
    if not sees_whole_departement(request.user):
        raise PermissionDenied
    board = Dashboard(request)
    return exports.csv_response(
        exports.filename("pass-numerique-detail", "csv"), exports.PASS_HEADINGS, exports.pass_rows(board.scope)
    )


# Share links -----------------------------------------------------------------------------------------------------


def share_links(request):
    if not permissions.can_view_dashboards(request.user):
        raise PermissionDenied
    links = ShareLink.objects.visible_to(request.user).select_related("organization", "created_by")
    page = paginate(request, links)
    shown = list(page.object_list)
    for link in shown:
        link.can_revoke = permissions.can_manage_share_links(request.user, link.organization)
    context = {"page": page, "links": shown, "breadcrumbs": _breadcrumbs()}
    return render(request, "dashboards/share_links.html", context)


@require_POST
def share_create(request):
    board = Dashboard(request)  # the filters come in the query string, as on the dashboard
    if not permissions.can_manage_share_links(request.user, board.organization):
        raise PermissionDenied
    form = ShareLinkForm(request.POST)
    if not form.is_valid() or board.errors:
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        if board.errors:
            errors.append("Corrigez les filtres du tableau de bord.")
        messages.error(request, f"Le lien n'est pas créé. {' '.join(errors)}")
        return redirect(f"{reverse('dashboards:dashboard')}?{_export_query(request).urlencode()}")
    filters = board.form_for_scope.frozen()
    filters["masked"] = True
    link = services.create_share_link(
        label=form.cleaned_data["label"],
        organization=board.organization,
        filters=filters,
        expires_on=form.cleaned_data["expires_on"],
        acting_user=request.user,
    )
    messages.success(
        request,
        f"Le lien « {link.label} » est créé, valable jusqu'au {link.expires_on:%d/%m/%Y}. "
        "Copiez son adresse ci-dessous.",
    )
    return redirect("dashboards:share_links")


@require_POST
def share_revoke(request, pk):
    link = get_object_or_404(ShareLink.objects.visible_to(request.user), pk=pk)
    if not permissions.can_manage_share_links(request.user, link.organization):
        raise PermissionDenied
    services.revoke_share_link(link, acting_user=request.user)
    messages.success(request, f"Le lien « {link.label} » est révoqué : son adresse ne montre plus rien.")
    return redirect("dashboards:share_links")


def _shared_sections(link):
    scope = scope_from_frozen(link.filters, link.organization)
    module = link.filters.get("module")
    sections, _computed_at = caching.cached_sections(scope, [module] if module else None)
    return mask_sections(sections), scope


def _no_index(response):
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def shared_link_view(view):
    """A public page of a share link: `view(request, link)` while the link is active; an unknown or revoked token
    answers 404, an expired link 410 (a plain page saying so)."""

    @functools.wraps(view)
    def wrapper(request, token):
        link = get_object_or_404(ShareLink.objects.not_revoked().select_related("organization"), token=token)
        if link.is_expired:
            return _no_index(render(request, "dashboards/share_expired.html", {"link": link}, status=410))
        return view(request, link)

    return login_not_required(wrapper)


@shared_link_view
def shared(request, link):
    sections, scope = _shared_sections(link)
    kwargs = {"token": link.token}
    context = {
        "link": link,
        "scope": scope,
        "sections": _display_sections(
            sections, QueryDict(mutable=True), ("dashboards:shared_csv", "dashboards:shared_xlsx", kwargs)
        ),
        "xlsx_all_url": reverse("dashboards:shared_xlsx", kwargs=kwargs),
    }
    return _no_index(render(request, "dashboards/shared.html", context))


@shared_link_view
def shared_csv(request, link):
    sections, _scope = _shared_sections(link)
    table = _table_or_404(sections, request.GET.get("table", ""))
    return exports.csv_response(exports.filename("tableau-de-bord-partage", "csv"), table.headings, table.rows)


@shared_link_view
def shared_xlsx(request, link):
    sections, _scope = _shared_sections(link)
    key = request.GET.get("table")
    if key:
        table = _table_or_404(sections, key)
        tables = [(table.title, table.headings, table.rows)]
    else:
        tables = _all_tables(sections)
    return exports.xlsx_response(exports.filename("tableau-de-bord-partage", "xlsx"), tables)


# Coverage --------------------------------------------------------------------------------------------------------


def _coverage(request):
    if not permissions.can_view_coverage(request.user):
        raise PermissionDenied
    variant = request.GET.get("variante", IFNScore.Variant.ALL_AGES)
    if variant not in IFNScore.Variant.values:
        variant = IFNScore.Variant.ALL_AGES
    versions = [v for v, var, _scale in ifn_versions() if var == variant]
    version = request.GET.get("millesime") or None
    if version is not None and version not in versions:
        version = None
    result = coverage(version=version, variant=variant)
    epcis = epci_choices(result["rows"])
    epci = request.GET.get("epci", "")
    rows = result["rows"]
    if epci in {code for code, _name in epcis}:
        rows = [row for row in rows if row.epci_code == epci]
    else:
        epci = ""
    return {**result, "rows": rows, "epcis": epcis, "epci": epci}, versions, variant


def coverage_page(request):
    result, versions, variant = _coverage(request)
    rows = result["rows"]
    sort = request.GET.get("tri", "priorite")
    if sort not in SORTS:
        sort = "priorite"
    page = paginate(request, sorted_rows(rows, sort), per_page=50)
    query = request.GET.copy()
    query.pop("page", None)
    sort_links = []
    for key, (label, _function) in SORTS.items():
        sort_query = query.copy()
        sort_query["tri"] = key
        sort_links.append({"key": key, "label": label, "url": f"?{sort_query.urlencode()}", "current": key == sort})
    csv_query = query.copy()
    csv_query.pop("tri", None)
    context = {
        "page": page,
        "rows": page.object_list,
        "total": len(rows),
        "map": maps.coverage_map(rows, settings.PLATFORM_DEPARTEMENT),
        "legend": class_counts(rows),
        "sort_links": sort_links,
        "version": result["version"],
        "versions": versions,
        "variant_label": IFNScore.Variant(variant).label,
        "epcis": result["epcis"],
        "epci": result["epci"],
        "csv_url": f"{reverse('dashboards:coverage_csv')}?{csv_query.urlencode()}",
        "breadcrumbs": _breadcrumbs(),
    }
    return render(request, "dashboards/coverage.html", context)


COVERAGE_HEADINGS = [
    "Code INSEE",
    "Commune",
    "Intercommunalité",
    "Population",
    "Distance au lieu le plus proche (km)",
    "Classe de distance",
    "Indice de fragilité numérique",
]


def coverage_csv(request):
    result, _versions, _variant = _coverage(request)
    rows = (
        [row.insee_code, row.name, row.epci, row.population, row.distance_km, row.distance_class[1], row.ifn]
        for row in result["rows"]
    )
    return exports.csv_response(exports.filename("couverture-communes", "csv"), COVERAGE_HEADINGS, rows)


# Yearly report ---------------------------------------------------------------------------------------------------


def _report_year(request, year):
    if not permissions.can_view_yearly_report(request.user):
        raise PermissionDenied
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404("Année sans bilan.")
    return cached_report(year)


def report_index(request):
    if not permissions.can_view_yearly_report(request.user):
        raise PermissionDenied
    return redirect("dashboards:report", year=timezone.localdate().year)


def report(request, year):
    yearly = _report_year(request, year)
    this_year = timezone.localdate().year
    context = {
        "report": yearly,
        "sections": _display_sections(
            yearly.sections,
            _year_query(year),
            ("dashboards:export_csv", "dashboards:export_xlsx", {}),
        ),
        "coverage_table": coverage_table(yearly),
        "years": list(range(this_year, this_year - 5, -1)),
        "breadcrumbs": _breadcrumbs(),
    }
    return render(request, "dashboards/report.html", context)


def _year_query(year):
    query = QueryDict(mutable=True)
    query["start"] = date(year, 1, 1).isoformat()
    query["end"] = min(date(year, 12, 31), timezone.localdate()).isoformat()
    return query


def report_pdf_view(request, year):
    yearly = _report_year(request, year)
    response = HttpResponse(report_pdf(yearly), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bilan-inclusion-numerique-{year}.pdf"'
    return response
