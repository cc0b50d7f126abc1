from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from vouchers.importing import SerialImportRejected, guess_mapping, import_serials, read_serial_file
from vouchers.models import Order


class Command(BaseCommand):
    help = (
        "Importe le fichier de numéros de l'opérateur dans une commande de Pass Numérique (format CSV décrit dans "
        "vouchers/importing.py). Tout ou rien : la moindre erreur est listée avec son numéro de ligne."
    )

    def add_arguments(self, parser):
        parser.add_argument("order", type=int, help="Numéro de la commande.")
        parser.add_argument("file", help="Fichier CSV.")
        parser.add_argument("--as", dest="email", required=True, help="Adresse du compte de coordination qui importe.")
        parser.add_argument("--carnet", help="Colonne des numéros de carnet (sinon : devinée).")
        parser.add_argument("--pass", dest="pass_column", help="Colonne des numéros de pass (sinon : devinée).")
        parser.add_argument("--rang", help="Colonne du rang dans le carnet (facultative).")

    def handle(self, *args, order, file, email, carnet=None, pass_column=None, rang=None, **options):
        try:
            order = Order.objects.get(pk=order)
        except Order.DoesNotExist:
            raise CommandError(f"Aucune commande n° {order}.") from None
        try:
            user = User.objects.get(email__iexact=email)
        except User.DoesNotExist:
            raise CommandError(f"Aucun compte {email}.") from None
        headers, rows = read_serial_file(Path(file).read_bytes())
        mapping = guess_mapping(headers)
        for field, column in (("book", carnet), ("pass", pass_column), ("position", rang)):
            if column:
                mapping[field] = column
        self.stdout.write(f"Colonnes : {mapping}")
        try:
            result = import_serials(order, rows, mapping, acting_user=user, headers=headers)
        except SerialImportRejected as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError("Fichier refusé : rien n'a été importé.") from None
        self.stdout.write(f"{result['books']} carnet(s) et {result['passes']} pass importés.")
