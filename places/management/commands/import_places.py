"""manage.py import_places FILE [--source NAME] [--dry-run] [--keep-valid] [--draft]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from places.importing import format_error, import_places
from places.models import PlaceImport


class Command(BaseCommand):
    help = (
        "Importe un fichier de lieux au standard national (CSV ou JSON v1, ou CSV v0.1). Par défaut tout ou rien : "
        "une ligne refusée et rien n'est écrit."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="chemin du fichier CSV ou JSON")
        parser.add_argument(
            "--source",
            help="nom de la source : les lieux sont reconnus par (source, id) d'un import à l'autre "
            "(par défaut : le nom du fichier sans extension)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="simulation : ne rien écrire, dire ce qui changerait"
        )
        parser.add_argument("--keep-valid", action="store_true", help="importer les lignes valides, lister les autres")
        parser.add_argument("--draft", action="store_true", help="créer les nouveaux lieux en brouillon (non publiés)")

    def handle(self, *args, file, source, dry_run, keep_valid, draft, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        source = source or path.stem
        place_import = PlaceImport.objects.create(
            source=source, filename=path.name, dry_run=dry_run, keep_valid_rows=keep_valid
        )

        def progress(processed, total):
            self.stdout.write(f"{processed} / {total} lignes lues")

        report = import_places(
            path.read_bytes(),
            filename=path.name,
            source=source,
            dry_run=dry_run,
            keep_valid=keep_valid,
            draft=draft,
            place_import=place_import,
            progress=progress,
        )
        for error in report.errors:
            self.stderr.write(format_error(error))
        for warning in report.warnings:
            self.stdout.write(f"Attention : {format_error(warning)}")
        if report.failed:
            self.stdout.write(
                f"{report.total} lignes ({report.format or 'format illisible'}) : {report.rejected} refusées."
            )
        else:
            verb = "seraient" if dry_run else "ont été"
            self.stdout.write(
                f"{report.total} lignes ({report.format}) : {report.created} lieux {verb} créés, "
                f"{report.updated} mis à jour, {report.unchanged} inchangés ; {report.rejected} lignes refusées."
            )
        if report.failed:
            raise CommandError("Import refusé : rien n'a été écrit. Corrigez les erreurs ou utilisez --keep-valid.")
        if dry_run:
            self.stdout.write("Simulation : rien n'a été écrit.")
