"""manage.py export_places --format csv|json|data-inclusion [--output FILE]"""

import sys

from django.core.management.base import BaseCommand

from places import data_inclusion, exporting


class Command(BaseCommand):
    help = (
        "Exporte les lieux publiés au standard national (CSV ou JSON) ou au format data·inclusion v1, "
        "sur la sortie standard ou dans un fichier."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "json", "data-inclusion"], default="csv")
        parser.add_argument("--output", help="fichier à écrire (par défaut : la sortie standard)")

    def handle(self, *args, format, output, **options):
        chunks = {
            "csv": exporting.iter_csv,
            "json": exporting.iter_json,
            "data-inclusion": data_inclusion.iter_json,
        }[format]()
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                for chunk in chunks:
                    handle.write(chunk)
            self.stderr.write(f"Export écrit dans {output}")
        else:
            out = self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout
            for chunk in chunks:
                out.write(chunk)
