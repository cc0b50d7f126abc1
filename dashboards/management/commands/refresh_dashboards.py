"""python manage.py refresh_dashboards [--wet-run]

Every 5 minutes (cron): computes ahead the dashboards people open first — the département's and each partner's,
from the first of January to today — and keeps them in the shared cache, so nobody waits for them. Without
--wet-run it only lists them. Running it again just recomputes; a stopped cron only makes the pages compute on
demand again."""

import time

from django.core.management.base import BaseCommand

from accounts.models import Organization
from dashboards import caching
from dashboards.forms import default_period
from dashboards.registry import Scope


def default_scopes():
    start, end = default_period()
    yield "Département", Scope(start=start, end=end)
    for organization in Organization.objects.partners().order_by("name", "pk"):
        yield organization.name, Scope(start=start, end=end, organization=organization)


class Command(BaseCommand):
    help = "Calcule d'avance les tableaux de bord du département et des partenaires."

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="calculer et garder (sinon : lister seulement)")

    def handle(self, *args, wet_run, **options):
        count = 0
        for label, scope in default_scopes():
            count += 1
            if not wet_run:
                self.stdout.write(f"À calculer : {label} ({scope.start:%d/%m/%Y} au {scope.end:%d/%m/%Y})")
                continue
            started = time.perf_counter()
            caching.refresh_sections(scope)
            self.stdout.write(f"{label} : calculé en {time.perf_counter() - started:.1f} s")
        verb = "calculé(s) et gardé(s)" if wet_run else "à calculer (relancer avec --wet-run)"
        self.stdout.write(self.style.SUCCESS(f"{count} tableau(x) de bord {verb}."))
