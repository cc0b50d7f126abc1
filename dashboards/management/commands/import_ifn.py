"""python manage.py import_ifn FICHIER --version 2023 [--level commune] [--variant tout_age] [--scale 1-10]
[--dry-run] [--strict]

Imports the indice de fragilité numérique from a CSV export (see dashboards/ifn.py for the columns read). Bad lines
are listed with their number; the good ones are imported unless --strict (then nothing is written if any line is
bad) or --dry-run. Run it again with a corrected file: only what changed is written."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dashboards.ifn import parse_ifn
from dashboards.models import IFNScore
from dashboards.services import import_ifn_scores


class Command(BaseCommand):
    help = "Importe l'indice de fragilité numérique (fichier CSV) pour un millésime."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # `--version` names the IFN vintage here, not Django's version: the built-in option gives way.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier CSV (« ; » ou « , »)")
        parser.add_argument("--version", required=True, dest="ifn_version", help="millésime, par exemple 2023")
        parser.add_argument("--level", default=IFNScore.Level.COMMUNE, choices=IFNScore.Level.values)
        parser.add_argument("--variant", default=IFNScore.Variant.ALL_AGES, choices=IFNScore.Variant.values)
        parser.add_argument("--scale", default=IFNScore.Scale.ONE_TO_TEN, choices=IFNScore.Scale.values)
        parser.add_argument("--dry-run", action="store_true", help="lire et vérifier sans rien enregistrer")
        parser.add_argument("--strict", action="store_true", help="ne rien enregistrer si une ligne est en erreur")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Fichier introuvable : {path}")
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        parsed = parse_ifn(text, level=options["level"], scale=options["scale"])
        for number, message in parsed.errors:
            self.stderr.write(f"Ligne {number} : {message}")
        self.stdout.write(f"{len(parsed.scores)} scores lus, {len(parsed.errors)} lignes en erreur.")
        if options["dry_run"] or (options["strict"] and parsed.errors):
            self.stdout.write("Rien n'a été enregistré.")
            return
        created, updated, unknown = import_ifn_scores(
            scores=parsed.scores,
            level=options["level"],
            version=options["ifn_version"],
            variant=options["variant"],
            scale=options["scale"],
        )
        if unknown:
            self.stderr.write(f"{len(unknown)} codes de commune inconnus, ignorés : {', '.join(unknown[:20])}")
        self.stdout.write(
            self.style.SUCCESS(f"Millésime {options['ifn_version']} : {created} scores créés, {updated} mis à jour.")
        )
